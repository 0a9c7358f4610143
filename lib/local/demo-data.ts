import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createOrg } from '../../functions/core/orgs/orgs';
import { createApplication } from '../../functions/core/applications';
import { connectApplication } from '../../functions/core/applications';
import { createDatasource, listDatasources } from '../../functions/core/datasources/datasources';
import { ConflictError } from '../../functions/core/platform/errors';
import type { Actor } from '../../functions/core/orgs/audit';
import type { Role } from '../../functions/core/orgs/roles';
import { RETENTION_MS } from '../../functions/core/measurements/measurement-windows';
import { DAY_MS } from '../../functions/core/platform/time';
import type { LocalRouter } from './router';
import { replaceDemoKey } from './demo-keys';
import { demoMeasurementAt, demoTimes, type SiteProfile } from './demo-measurements';

/**
 * Demo data for `npm start`: two orgs with an admin each, five datasources with the last ten
 * days of measurements (DATAGATE_DEMO_DAYS: fewer), the application "City Air Dashboard" (owned by Riverside, connected to
 * both orgs, whose key `npm start` prints) and the application "Demo Sensor Gateway" (connected
 * as technician, which uploads the demo's measurements through the ingest route, as a real
 * gateway would). Everything is written through the domain code and the routes of the API.
 *
 * What the data folder holds is recorded in `demo.json` beside the database: the ids, and
 * whether the first start finished seeding. Keys are never stored; each start replaces the
 * demo keys (see demo-keys.ts) and tops the measurements up to now.
 */

/** Version of the demo record; a data folder written by a newer Datagate is refused. */
export const DEMO_STATE_VERSION = 2;

export const DEMO_ADMINS = { riverside: 'ada@riverside.example', northfield: 'grace@northfield.example' } as const;
export const DEMO_ORG_NAMES = { riverside: 'Riverside City Council', northfield: 'Northfield University' } as const;
export const DEMO_KEY_LABEL = 'npm start demo key';
const GATEWAY_KEY_LABEL = 'npm start sensor gateway';

export interface DemoDatasource {
  orgId: string;
  datasourceId: string;
  name: string;
}

export interface DemoState {
  version: typeof DEMO_STATE_VERSION;
  /**
   * `seeding` until the first start has written everything (a table left so held nothing else
   * and is recreated); `migrating` while a legacy folder is completed (resumed where it stopped).
   */
  status: 'seeding' | 'migrating' | 'ready';
  riverside?: { orgId: string; admin: string };
  northfield?: { orgId: string; admin: string };
  dashboardApplicationId?: string;
  gatewayApplicationId?: string;
  datasources?: DemoDatasource[];
  /** Measurements are written up to this time; the next start adds what came since. */
  measuredUntil?: string;
}

export type ReadyDemoState = Required<DemoState> & { status: 'ready' };

/** The demo record of a data folder written before versions (its first `npm start`s). */
interface LegacyDemoState {
  riverside: { orgId: string; admin: string };
  northfield: { orgId: string; admin: string };
  applicationId: string;
  keyId: string;
}

export type StoredDemoState =
  { kind: 'none' } | { kind: 'legacy'; state: LegacyDemoState } | { kind: 'current'; state: DemoState };

/** Thrown when the data folder cannot be used as it is; the message says what to do. */
export class DataFolderError extends Error {}

export function readDemoState(file: string): StoredDemoState {
  if (!existsSync(file)) return { kind: 'none' };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    throw new DataFolderError(`${file} is not readable JSON.`);
  }
  if (parsed.version === undefined && typeof parsed.applicationId === 'string' && typeof parsed.keyId === 'string')
    return { kind: 'legacy', state: parsed as unknown as LegacyDemoState };
  if (parsed.version === DEMO_STATE_VERSION) return { kind: 'current', state: parsed as unknown as DemoState };
  throw new DataFolderError(
    `${file} has demo record version ${String(parsed.version)}, which this Datagate does not know (it knows ${DEMO_STATE_VERSION}).`,
  );
}

/** Written whole, then renamed over the old file: a start killed while writing leaves the old record. */
export function writeDemoState(file: string, state: DemoState): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

const SITES: {
  org: 'riverside' | 'northfield';
  name: string;
  group?: string;
  sourceType?: string;
  tags: string[];
  location: { lat: number; lon: number };
  profile: SiteProfile;
}[] = [
  {
    org: 'riverside',
    name: 'Riverside High Street',
    group: 'Centre',
    tags: ['traffic'],
    location: { lat: 51.5072, lon: -0.1276 },
    profile: { pm2_5: 9, traffic: 1, warmth: 0.8 },
  },
  {
    org: 'riverside',
    name: 'Riverside Park',
    group: 'Parks',
    tags: ['background'],
    location: { lat: 51.5101, lon: -0.134 },
    profile: { pm2_5: 6, traffic: 0.25, warmth: 0 },
  },
  {
    org: 'riverside',
    name: 'Riverside Reference Site',
    sourceType: 'REFERENCE_SITE',
    tags: ['reference'],
    location: { lat: 51.5033, lon: -0.1195 },
    profile: { pm2_5: 7.5, traffic: 0.55, warmth: 0.3 },
  },
  {
    org: 'northfield',
    name: 'Campus North Gate',
    group: 'Campus',
    tags: ['traffic'],
    location: { lat: 52.2053, lon: 0.1218 },
    profile: { pm2_5: 7, traffic: 0.8, warmth: -0.6 },
  },
  {
    org: 'northfield',
    name: 'Campus Library Roof',
    group: 'Campus',
    tags: ['rooftop'],
    location: { lat: 52.2043, lon: 0.1149 },
    profile: { pm2_5: 5.5, traffic: 0.3, warmth: 1.5 },
  },
];

const DEFAULT_PROFILE: SiteProfile = { pm2_5: 7, traffic: 0.5, warmth: 0 };

const actors: Record<'riverside' | 'northfield', Actor> = {
  riverside: { type: 'person', id: DEMO_ADMINS.riverside },
  northfield: { type: 'person', id: DEMO_ADMINS.northfield },
};

/** Connects an application, or leaves an existing connection as it is (a resumed migration). */
async function connect(orgId: string, applicationId: string, roles: Role[], actor: Actor): Promise<void> {
  try {
    await connectApplication({ orgId, applicationId, roles }, actor);
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
  }
}

async function createGateway(riversideOrgId: string): Promise<string> {
  const { application } = await createApplication(riversideOrgId, 'Demo Sensor Gateway', actors.riverside);
  return application.applicationId;
}

async function connectGateway(state: Pick<ReadyDemoState, 'riverside' | 'northfield' | 'gatewayApplicationId'>): Promise<void> {
  await connect(state.riverside.orgId, state.gatewayApplicationId, ['technician'], actors.riverside);
  await connect(state.northfield.orgId, state.gatewayApplicationId, ['technician'], actors.northfield);
}

/**
 * First start: orgs, datasources and the two applications; measurements follow
 * (topUpMeasurements). Also answers the id of City Air Dashboard's first key, which is never
 * shown and is replaced by the demo key.
 */
async function seedEntities(): Promise<Omit<ReadyDemoState, 'measuredUntil' | 'status' | 'version'> & { firstKeyId: string }> {
  const riverside = await createOrg(DEMO_ORG_NAMES.riverside, DEMO_ADMINS.riverside);
  const northfield = await createOrg(DEMO_ORG_NAMES.northfield, DEMO_ADMINS.northfield);
  const orgIds = { riverside: riverside.orgId, northfield: northfield.orgId };
  const datasources: DemoDatasource[] = [];
  for (const { org, profile: _profile, ...site } of SITES) {
    const created = await createDatasource(orgIds[org], { sourceType: 'CLARITY_NODE', ...site }, actors[org]);
    datasources.push({ orgId: orgIds[org], datasourceId: created.datasourceId, name: created.name });
  }
  const { application, apiKey: firstKey } = await createApplication(riverside.orgId, 'City Air Dashboard', actors.riverside);
  await connect(riverside.orgId, application.applicationId, ['analyst'], actors.riverside);
  await connect(northfield.orgId, application.applicationId, ['observer'], actors.northfield);
  const base = {
    riverside: { orgId: riverside.orgId, admin: DEMO_ADMINS.riverside },
    northfield: { orgId: northfield.orgId, admin: DEMO_ADMINS.northfield },
  };
  const gatewayApplicationId = await createGateway(riverside.orgId);
  await connectGateway({ ...base, gatewayApplicationId });
  return {
    ...base,
    dashboardApplicationId: application.applicationId,
    gatewayApplicationId,
    datasources,
    firstKeyId: firstKey.keyId,
  };
}

/** The days of measurements the demo holds by default: all that DynamoDB keeps (10). */
export const DEMO_DAYS_KEPT = RETENTION_MS / DAY_MS;

/**
 * How many days of measurements the demo writes: DATAGATE_DEMO_DAYS, a whole number from 1 to
 * 10 (default 10, all that DynamoDB keeps). Fewer days seed faster; the tests that start
 * `npm start` only to check a restart or the walk-through use 2 (the walk-through's hourly
 * query reads the last 48 hours).
 */
export function demoDays(env: NodeJS.ProcessEnv = process.env): number {
  const setting = env.DATAGATE_DEMO_DAYS;
  if (setting === undefined || setting === '') return DEMO_DAYS_KEPT;
  const days = Number(setting);
  if (!Number.isInteger(days) || days < 1 || days > DEMO_DAYS_KEPT)
    throw new Error(`DATAGATE_DEMO_DAYS must be a whole number from 1 to ${DEMO_DAYS_KEPT}, not "${setting}".`);
  return days;
}

/**
 * Measurements per ingest call while seeding. The demo's minutes are 15 minutes apart, so 500 of
 * them span five days (about 130 hours and days to add to); on a busy 2-core machine with
 * DynamoDB Local on a file such a call took over the ingest's 8-second deadline (503, an ERROR
 * line). 100 span a day: the same writes in all, each call a second or two.
 */
const SEED_BATCH = 100;

/**
 * Sends the measurements each demo datasource took since `state.measuredUntil` (at most the
 * demo's `days`, 10 by default, all that is kept) up to `now`, through the ingest route of the
 * local gateway with the sensor gateway's key, in batches of SEED_BATCH. Returns how many were sent.
 */
async function topUpMeasurements(
  router: LocalRouter,
  gatewayKey: string,
  state: ReadyDemoState,
  now: number,
  days: number,
): Promise<number> {
  // An hour inside the retention, so that the oldest ones are not refused while the batch travels.
  const oldest = now - Math.min(days * DAY_MS, RETENTION_MS) + 3600_000;
  const from = Math.max(oldest, state.measuredUntil ? Date.parse(state.measuredUntil) : 0);
  let sent = 0;
  // One batch at a time: DynamoDB Local on a file serialises writes anyway.
  for (const [index, { orgId, datasourceId, name }] of state.datasources.entries()) {
    const profile = SITES.find((site) => site.name === name)?.profile ?? DEFAULT_PROFILE;
    const measurements = demoTimes(from, now).map((time) => demoMeasurementAt(index, profile, time));
    for (let start = 0; start < measurements.length; start += SEED_BATCH) {
      const body = JSON.stringify({ org: orgId, measurements: measurements.slice(start, start + SEED_BATCH) });
      await ingest(router, gatewayKey, datasourceId, body);
    }
    sent += measurements.length;
  }
  return sent;
}

/** One ingest call, sent again after a 503 as the route asks of its clients. */
async function ingest(router: LocalRouter, key: string, datasourceId: string, body: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const answer = await router({
      method: 'POST',
      path: `/v2/datasources/${datasourceId}/measurements`,
      query: new URLSearchParams(),
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body,
    });
    if (answer.statusCode === 202) return;
    if (answer.statusCode !== 503 || attempt === 5)
      throw new Error(`The demo's measurements were refused (${answer.statusCode}): ${answer.body}`);
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

export interface PreparedDemo {
  demo: ReadyDemoState;
  /** The plaintext key of City Air Dashboard for this run. */
  apiKey: string;
  /** What this start did to the data folder. */
  happened: 'created' | 'loaded' | 'migrated';
  measurementsSent: number;
  /** Set when a later start could not top the measurements up (the demo is still usable). */
  warning?: string;
}

/**
 * Brings the demo in the table to a ready state and issues this run's keys: seeds it on a fresh
 * table, migrates a legacy data folder, or loads a ready one; then tops the measurements up.
 * The record is written after every step that created ids, so a start killed half-way resumes.
 */
export async function prepareDemo(options: {
  stateFile: string;
  stored: StoredDemoState;
  freshTable: boolean;
  router: LocalRouter;
  now?: () => number;
  /** Days of measurements to hold (default: demoDays(), from DATAGATE_DEMO_DAYS). */
  days?: number;
}): Promise<PreparedDemo> {
  const now = options.now ?? Date.now;
  const { stateFile, stored } = options;
  let happened: PreparedDemo['happened'] = 'loaded';
  let state: DemoState;
  let alsoKeyIds: string[] = [];
  if (options.freshTable) {
    writeDemoState(stateFile, { version: DEMO_STATE_VERSION, status: 'seeding' });
    const { firstKeyId, ...seeded } = await seedEntities();
    state = { version: DEMO_STATE_VERSION, status: 'seeding', ...seeded };
    alsoKeyIds = [firstKeyId];
    writeDemoState(stateFile, state);
    happened = 'created';
  } else if (stored.kind === 'none') {
    throw new DataFolderError(
      'The data folder holds a database but no demo record (demo.json): an interrupted first start of an older Datagate, or a demo record deleted by hand.',
    );
  } else if (stored.kind === 'legacy') {
    // Written by the first Datagate versions: no measurements, no gateway, and possibly many
    // demo keys piled up by interrupted starts. Keep its orgs and application; add the rest.
    const legacy = stored.state;
    const listed = await Promise.all(
      [legacy.riverside.orgId, legacy.northfield.orgId].map(async (orgId) =>
        (await listDatasources(orgId, 1000)).items.map(({ datasourceId, name }) => ({ orgId, datasourceId, name })),
      ),
    );
    state = {
      version: DEMO_STATE_VERSION,
      status: 'migrating',
      riverside: legacy.riverside,
      northfield: legacy.northfield,
      dashboardApplicationId: legacy.applicationId,
      datasources: listed.flat(),
    };
    alsoKeyIds = [legacy.keyId];
    happened = 'migrated';
  } else {
    state = stored.state;
    if (state.status === 'seeding')
      throw new DataFolderError('The demo record says the first start never finished, yet its database was kept.');
    if (state.status === 'migrating') happened = 'migrated';
  }
  if (!state.gatewayApplicationId) {
    state.gatewayApplicationId = await createGateway((state as ReadyDemoState).riverside.orgId);
    writeDemoState(stateFile, state);
  }
  const ready = state as ReadyDemoState;
  // A ready demo keeps whatever its admins changed since (a disconnected gateway stays so).
  if (happened !== 'loaded') await connectGateway(ready);
  const dashboardKey = await replaceDemoKey(ready.dashboardApplicationId, DEMO_KEY_LABEL, (key) =>
    alsoKeyIds.includes(key.keyId),
  );
  // The gateway is the demo's own machinery: whatever keys it holds are replaced by this run's.
  const gatewayKey = await replaceDemoKey(ready.gatewayApplicationId, GATEWAY_KEY_LABEL, () => true);
  const until = now();
  let measurementsSent = 0;
  let warning: string | undefined;
  try {
    measurementsSent = await topUpMeasurements(options.router, gatewayKey.key, ready, until, options.days ?? demoDays());
  } catch (error) {
    // Seeding must not half-succeed; on a later start the demo still works without new values.
    if (happened !== 'loaded') throw error;
    warning = `The demo's measurements were not brought up to date: ${error instanceof Error ? error.message : String(error)}`;
  }
  const demo: ReadyDemoState = {
    ...ready,
    status: 'ready',
    measuredUntil: warning ? ready.measuredUntil : new Date(until).toISOString(),
  };
  writeDemoState(stateFile, demo);
  return { demo, apiKey: dashboardKey.key, happened, measurementsSent, ...(warning ? { warning } : {}) };
}
