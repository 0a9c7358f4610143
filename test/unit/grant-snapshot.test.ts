import { MAX_GRANT_SNAPSHOT_BYTES, grantSnapshotOf, grantSnapshotUpdates, grantsOf } from '../../functions/core/applications';
import type { Connection } from '../../functions/core/applications';

const connection = (index: number, datasourceIds?: string[]): Connection => ({
  orgId: `org_${String(index).padStart(24, '0')}`,
  applicationId: 'app_000000000000000000000001',
  ownerOrgId: 'org_000000000000000000000000',
  roles: datasourceIds ? ['guest'] : ['observer'],
  ...(datasourceIds ? { datasourceIds } : {}),
  connectedAt: '2026-01-01T00:00:00.000Z',
  connectedBy: 'ada@example.org',
});

const keys = [{ digest: 'a'.repeat(64) }, { digest: 'b'.repeat(64) }];

describe('grant snapshot bound', () => {
  it('an application connected to a thousand orgs still fits in one key lookup', () => {
    const grants = grantsOf(Array.from({ length: 1000 }, (_, index) => connection(index)));
    expect(JSON.stringify(grants).length).toBeLessThan(MAX_GRANT_SNAPSHOT_BYTES);
    expect(grantSnapshotUpdates(keys, grants)).toHaveLength(2);
  });

  it('grants that would outgrow the lookup item are not refused: the keys carry none and are marked grantsPerOrg', () => {
    const guestList = Array.from({ length: 100 }, (_, index) => `ds_${String(index).padStart(24, '0')}`);
    const grants = grantsOf(Array.from({ length: 100 }, (_, index) => connection(index, guestList)));
    expect(JSON.stringify(grants).length).toBeGreaterThan(MAX_GRANT_SNAPSHOT_BYTES);
    expect(grantSnapshotOf(grants)).toEqual({ grants: {}, grantsPerOrg: true });
    const updates = grantSnapshotUpdates(keys, grants);
    expect(updates).toHaveLength(2);
    expect(JSON.stringify(updates).length).toBeLessThan(2_000);
    // Back under the bound, the snapshot returns and the mark goes.
    const fewer = grantsOf([connection(1, guestList)]);
    expect(grantSnapshotOf(fewer)).toEqual({ grants: fewer });
    expect(JSON.stringify(grantSnapshotUpdates(keys, fewer))).toContain('REMOVE #grantsPerOrg');
  });
});
