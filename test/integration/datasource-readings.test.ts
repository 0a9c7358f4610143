import { useTestApi } from '../support/local-api';
import { dataOrg, ingest, minutesAgo, type DataOrg } from '../support/data-api';
import { addMember, expectStatus, signIn, type Member } from '../support/scenario';
import { documentClient } from '../../functions/core/store/table';

/**
 * What the console's Datasources screen reads, through HTTP: the listing with each datasource's
 * latest PM2.5 reading (`include=latestReading`), and a datasource's hourly PM2.5 means for its
 * chart. At a network's size (60 datasources) the listing is one request, and the server reads
 * each datasource's newest minutes with a Query, never a Scan; a guest reads only its own list.
 */

const api = useTestApi();
const HOUR_MS = 3_600_000;
const COUNT = 60;
let org: DataOrg;
let guest: Member;
let stranger: Member;

beforeAll(async () => {
  org = await dataOrg(api, COUNT);
  guest = await signIn(api, 'guest-person');
  await addMember(api, org.orgId, org.admin, guest, ['guest'], [org.datasources[1]!]);
  stranger = await signIn(api, 'stranger');
  // Every other datasource has readings: a minute now and then per hour over the last 30 hours.
  for (const [index, datasourceId] of org.datasources.entries()) {
    if (index % 2 === 1) continue;
    const minutes = Array.from({ length: 30 }, (_unused, hour) => ({
      time: minutesAgo(hour * 60 + 2),
      metrics: { pm2_5ConcMass: index + hour, temperatureInternal: 20 },
    }));
    // The newest minute has no PM2.5: the latest reading is the newest minute that has one.
    minutes.push({ time: minutesAgo(1), metrics: { temperatureInternal: 21 } } as (typeof minutes)[number]);
    await ingest(api, org, datasourceId, minutes);
  }
}, 240_000);

describe('readings of datasources in the admin API', () => {
  it('lists 60 datasources with their latest PM2.5 reading in one answer, reading by Query only', async () => {
    const sent: string[] = [];
    const client = documentClient();
    const record = (next: (args: { input: object }) => Promise<unknown>, context: { commandName?: string }) => {
      return async (args: { input: object }) => {
        sent.push(context.commandName ?? 'unknown');
        return next(args);
      };
    };
    client.middlewareStack.add(record as never, { step: 'initialize', name: 'countReadingCommands' });
    let answer;
    try {
      answer = await api.call('GET', `/admin/orgs/${org.orgId}/datasources?include=latestReading`, { token: org.admin.token });
    } finally {
      client.middlewareStack.remove('countReadingCommands');
    }
    expectStatus(answer, 200);
    expect(answer.body.datasources).toHaveLength(COUNT);
    expect(sent.filter((name) => name === 'ScanCommand')).toEqual([]);
    // The org's listing, then one Query of a few newest minutes per datasource.
    expect(sent.filter((name) => name === 'QueryCommand').length).toBeGreaterThanOrEqual(COUNT);
    for (const datasource of answer.body.datasources) {
      const index = org.datasources.indexOf(datasource.datasourceId);
      if (index % 2 === 1) {
        expect(datasource).not.toHaveProperty('latestReading');
        continue;
      }
      expect(datasource.latestReading).toEqual({
        time: expect.stringMatching(/Z$/),
        metric: 'pm2_5ConcMass',
        value: index,
        unit: 'µg/m³',
      });
      expect(Date.now() - Date.parse(datasource.latestReading.time)).toBeGreaterThan(60_000);
    }
    // Without `include` the listing reads no measurements and carries none.
    const plain = await api.call('GET', `/admin/orgs/${org.orgId}/datasources`, { token: org.admin.token });
    expect(plain.body.datasources.some((datasource: object) => 'latestReading' in datasource)).toBe(false);
  });

  it('answers a datasource’s hourly PM2.5 means over the last 24 hours, oldest first', async () => {
    const datasourceId = org.datasources[4]!;
    const answer = await api.call('GET', `/admin/orgs/${org.orgId}/datasources/${datasourceId}/readings`, {
      token: org.admin.token,
    });
    expectStatus(answer, 200);
    const { from, to, hours } = answer.body;
    expect(answer.body).toMatchObject({ datasourceId, metric: 'pm2_5ConcMass', unit: 'µg/m³' });
    expect(Date.parse(to) - Date.parse(from)).toBeLessThanOrEqual(24 * HOUR_MS);
    expect(Date.parse(to) - Date.parse(from)).toBeGreaterThan(23 * HOUR_MS);
    // One minute an hour, each hour's value is 4 + (hours ago): the means are those values.
    expect(hours.length).toBeGreaterThanOrEqual(23);
    expect(hours.length).toBeLessThanOrEqual(25);
    for (const hour of hours) {
      expect(Date.parse(hour.start)).toBeGreaterThanOrEqual(Date.parse(from));
      expect(Number.isInteger(hour.mean)).toBe(true);
      expect(hour.mean).toBeGreaterThanOrEqual(4);
      expect(hour.minutes).toBeGreaterThanOrEqual(1);
    }
    expect([...hours].sort((a, b) => a.start.localeCompare(b.start))).toEqual(hours);
    // Newest hour: value 4 (0 hours ago) or 5 when the minute fell into the previous hour.
    expect(hours[hours.length - 1].mean).toBeLessThanOrEqual(5);

    const six = await api.call('GET', `/admin/orgs/${org.orgId}/datasources/${org.datasources[1]}/readings?hours=6`, {
      token: guest.token,
    });
    expectStatus(six, 200);
    expect(Date.parse(six.body.to) - Date.parse(six.body.from)).toBeLessThanOrEqual(6 * HOUR_MS);
    // A datasource without readings has no hours (the guest's, read by the guest).
    expect(six.body.hours).toEqual([]);
  });

  it('refuses a stranger (404 for an org that is not theirs), a guest outside its list (404), and a bad window (400)', async () => {
    const path = (datasourceId: string, query = '') => `/admin/orgs/${org.orgId}/datasources/${datasourceId}/readings${query}`;
    expect((await api.call('GET', path(org.datasources[0]!), { token: stranger.token })).status).toBe(404);
    expect((await api.call('GET', path(org.datasources[0]!))).status).toBe(401);
    const outside = await api.call('GET', path(org.datasources[0]!), { token: guest.token });
    expect(outside.status).toBe(404);
    expect(outside.body.code).toBe('not_found');
    expectStatus(await api.call('GET', path(org.datasources[1]!), { token: guest.token }), 200);
    const listed = await api.call('GET', `/admin/orgs/${org.orgId}/datasources?include=latestReading`, { token: guest.token });
    expect(listed.body.datasources.map((datasource: { datasourceId: string }) => datasource.datasourceId)).toEqual([
      org.datasources[1],
    ]);
    for (const query of ['?hours=0', '?hours=73', '?hours=two']) {
      const refused = await api.call('GET', path(org.datasources[0]!, query), { token: org.admin.token });
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('validation_error');
    }
    expect(
      (await api.call('GET', `/admin/orgs/${org.orgId}/datasources?include=everything`, { token: org.admin.token })).status,
    ).toBe(400);
    expect((await api.call('GET', path(`ds_${'0'.repeat(24)}`), { token: org.admin.token })).status).toBe(404);
  });
});
