import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { baseOfStoredName } from '../../functions/core/air-quality/derived-metrics';
import { valueOf, type StoredReading } from '../../functions/core/air-quality/readings';
import { DAY_MS, HOUR_MS } from '../../functions/core/platform/time';
import { grantSnapshotOf } from '../../functions/core/applications';

/**
 * The invariants of the single table, checked over every item of a table (a test's own), from
 * the items themselves rather than through the code under test:
 * - no key without its application: every key lookup has its key record, and every key record
 *   its lookup, under a live (not deleted) application;
 * - no one-sided connection: `ORG#o / CONN#a` exists exactly when `APP#a / CONN#o` does;
 * - no org without an admin: every org has an admin counter equal to its active admins, at least 1;
 * - grant snapshots equal the connections: every key lookup's grants are its application's
 *   connections (roles and guest lists).
 * - rollups equal their minutes: every hourly and daily aggregate (`AGG#<datasourceId>` /
 *   `H#…`, `D#…`) holds, per metric, the count and sum of that datasource's stored minutes
 *   (`MEAS#<datasourceId>`) in that hour or day, and every period with minutes has its aggregate
 *   (for a table whose minutes were all written by ingest: the one writer that keeps both),
 *   except a period still listed `pending` on its datasource's ingest lease (`AGG#<datasourceId>` /
 *   `LEASE`): an ingest failed half-way there, and the next ingest of the datasource recounts it;
 * - reports are counted: each org's report quota of a UTC day (`REPORTQUOTA#<orgId>` / date)
 *   equals the report records of that org created that day, and a report's `partsDone` and
 *   `filesDone` equal its recorded `PART#` and `FILE#` items.
 * A tombstoned application (deletion under way) may keep connection items, both sides, which
 * every read ignores; it holds no key.
 */

type Item = Record<string, any>;

export async function scanTable(client: DynamoDBDocumentClient, tableName: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? [...value].map(sorted).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([key, inner]) => [key, sorted(inner)]),
        )
      : value;

/**
 * The items of each partition key, found without going through the whole table again (the
 * invariants look into an org's, an application's or a report's partition for each of them).
 */
function partitions(items: readonly Item[]): (PK: unknown) => readonly Item[] {
  const byPartition = new Map<unknown, Item[]>();
  for (const item of items) {
    const partition = byPartition.get(item.PK);
    if (partition) partition.push(item);
    else byPartition.set(item.PK, [item]);
  }
  return (PK) => byPartition.get(PK) ?? [];
}

/** Every invariant broken in `items`, as sentences; empty when all hold. */
export function brokenInvariants(items: readonly Item[]): string[] {
  const broken: string[] = [];
  const byKey = new Map(items.map((item) => [`${item.PK}|${item.SK}`, item]));
  const inPartition = partitions(items);
  const has = (PK: string, SK: string) => byKey.has(`${PK}|${SK}`);
  const applications = new Map(
    items
      .filter((item) => item.SK === 'APP' && String(item.PK).startsWith('APP#'))
      .map((item) => [item.applicationId as string, item]),
  );

  // Keys: lookup <-> record, under a live application.
  const lookups = items.filter((item) => String(item.PK).startsWith('KEY#') && item.SK === 'KEY');
  const records = items.filter((item) => String(item.PK).startsWith('APP#') && String(item.SK).startsWith('KEY#'));
  for (const lookup of lookups) {
    const application = applications.get(lookup.applicationId);
    if (!application) broken.push(`key lookup ${lookup.keyId} has no application ${lookup.applicationId}`);
    else if (application.deletedAt) broken.push(`key lookup ${lookup.keyId} survives its application's deletion`);
    if (!has(`APP#${lookup.applicationId}`, `KEY#${lookup.keyId}`)) broken.push(`key lookup ${lookup.keyId} has no key record`);
  }
  for (const record of records) {
    if (!has(`KEY#${record.digest}`, 'KEY')) broken.push(`key record ${record.keyId} has no key lookup`);
    const application = applications.get(record.applicationId);
    if (!application) broken.push(`key record ${record.keyId} has no application`);
    else if (application.deletedAt) broken.push(`key record ${record.keyId} survives its application's deletion`);
  }

  // Connections: both sides or neither.
  const connectionItems = items.filter((item) => String(item.SK).startsWith('CONN#'));
  for (const item of connectionItems) {
    const [kind, id] = String(item.PK).split('#') as [string, string];
    const other = String(item.SK).slice('CONN#'.length);
    const mirror = kind === 'ORG' ? has(`APP#${other}`, `CONN#${id}`) : has(`ORG#${other}`, `CONN#${id}`);
    if (!mirror) broken.push(`connection ${item.PK} / ${item.SK} is one-sided`);
  }

  // Admins: the counter equals the active admins, and is at least 1.
  const orgs = items.filter((item) => String(item.PK).startsWith('ORG#') && item.SK === 'ORG');
  for (const org of orgs) {
    const admins = inPartition(org.PK).filter(
      (item) => String(item.SK).startsWith('PERSON#') && item.status === 'active' && (item.roles ?? []).includes('admin'),
    ).length;
    const counter = byKey.get(`${org.PK}|ADMINS`)?.count;
    if (admins < 1) broken.push(`org ${org.PK} has no active admin`);
    if (counter !== admins) broken.push(`org ${org.PK}: admin counter ${counter} but ${admins} active admins`);
  }

  // Grant snapshots: each lookup's grants are its application's connections.
  for (const lookup of lookups) {
    const connections = inPartition(`APP#${lookup.applicationId}`).filter((item) => String(item.SK).startsWith('CONN#'));
    const expected = Object.fromEntries(
      connections.map((connection) => [
        String(connection.SK).slice('CONN#'.length),
        { roles: connection.roles, ...(connection.datasourceIds ? { datasourceIds: connection.datasourceIds } : {}) },
      ]),
    );
    // Grants that outgrew the snapshot leave it empty, marked `grantsPerOrg` (read per org instead).
    const snapshot = grantSnapshotOf(expected);
    if (Boolean(lookup.grantsPerOrg) !== Boolean(snapshot.grantsPerOrg)) {
      broken.push(
        `key ${lookup.keyId}: grantsPerOrg ${String(lookup.grantsPerOrg)} for ${JSON.stringify(expected).length} bytes of grants`,
      );
    }
    if (JSON.stringify(sorted(lookup.grants ?? {})) !== JSON.stringify(sorted(snapshot.grants))) {
      broken.push(
        `key ${lookup.keyId}: grant snapshot ${JSON.stringify(lookup.grants)} but connections ${JSON.stringify(expected)}`,
      );
    }
  }
  broken.push(...brokenRollups(items), ...brokenReportCounts(items));
  return broken;
}

/** Sums of decimal `ADD`s and of binary doubles agree to this relative error. */
const SUM_TOLERANCE = 1e-9;

function brokenRollups(items: readonly Item[]): string[] {
  const broken: string[] = [];
  // Per `<datasourceId>|H#<start>` (or `D#`): per base metric, the minutes' count and sum.
  const expected = new Map<string, Map<string, { sum: number; count: number; nulls: number }>>();
  for (const minute of items.filter((item) => String(item.PK).startsWith('MEAS#'))) {
    const datasourceId = String(minute.PK).slice('MEAS#'.length);
    const time = Date.parse(String(minute.SK));
    for (const [prefix, periodMs] of [
      ['H#', HOUR_MS],
      ['D#', DAY_MS],
    ] as const) {
      const period = `${datasourceId}|${prefix}${new Date(Math.floor(time / periodMs) * periodMs).toISOString()}`;
      const totals = expected.get(period) ?? new Map<string, { sum: number; count: number; nulls: number }>();
      expected.set(period, totals);
      for (const [name, reading] of Object.entries((minute.metrics ?? {}) as Record<string, StoredReading>)) {
        const base = baseOfStoredName(name);
        const value = valueOf(reading);
        if (!base) continue;
        const total = totals.get(base) ?? { sum: 0, count: 0, nulls: 0 };
        // A reading without a value (calibration missing) is in no sum, only in `nulls`.
        if (value === null) totals.set(base, { ...total, nulls: total.nulls + 1 });
        else totals.set(base, { sum: total.sum + Number(value), count: total.count + 1, nulls: total.nulls });
      }
    }
  }
  const rollups = new Map(
    items
      .filter((item) => String(item.PK).startsWith('AGG#') && /^[HD]#/.test(String(item.SK)))
      .map((item) => [`${String(item.PK).slice('AGG#'.length)}|${item.SK}`, item]),
  );
  // Periods an ingest that failed half-way left for the next ingest to recount.
  const pending = new Set(
    items
      .filter((item) => String(item.PK).startsWith('AGG#') && item.SK === 'LEASE')
      .flatMap((lease) =>
        [...((lease.pending as Set<string> | undefined) ?? [])].map((name) => `${String(lease.PK).slice('AGG#'.length)}|${name}`),
      ),
  );
  for (const period of new Set([...expected.keys(), ...rollups.keys()])) {
    if (pending.has(period)) continue;
    const rollup = rollups.get(period) ?? {};
    const totals = expected.get(period) ?? new Map<string, { sum: number; count: number; nulls: number }>();
    const metrics = new Set([
      ...totals.keys(),
      ...Object.keys(rollup).flatMap((attribute) => /^(?:count|nulls)_(.+)$/.exec(attribute)?.[1] ?? []),
    ]);
    for (const metric of metrics) {
      const want = totals.get(metric) ?? { sum: 0, count: 0, nulls: 0 };
      const count = Number(rollup[`count_${metric}`] ?? 0);
      const nulls = Number(rollup[`nulls_${metric}`] ?? 0);
      const sum = Number(rollup[`sum_${metric}`] ?? 0);
      if (
        count !== want.count ||
        nulls !== want.nulls ||
        Math.abs(sum - want.sum) > SUM_TOLERANCE * Math.max(1, Math.abs(want.sum))
      ) {
        broken.push(
          `rollup ${period} ${metric}: count ${count}, nulls ${nulls}, sum ${sum}, but its minutes give count ${want.count}, nulls ${want.nulls}, sum ${want.sum}`,
        );
      }
    }
  }
  return broken;
}

function brokenReportCounts(items: readonly Item[]): string[] {
  const broken: string[] = [];
  const inPartition = partitions(items);
  const reports = items.filter((item) => String(item.PK).startsWith('REPORT#') && item.SK === 'REPORT');
  const created = new Map<string, number>();
  for (const report of reports) {
    // The org's counter of the day, and the application's share of it beside it (SK `<day>#<applicationId>`).
    const day = `REPORTQUOTA#${report.orgId}|${String(report.createdAt).slice(0, 10)}`;
    created.set(day, (created.get(day) ?? 0) + 1);
    created.set(`${day}#${report.applicationId}`, (created.get(`${day}#${report.applicationId}`) ?? 0) + 1);
  }
  const quotas = new Map(
    items
      .filter((item) => String(item.PK).startsWith('REPORTQUOTA#'))
      .map((item) => [`${item.PK}|${item.SK}`, Number(item.count ?? 0)]),
  );
  for (const day of new Set([...created.keys(), ...quotas.keys()])) {
    if ((quotas.get(day) ?? 0) !== (created.get(day) ?? 0)) {
      broken.push(`report quota ${day} counts ${quotas.get(day) ?? 0} but ${created.get(day) ?? 0} reports were created`);
    }
  }
  for (const report of reports) {
    for (const [kind, counter] of [
      ['PART#', 'partsDone'],
      ['FILE#', 'filesDone'],
    ] as const) {
      const recorded = inPartition(report.PK).filter((item) => String(item.SK).startsWith(kind)).length;
      if (Number(report[counter] ?? 0) !== recorded) {
        broken.push(`report ${report.reportId}: ${counter} ${report[counter] ?? 0} but ${recorded} ${kind} items recorded`);
      }
    }
  }
  return broken;
}
