import { writeObject } from '../functions/core/store/blob-store';
import { archiveDayKey, dayOf, encodeArchiveDay, type ArchivedMinute } from '../functions/core/archive/archive-format';
import {
  connect,
  createApplication,
  createDatasource,
  createOrg,
  eventually,
  expectStatus,
  signIn,
} from '../test/support/scenario';
import { benchApi } from './bench-api';
import type { BenchSettings, Figures } from './cases';

/**
 * `archive.*` and `report.*`.
 *
 * `archive.bytesPerValue`: the archive's bytes over the metric values it holds, for minutes of
 * five metrics with realistic noise (a slow random walk plus sensor noise) at two decimals,
 * encoded by the archiver's own encoder, one file per datasource and day.
 *
 * `report.rowsPerSecond`: a report of 7 days of minutes for 20 datasources, requested through
 * the local server, run by the in-process worker (the task code the Lambda runs) against the
 * local S3 API, timed from the request to `succeeded`, over the rows it wrote. The days are a
 * month old, so the report reads the archive only, as any report older than 10 days does.
 */

const DAY_MS = 86_400_000;
const METRICS = [
  { name: 'pm2_5ConcMassIndividual', base: 9, walk: 0.15, noise: 0.8 },
  { name: 'pm10ConcMassIndividual', base: 18, walk: 0.25, noise: 1.5 },
  { name: 'no2ConcIndividual', base: 22, walk: 0.3, noise: 2 },
  { name: 'temperatureInternalIndividual', base: 14, walk: 0.05, noise: 0.1 },
  { name: 'relHumidInternalIndividual', base: 70, walk: 0.1, noise: 0.5 },
];

/** A small deterministic PRNG (mulberry32), so every run encodes the same data. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One datasource's minutes over `days` days from `start`, a day at a time. */
function* noisyDays(seed: number, start: number, days: number): Generator<ArchivedMinute[]> {
  const next = random(seed);
  const levels = METRICS.map((metric) => metric.base);
  for (let day = 0; day < days; day++) {
    const minutes: ArchivedMinute[] = [];
    for (let minute = 0; minute < 1440; minute++) {
      const metrics: Record<string, number> = {};
      METRICS.forEach((metric, index) => {
        levels[index] = Math.max(0, levels[index]! + (next() - 0.5) * 2 * metric.walk);
        const noisy = levels[index] + (next() + next() + next() - 1.5) * metric.noise;
        metrics[metric.name] = Math.round(Math.max(0, noisy) * 100) / 100;
      });
      minutes.push({ time: new Date(start + day * DAY_MS + minute * 60_000).toISOString(), metrics });
    }
    yield minutes;
  }
}

export async function reportCases(settings: BenchSettings): Promise<Figures> {
  const api = await benchApi();
  const admin = await signIn(api, 'bench-report-admin');
  const orgId = await createOrg(api, admin, 'Bench reports');
  const datasources: string[] = [];
  for (let index = 0; index < settings.reportDatasources; index++) {
    datasources.push(await createDatasource(api, orgId, admin, `Archived site ${index}`));
  }
  const application = await createApplication(api, orgId, admin, 'Bench reader');
  await connect(api, orgId, admin, application.applicationId, ['observer']);

  const start = Math.floor(Date.now() / DAY_MS) * DAY_MS - 40 * DAY_MS;
  let bytes = 0;
  let values = 0;
  for (const [index, datasourceId] of datasources.entries()) {
    for (const minutes of noisyDays(index + 1, start, settings.reportDays)) {
      const file = encodeArchiveDay(minutes);
      bytes += file.byteLength;
      values += minutes.length * METRICS.length;
      await writeObject(archiveDayKey(orgId, datasourceId, dayOf(minutes[0]!.time)), file);
    }
  }

  const started = Date.now();
  const requested = await api.call('POST', '/v2/report-requests', {
    key: application.key,
    body: {
      org: orgId,
      report: 'datasource-measurements',
      outputFrequency: 'minute',
      allDatasources: true,
      startTime: new Date(start).toISOString(),
      endTime: new Date(start + settings.reportDays * DAY_MS).toISOString(),
    },
  });
  expectStatus(requested, 200);
  let record: { reportStatus: string; message: string } | undefined;
  const { reportId } = requested.body as { reportId: string };
  await eventually(async () => {
    const answer = await api.call<typeof record>('GET', `/v2/report-requests/${reportId}`, { key: application.key });
    record = answer.body;
    return record?.reportStatus !== 'in-progress';
  }, 600_000);
  const seconds = (Date.now() - started) / 1000;
  if (record?.reportStatus !== 'succeeded') throw new Error(`The bench report did not succeed: ${record?.message}`);
  const rows = settings.reportDatasources * settings.reportDays * 1440;
  return {
    'archive.bytesPerValue': bytes / values,
    'report.rowsPerSecond': rows / seconds,
    'report.rows': rows,
    'report.seconds': seconds,
  };
}
