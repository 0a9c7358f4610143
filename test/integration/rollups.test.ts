import { useTestApi } from '../support/local-api';
import { dataOrg, type DataOrg } from '../support/data-api';
import { readRollups } from '../../functions/core/measurements/measurement-rollups';

/**
 * Rolled-up means: the hourly and daily aggregates ingest maintains must equal the sums and
 * counts of the minutes stored, whatever the sequence of batches, resends, overwrites and
 * concurrent writers; `hour` and `day` answers are computed from them.
 */

const api = useTestApi();
let org: DataOrg;
beforeAll(async () => {
  org = await dataOrg(api, 2);
});

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Minute = { time: string; metrics: Record<string, number> };

async function send(datasourceId: string, measurements: Minute[]) {
  // A client retries a 503 (the lease was busy for too long): the resend is exact.
  for (let attempt = 0; attempt < 5; attempt++) {
    const answer = await api.call('POST', `/v2/datasources/${datasourceId}/measurements`, {
      key: org.keys.technician,
      body: { org: org.orgId, measurements },
    });
    if (answer.status === 202) return;
    if (answer.status !== 503) throw new Error(`ingest answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  }
  throw new Error('ingest kept answering 503');
}

/** Every stored minute of the datasource in the last 24 hours, as the minute query answers them. */
async function storedMinutes(datasourceId: string): Promise<Map<string, Record<string, number>>> {
  const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
    key: org.keys.observer,
    body: { org: org.orgId, datasourceIds: [datasourceId], outputFrequency: 'minute', metricSelect: 'all' },
  });
  expect(answer.status).toBe(200);
  const minutes = new Map<string, Record<string, number>>();
  for (const row of answer.body.data as { time: string; metric: string; value: number }[]) {
    minutes.set(row.time, { ...minutes.get(row.time), [row.metric]: row.value });
  }
  return minutes;
}

/** Sums and counts per hour of the stored minutes, per base metric. */
function totalsPerHour(minutes: Map<string, Record<string, number>>) {
  const hours = new Map<number, Record<string, { sum: number; count: number }>>();
  for (const [time, metrics] of minutes) {
    const start = Math.floor(Date.parse(time) / HOUR_MS) * HOUR_MS;
    const totals = hours.get(start) ?? {};
    for (const [metric, value] of Object.entries(metrics)) {
      const base = metric.replace(/Individual$/, '');
      const entry = (totals[base] ??= { sum: 0, count: 0 });
      entry.sum += value;
      entry.count += 1;
    }
    hours.set(start, totals);
  }
  return hours;
}

async function expectAggregatesMatchMinutes(datasourceId: string, from: number, to: number) {
  const minutes = await storedMinutes(datasourceId);
  const expected = totalsPerHour(minutes);
  const stored = await readRollups(datasourceId, 'hour', from, to);
  const actual = new Map(stored.map(({ start, totals }) => [start, totals]));
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [start, totals] of expected) {
    const rollup = actual.get(start)!;
    expect(Object.keys(rollup).sort()).toEqual(Object.keys(totals).sort());
    for (const [base, { sum, count }] of Object.entries(totals)) {
      expect(rollup[base]!.count).toBe(count);
      expect(rollup[base]!.sum).toBeCloseTo(sum, 9);
    }
  }
  return { minutes, expected };
}

describe('rolled-up means', () => {
  it('aggregates equal the sums and counts of the stored minutes after random batches, resends, overwrites and two concurrent writers', async () => {
    const datasourceId = org.datasources[0]!;
    const next = random(20261128);
    const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const minuteAt = () => new Date(now - Math.floor(next() * 300 + 1) * MINUTE_MS).toISOString();
    const batch = (): Minute[] =>
      Array.from({ length: 1 + Math.floor(next() * 30) }, () => {
        const metrics: Record<string, number> = { pm2_5ConcMassIndividual: Math.round(next() * 4000) / 100 };
        // Some minutes carry a second metric, some lose it when overwritten.
        if (next() < 0.6) metrics.no2ConcIndividual = Math.round(next() * 900) / 10 - 5;
        return { time: minuteAt(), metrics };
      });
    const batches = Array.from({ length: 24 }, batch);
    // Resends: some batches go again, whole, later in the sequence.
    const sequence = [...batches, batches[3]!, batches[7]!, batches[7]!, batches[15]!];
    // Two writers at once, each taking the next batch of the shared sequence.
    let position = 0;
    const writer = async () => {
      while (position < sequence.length) await send(datasourceId, sequence[position++]!);
    };
    await Promise.all([writer(), writer()]);

    const { expected } = await expectAggregatesMatchMinutes(datasourceId, now - 6 * HOUR_MS, now);
    expect(expected.size).toBeGreaterThan(3);

    // The hour answer is computed from the aggregates: each 1-hour mean is the mean of the stored minutes.
    const hour = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, datasourceIds: [datasourceId], outputFrequency: 'hour', metricSelect: 'only *1HourMean' },
    });
    const answered = hour.body.data as { time: string; metric: string; value: number }[];
    for (const [start, totals] of expected) {
      for (const [base, { sum, count }] of Object.entries(totals)) {
        const row = answered.find((entry) => entry.time === new Date(start).toISOString() && entry.metric === `${base}1HourMean`);
        expect(row?.value).toBeCloseTo(sum / count, 9);
      }
    }
  });

  it('two writers sending the same minutes at once leave the aggregates equal to what is stored', async () => {
    const datasourceId = org.datasources[1]!;
    const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const times = Array.from({ length: 40 }, (_, index) => new Date(now - (index + 1) * MINUTE_MS).toISOString());
    const writerA = times.map((time) => ({ time, metrics: { temperatureInternalIndividual: 10 } }));
    const writerB: Minute[] = times.map((time, index) => {
      const metrics: Record<string, number> = { temperatureInternalIndividual: 30 };
      if (index % 2 === 1) metrics.relHumidInternalIndividual = 50;
      return { time, metrics };
    });
    for (let round = 0; round < 3; round++) await Promise.all([send(datasourceId, writerA), send(datasourceId, writerB)]);
    await expectAggregatesMatchMinutes(datasourceId, now - 2 * HOUR_MS, now);
  });

  it.each(['hour', 'day'] as const)(
    'a %s query whose startTime is past the last period answers no rows, not a 500 (found by the fuzz tests)',
    async (outputFrequency) => {
      const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
        key: org.keys.observer,
        body: {
          org: org.orgId,
          datasourceIds: [org.datasources[0]!],
          outputFrequency,
          startTime: new Date(Date.now() + 400 * 86_400_000).toISOString(),
        },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data).toEqual([]);
    },
  );
});
