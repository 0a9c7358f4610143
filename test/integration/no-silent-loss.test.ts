import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, type DataOrg } from '../support/data-api';
import { createDatasource } from '../support/scenario';

/**
 * No silent loss: a window bigger than one answer reaches a client that follows the continuation
 * protocol whole and exactly once, and the answer says that more is coming. Answers are capped
 * at 40 values here (MAX_VALUES_PER_ANSWER) so that small windows overflow.
 */

const api = useTestApi();
let org: DataOrg;
const CAP = 40;
const MINUTES = 25;
const now = Date.now();

beforeAll(async () => {
  org = await dataOrg(api, 3);
  for (const [index, datasourceId] of org.datasources.entries()) {
    await ingest(
      api,
      org,
      datasourceId,
      Array.from({ length: MINUTES }, (_, minute) => ({
        time: minutesAgo(minute + 1, now),
        metrics: { pm2_5ConcMassIndividual: index * 100 + minute, temperatureInternalIndividual: 20 + minute / 10 },
      })),
    );
  }
  process.env.MAX_VALUES_PER_ANSWER = String(CAP);
  await settle();
});
afterAll(() => {
  delete process.env.MAX_VALUES_PER_ANSWER;
});

const INCOMPLETE = 'x-datagate-incomplete';

/** Waits out the settle lag (0.3 s in tests): what was received within it is left to a later continuation. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

/** Follows a query and its continuations until an answer is complete; returns every answer. */
async function follow(body: Record<string, unknown>) {
  const answers = [];
  let answer = await api.call('POST', '/v2/recent-datasource-measurements-query', { key: org.keys.observer, body });
  expect(answer.status).toBe(200);
  answers.push(answer);
  for (let step = 0; answer.headers.get(INCOMPLETE) === 'true'; step++) {
    if (step > 50) throw new Error('the chain never completed');
    const token = answer.headers.get('x-clarity-continuation-token');
    expect(token).toBeTruthy();
    answer = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
      key: org.keys.observer,
      body: { org: org.orgId, continuationToken: token },
    });
    expect(answer.status).toBe(200);
    answers.push(answer);
  }
  // Once the window is through, the chain goes on with what is received later: nothing here.
  await settle();
  const after = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
    key: org.keys.observer,
    body: { org: org.orgId, continuationToken: answer.headers.get('x-clarity-continuation-token') },
  });
  expect(after.body.data).toEqual([]);
  return answers;
}

describe('a window bigger than one answer', () => {
  it('json-long: arrives whole and exactly once through the continuation protocol; the answer says so', async () => {
    const answers = await follow({
      org: org.orgId,
      allDatasources: true,
      outputFrequency: 'minute',
      replyWithContinuationToken: true,
    });
    expect(answers.length).toBeGreaterThan(3);
    expect(answers[0]!.headers.get(INCOMPLETE)).toBe('true');
    expect(answers[answers.length - 1]!.headers.get(INCOMPLETE)).toBeNull();
    const delivered = answers.flatMap((answer) =>
      (answer.body.data as { datasourceId: string; time: string; metric: string }[]).map(
        (row) => `${row.datasourceId}|${row.time}|${row.metric}`,
      ),
    );
    const expected = org.datasources.flatMap((datasourceId) =>
      Array.from({ length: MINUTES }, (_, minute) => minutesAgo(minute + 1, now)).flatMap((time) => [
        `${datasourceId}|${time}|pm2_5ConcMassIndividual`,
        `${datasourceId}|${time}|temperatureInternalIndividual`,
      ]),
    );
    expect(delivered.length).toBe(expected.length);
    expect(new Set(delivered)).toEqual(new Set(expected));
    for (const answer of answers) expect(answer.body.data.length).toBeLessThanOrEqual(CAP);
  });

  it('csv-wide, without asking for a token: the answer still carries one and says it is incomplete; every row follows once', async () => {
    const first = await api.call('POST', '/v2/recent-datasource-measurements-query', {
      key: org.keys.observer,
      body: { org: org.orgId, datasourceIds: org.datasources, format: 'csv-wide', metricSelect: 'only pm2_5*' },
    });
    expect(first.headers.get(INCOMPLETE)).toBe('true');
    const answers = [first];
    let answer = first;
    while (answer.headers.get(INCOMPLETE) === 'true') {
      answer = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
        key: org.keys.observer,
        body: { org: org.orgId, continuationToken: answer.headers.get('x-clarity-continuation-token') },
      });
      answers.push(answer);
    }
    const rows = answers.flatMap((each) => (each.body as string).trim().split('\n').slice(1).filter(Boolean));
    const keys = rows.map((line) => line.split(',').slice(0, 5).join('|'));
    expect(keys.length).toBe(org.datasources.length * MINUTES);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('hour: every period of the window arrives through the chain', async () => {
    const answers = await follow({
      org: org.orgId,
      allDatasources: true,
      outputFrequency: 'hour',
      metricSelect: 'all',
      replyWithContinuationToken: true,
    });
    const periods = new Set(
      answers.flatMap((answer) => (answer.body.data as { datasourceId: string; time: string }[]).map((row) => `${row.datasourceId}|${row.time}`)),
    );
    const hours = new Set(
      Array.from({ length: MINUTES }, (_, minute) => new Date(Math.floor((now - (minute + 1) * 60_000) / 3_600_000) * 3_600_000).toISOString()),
    );
    expect(periods.size).toBe(org.datasources.length * hours.size);
  });
});

describe('datasourceIds', () => {
  it('more than 100 datasourceIds are answered, and continued', async () => {
    delete process.env.MAX_VALUES_PER_ANSWER;
    try {
      const ids = [...org.datasources];
      while (ids.length < 105) ids.push(await createDatasource(api, org.orgId, org.admin, `Extra ${ids.length}`));
      const extra = ids[104]!;
      await ingest(api, org, extra, [{ time: minutesAgo(1), metrics: { pm2_5ConcMassIndividual: 1 } }]);
      await settle();
      const answer = await api.call('POST', '/v2/recent-datasource-measurements-query', {
        key: org.keys.observer,
        body: { org: org.orgId, datasourceIds: ids, replyWithContinuationToken: true },
      });
      expect(answer.status).toBe(200);
      expect(answer.body.data.some((row: { datasourceId: string }) => row.datasourceId === extra)).toBe(true);
      await ingest(api, org, extra, [{ time: minutesAgo(0), metrics: { pm2_5ConcMassIndividual: 2 } }]);
      await settle();
      const next = await api.call('POST', '/v2/recent-datasource-measurements-continuation', {
        key: org.keys.observer,
        body: { org: org.orgId, continuationToken: answer.headers.get('x-clarity-continuation-token') },
      });
      expect(next.status).toBe(200);
      expect(next.body.data).toEqual([expect.objectContaining({ datasourceId: extra, value: 2 })]);
    } finally {
      process.env.MAX_VALUES_PER_ANSWER = String(CAP);
    }
  });
});
