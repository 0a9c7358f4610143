import { allows, readableDatasources, rolesSchema } from '../../functions/core/orgs/roles';
import { isId, newId } from '../../functions/core/platform/ids';
import { decodePageToken, encodePageToken } from '../../functions/core/store/table';

describe('roles', () => {
  it('follow the contract table: permissions are the union of roles', () => {
    expect(allows(['observer'], 'editAnnotations')).toBe(false);
    expect(allows(['observer', 'analyst'], 'editAnnotations')).toBe(true);
    expect(allows(['technician'], 'manageDatasources')).toBe(true);
    expect(allows(['analyst'], 'manageDatasources')).toBe(false);
    expect(allows(['technician'], 'manageOrg')).toBe(false);
    expect(allows(['admin'], 'manageOrg')).toBe(true);
    expect(allows(['guest'], 'readAllDatasources')).toBe(false);
  });

  it('a guest reads only its listed datasources; any other reading role reads all', () => {
    expect(readableDatasources(['guest'], ['ds_a'])).toEqual(new Set(['ds_a']));
    expect(readableDatasources(['guest'], undefined)).toEqual(new Set());
    expect(readableDatasources(['guest', 'observer'], ['ds_a'])).toBe('all');
  });

  it('role lists must be non-empty, known and distinct', () => {
    expect(rolesSchema.safeParse([]).success).toBe(false);
    expect(rolesSchema.safeParse(['owner']).success).toBe(false);
    expect(rolesSchema.safeParse(['guest', 'guest']).success).toBe(false);
    expect(rolesSchema.safeParse(['guest', 'analyst']).success).toBe(true);
  });
});

describe('ids', () => {
  it('have the kind prefix and shape, and other shapes are rejected', () => {
    const id = newId('org');
    expect(isId('org', id)).toBe(true);
    expect(isId('application', id)).toBe(false);
    expect(isId('org', `${id}x`)).toBe(false);
    expect(isId('org', 'org_ABC')).toBe(false);
  });

  it('event ids sort by creation time', () => {
    const earlier = newId('event', Date.parse('2026-01-01T00:00:00Z'));
    const later = newId('event', Date.parse('2026-01-01T00:00:01Z'));
    expect(earlier < later).toBe(true);
  });
});

describe('page tokens', () => {
  it('round-trip within their partition and are refused for another one', () => {
    const token = encodePageToken({ PK: 'AUDIT#org_1', SK: 'evt_2' })!;
    expect(decodePageToken(token, { partition: 'AUDIT#org_1' })).toEqual({ PK: 'AUDIT#org_1', SK: 'evt_2' });
    expect(() => decodePageToken(token, { partition: 'AUDIT#org_2' })).toThrow('nextToken');
    expect(() => decodePageToken('garbage', { partition: 'AUDIT#org_1' })).toThrow('nextToken');
  });

  it('are refused when altered into a key DynamoDB would refuse for the query (a 500 before)', () => {
    const datasources = { partition: 'ORG#org_1', sortKeyPrefix: 'DS#' };
    const token = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
    expect(decodePageToken(token({ PK: 'ORG#org_1', SK: 'DS#ds_1' }), datasources)).toEqual({ PK: 'ORG#org_1', SK: 'DS#ds_1' });
    for (const altered of [
      { SK: 'A', PK: 'ORG#org_1' },
      { PK: 'ORG#org_1', SK: 'CONN#app_1' },
      { PK: 'ORG#org_1', SK: '' },
      { PK: 'ORG#org_1' },
      { PK: 'ORG#org_1', SK: 'DS#ds_1', extra: 'x' },
      { PK: 'ORG#org_1', SK: 7 },
      { PK: 'ORG#org_1', SK: `DS#${'x'.repeat(1100)}` },
      [{ PK: 'ORG#org_1', SK: 'DS#ds_1' }],
      null,
    ]) {
      expect(() => decodePageToken(token(altered), datasources)).toThrow('nextToken');
    }
    expect(() => decodePageToken('not base64url!', datasources)).toThrow('nextToken');
    const owned = { index: 'GSI1' as const, partition: 'OWNER#org_1' };
    const gsiKey = { PK: 'APP#app_1', SK: 'APP', GSI1PK: 'OWNER#org_1', GSI1SK: 'APP#app_1' };
    expect(decodePageToken(token(gsiKey), owned)).toEqual(gsiKey);
    expect(() => decodePageToken(token({ GSI1PK: 'OWNER#org_1', GSI1SK: 'APP#app_1' }), owned)).toThrow('nextToken');
    const window = { partition: 'AGG#ds_1', between: ['H#2026-01-01', 'H#2026-01-02'] as const };
    expect(() => decodePageToken(token({ PK: 'AGG#ds_1', SK: 'H#2026-01-03' }), window)).toThrow('nextToken');
  });
});
