import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, transact } from '../functions/core/store/table';
import { getKeyCacheTtlSeconds, getTableName } from '../functions/core/platform/config';
import { newId } from '../functions/core/platform/ids';

import { digestApiKey, keyLookupKey, newKeyItems } from '../functions/core/applications';
import type { Connection } from '../functions/core/applications';
import { LAST_USED_INTERVAL_MS, verifyApiKey } from '../functions/core/identity/verify-api-key';
import { compareInterleaved, median, progress, timeMillis } from './sampling';
import { requestsMadeBy } from './request-counter';
import type { BenchSettings, Figures } from './cases';

/**
 * `verify.*`: the API key authorizer's verification, in process, against DynamoDB Local.
 *
 * A cold sample is a verification whose key is not in the in-process cache. To keep every cold
 * sample exactly that (and not also the once-a-minute `lastUsedAt` write), each key is used once
 * to warm its `lastUsedAt` bookkeeping, then only at clock values one cache TTL apart within the
 * same minute, through `verifyApiKey`'s `now` parameter: its cache entry has always expired,
 * its last-use write never falls due. The first use of a key, which writes, is measured apart
 * (`verify.dynamoCallsFirstUse`).
 */

interface ColdSample {
  key: string;
  now: number;
}

/** Keys of applications connected to `orgCount` orgs, handed out so that every use is a cache miss. */
class ColdKeyPool {
  private readonly keys: string[] = [];
  private next = 0;
  private readonly step = Math.max(getKeyCacheTtlSeconds() * 1000, 1);
  private readonly roundsPerKey = Math.floor((LAST_USED_INTERVAL_MS - 1) / this.step);

  private constructor(private readonly startedAt: number) {}

  /** Writes enough keys for `uses` cold verifications and warms their last-use bookkeeping. */
  static async create(orgCount: number, uses: number, startedAt: number, guestDatasources = 0): Promise<ColdKeyPool> {
    const pool = new ColdKeyPool(startedAt);
    const keyCount = Math.ceil(uses / pool.roundsPerKey);
    for (let i = 0; i < keyCount; i++) pool.keys.push(await writeKey(orgCount, guestDatasources));
    for (const key of pool.keys) await verifyApiKey(key, startedAt);
    return pool;
  }

  take(): ColdSample {
    const index = this.next++;
    const round = Math.floor(index / this.keys.length) + 1;
    if (round > this.roundsPerKey) throw new Error('cold key pool exhausted');
    return { key: this.keys[index % this.keys.length]!, now: this.startedAt + round * this.step };
  }

  async verify(): Promise<void> {
    const { key, now } = this.take();
    if (!(await verifyApiKey(key, now))) throw new Error('a bench key was refused');
  }
}

/**
 * A key (record and lookup, written by the domain code) of a new application connected to
 * `orgCount` orgs: as an observer, or as a guest of `guestDatasources` datasources in each.
 */
async function writeKey(orgCount: number, guestDatasources = 0): Promise<string> {
  const application = { applicationId: newId('application'), ownerOrgId: newId('org') };
  const connections: Connection[] = Array.from({ length: orgCount }, () => ({
    orgId: newId('org'),
    applicationId: application.applicationId,
    ownerOrgId: application.ownerOrgId,
    ...(guestDatasources > 0
      ? { roles: ['guest' as const], datasourceIds: Array.from({ length: guestDatasources }, () => newId('datasource')) }
      : { roles: ['observer' as const] }),
    connectedAt: new Date().toISOString(),
    connectedBy: 'bench@example.org',
  }));
  const { items, key } = newKeyItems(application, {}, connections);
  await transact(items, () => new Error('bench key collision'));
  return key.key;
}

/** A copy of a key's lookup item under a digest no key has: same size, read by a bare GetItem. */
async function writeFloorItem(key: string): Promise<Record<string, unknown>> {
  const original = await documentClient().send(
    new GetCommand({ TableName: getTableName(), Key: keyLookupKey(digestApiKey(key)) }),
  );
  const floorKey = keyLookupKey(randomBytes(32).toString('hex'));
  await documentClient().send(new PutCommand({ TableName: getTableName(), Item: { ...original.Item, ...floorKey } }));
  return floorKey;
}

export async function verifyCases(settings: BenchSettings): Promise<Figures> {
  const startedAt = Date.now();
  const n = settings.samples;
  progress('verify: writing keys', 0, 1);
  const oneOrg = await ColdKeyPool.create(1, 2 * n + settings.countSamples + 1, startedAt);
  const hundredOrgs = await ColdKeyPool.create(100, n, startedAt);
  const floorKey = await writeFloorItem(oneOrg.take().key);
  progress('verify: writing keys', 1, 1);

  const getItem = () => documentClient().send(new GetCommand({ TableName: getTableName(), Key: floorKey, ConsistentRead: true }));
  const miss = await compareInterleaved(
    'verify.missVsGetItem',
    n,
    () => timeMillis(() => oneOrg.verify()),
    () => timeMillis(getItem),
  );
  const orgs = await compareInterleaved(
    'verify.orgs100Vs1',
    n,
    () => timeMillis(() => hundredOrgs.verify()),
    () => timeMillis(() => oneOrg.verify()),
  );

  // Call counts: the largest seen over several verifications, each given time for background writes.
  let callsMiss = 0;
  for (let i = 0; i < settings.countSamples; i++) callsMiss = Math.max(callsMiss, await requestsMadeBy(() => oneOrg.verify()));
  const warm = await writeKey(1);
  const callsFirstUse = await requestsMadeBy(() => verifyApiKey(warm, startedAt));
  let callsHit = 0;
  for (let i = 0; i < settings.countSamples; i++)
    callsHit = Math.max(callsHit, await requestsMadeBy(() => verifyApiKey(warm, startedAt + 1)));

  const hits: number[] = [];
  for (let i = 0; i < settings.hitSamples; i++) {
    const started = process.hrtime.bigint();
    await verifyApiKey(warm, startedAt + 1);
    hits.push(Number(process.hrtime.bigint() - started) / 1e3);
    if (i % 500 === 0) progress('verify.hitMicros', i, settings.hitSamples);
  }
  progress('verify.hitMicros', settings.hitSamples, settings.hitSamples);

  return {
    'verify.missVsGetItem': miss.ratio,
    'verify.missMillis': miss.a,
    'verify.getItemMillis': miss.b,
    'verify.dynamoCallsMiss': callsMiss,
    'verify.dynamoCallsHit': callsHit,
    'verify.dynamoCallsFirstUse': callsFirstUse,
    'verify.hitMicros': median(hits),
    'verify.orgs100Vs1': orgs.ratio,
    'verify.miss100OrgsMillis': orgs.a,
  };
}

/**
 * `verify.guestOrgs100Vs1`: a cold verification of a key whose application 100 orgs connected as a
 * guest of 100 datasources each (a city's worth: grants far beyond the key's snapshot, so the
 * lookup holds the `grantsPerOrg` mark instead, and a request's grant is read for its org,
 * cached like the key) against one of an application connected to one org. A case of its own,
 * so `npm run bench -- --only=verify-guests` measures it alone.
 */
export async function verifyGuestOrgsCases(settings: BenchSettings): Promise<Figures> {
  const startedAt = Date.now();
  const n = settings.samples;
  progress('verify-guests: writing keys', 0, 1);
  const oneOrg = await ColdKeyPool.create(1, n, startedAt);
  const guestOrgs = await ColdKeyPool.create(100, n, startedAt, 100);
  progress('verify-guests: writing keys', 1, 1);
  const guests = await compareInterleaved(
    'verify.guestOrgs100Vs1',
    n,
    () => timeMillis(() => guestOrgs.verify()),
    () => timeMillis(() => oneOrg.verify()),
  );
  return { 'verify.guestOrgs100Vs1': guests.ratio, 'verify.missGuestOrgs100Millis': guests.a };
}
