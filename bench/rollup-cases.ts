import { createOrg } from '../functions/core/orgs/orgs';
import { createDatasource } from '../functions/core/datasources/datasources';
import { putMeasurements, type Measurement } from '../functions/core/measurements/measurements';
import type { RecentQuery } from '../functions/core/measurements/recent-measurements';
import { planRecentAnswer } from '../functions/core/measurements/recent-window';
import type { Actor } from '../functions/core/orgs/audit';
import { progress } from './sampling';
import { capacityUsedBy, itemsReturnedBy } from './request-counter';
import type { BenchSettings, Figures } from './cases';

/**
 * Rolled-up means (issue 11):
 * - `query.hourItemsRead`: items DynamoDB returns for the 48-hour `hour` query of one datasource
 *   holding a minute every minute (the aggregates of 48 + 23 hours, not 2,880 minutes);
 * - `query.dayItemsRead`: the same for the 10-day `day` query (10 daily aggregates, not 14,400);
 * - `ingest.rollupWriteOverhead`: write units of a 500-minute ingest with its aggregates (and the
 *   datasource's lease) over those of the minutes alone (BatchWriteItem: table and GSI1), as
 *   DynamoDB Local reports them with `ReturnConsumedCapacity`.
 * In process, with the domain code the handlers call, at a fixed clock.
 */

const MINUTE_MS = 60_000;
const DAY_MINUTES = 1440;
const ACTOR: Actor = { type: 'person', id: 'bench@example.org' };

const metricsAt = (minute: number) => ({
  pm1ConcMassIndividual: 3 + (minute % 11),
  pm2_5ConcMassIndividual: 5 + (minute % 17),
  pm10ConcMassIndividual: 9 + (minute % 23),
  temperatureInternalIndividual: 12.5 + (minute % 60) / 10,
  relHumidInternalIndividual: 40 + (minute % 30),
});

const minutesOf = (datasourceId: string, now: number, count: number, offset = 0): Measurement[] =>
  Array.from({ length: count }, (_, minute) => ({
    datasourceId,
    time: new Date(now - (minute + offset) * MINUTE_MS).toISOString(),
    metrics: metricsAt(minute + offset),
  }));

async function datasourceWith(name: string): Promise<{ orgId: string; datasourceId: string }> {
  const { orgId } = await createOrg(name, ACTOR.id);
  const { datasourceId } = await createDatasource(orgId, { name, sourceType: 'bench', tags: [] }, ACTOR);
  return { orgId, datasourceId };
}

/** Writes with the domain's writer, 500 at a time (what one ingest accepts). */
async function seed(orgId: string, minutes: readonly Measurement[], label: string): Promise<void> {
  for (let start = 0; start < minutes.length; start += 500) {
    await putMeasurements(orgId, minutes.slice(start, start + 500));
    progress(label, Math.min(start + 500, minutes.length), minutes.length);
  }
}

const queryOf = (datasourceId: string, outputFrequency: RecentQuery['outputFrequency']): RecentQuery => ({
  allDatasources: false,
  datasourceIds: [datasourceId],
  outputFrequency,
  format: 'json-long',
  metricSelect: 'all',
});

export async function rollupCases(settings: BenchSettings): Promise<Figures> {
  const now = Date.now();
  // Ten days and a minute of minutes: the whole day window, and the hour window with the 23 hours
  // before it (a smoke run writes two days: enough for every hour of the hour window).
  const dayCount = Math.min(10, Math.max(2, settings.historyDays));
  const days = await datasourceWith('Rollup days');
  const minutes = minutesOf(days.datasourceId, now, dayCount * DAY_MINUTES + 1);
  await seed(days.orgId, minutes, `rollups: ${dayCount} days of minutes`);
  const utcDays = new Set(minutes.map((minute) => minute.time.slice(0, 10))).size;

  let hourRows = 0;
  const hourItems = await itemsReturnedBy(async () => {
    hourRows = (await planRecentAnswer(days.orgId, 'all', queryOf(days.datasourceId, 'hour'), { now })).rows;
  });
  let dayRows = 0;
  const dayItems = await itemsReturnedBy(async () => {
    dayRows = (await planRecentAnswer(days.orgId, 'all', queryOf(days.datasourceId, 'day'), { now })).rows;
  });
  if (hourRows !== 48 || dayRows !== Math.min(10, utcDays)) {
    throw new Error(`expected 48 hour rows and ${Math.min(10, utcDays)} day rows, got ${hourRows} and ${dayRows}`);
  }

  // 500 new minutes of a fresh datasource, then the same 500 overwritten with other values.
  const fresh = await datasourceWith('Rollup ingest');
  const batch = minutesOf(fresh.datasourceId, now, 500);
  const newCapacity = await capacityUsedBy(() => putMeasurements(fresh.orgId, batch));
  const overwrite = batch.map((minute) => ({ ...minute, metrics: metricsAt(7 + Date.parse(minute.time) / MINUTE_MS) }));
  const overwriteCapacity = await capacityUsedBy(() => putMeasurements(fresh.orgId, overwrite));
  const writeUnits = (capacity: Record<string, number>) =>
    (capacity.BatchWriteItemCommand ?? 0) +
    (capacity.UpdateItemCommand ?? 0) +
    (capacity.PutItemCommand ?? 0) +
    (capacity.TransactWriteItemsCommand ?? 0);
  const minuteUnits = newCapacity.BatchWriteItemCommand ?? 0;
  if (minuteUnits === 0) throw new Error('DynamoDB Local reported no write capacity for the minutes');

  return {
    'query.hourItemsRead': hourItems,
    'query.dayItemsRead': dayItems,
    'ingest.rollupWriteOverhead': writeUnits(newCapacity) / minuteUnits,
    'ingest.rollupWriteOverheadOverwrite': writeUnits(overwriteCapacity) / (overwriteCapacity.BatchWriteItemCommand ?? 1),
    'ingest.rollupWriteUnitsPer500': writeUnits(newCapacity) - minuteUnits,
    'ingest.rollupReadUnitsPer500': newCapacity.BatchGetItemCommand ?? 0,
  };
}
