import { randomUUID } from 'node:crypto';
import {
  UPSERT,
  deleteNow,
  getNow,
  putNow,
  putNowUnless,
  queryAttributeValues,
  queryPage,
  transact,
  updateItem,
  updateNow,
  updateNowReturningOld,
  type StoredItem,
} from '../../functions/core/store/table';

/**
 * What DynamoDB Local makes of the expressions the table's one update builder writes: numeric
 * ADD to fields with any name, set ADD/DELETE, REMOVE, guards that refuse, and UPSERT creating
 * an item. (test/unit/table-updates.test.ts checks the expressions themselves.)
 */

const key = () => ({ PK: `TEST#${randomUUID()}`, SK: 'ITEM' });

describe('the table verbs against DynamoDB Local', () => {
  it('UPSERT creates a counter item; numeric ADD works on names holding any character', async () => {
    const at = key();
    const counts = { requests: 2, 'org#o-1#requests': 2, 'sum_pm2.5 µg': 1.5 };
    expect(await updateNow(at, { set: { type: 'test' }, add: counts }, UPSERT)).toBe(true);
    expect(await updateNow(at, { add: counts }, UPSERT)).toBe(true);
    expect(await getNow(at, { consistent: true })).toEqual({
      ...at,
      type: 'test',
      requests: 4,
      'org#o-1#requests': 4,
      'sum_pm2.5 µg': 3,
    });
  });

  it('the default guard refuses to create an item, and nothing is written', async () => {
    const at = key();
    expect(await updateNow(at, { set: { a: 1 } })).toBe(false);
    expect(await getNow(at, { consistent: true })).toBeUndefined();
  });

  it('SET, REMOVE, set ADD and DELETE in one update, answering the old values', async () => {
    const at = key();
    await updateNow(at, { set: { type: 'test', gone: 'x', keep: 1 }, addToSet: { members: ['a', 'b'] } }, UPSERT);
    const old = await updateNowReturningOld(at, {
      set: { keep: 2, gone: null },
      addToSet: { members: ['c'] },
      removeFromSet: { members2: ['z'] },
    });
    expect(old).toEqual({ keep: 1, gone: 'x', members: new Set(['a', 'b']) });
    await updateNow(at, { removeFromSet: { members: ['a'] } });
    expect(await getNow(at, { consistent: true })).toEqual({ ...at, type: 'test', keep: 2, members: new Set(['b', 'c']) });
  });

  it("a guard naming the update's own field and value refuses a write that would go backwards", async () => {
    const at = key();
    await updateNow(at, { set: { type: 'test', seenAt: 't2' } }, UPSERT);
    const guard = { condition: 'attribute_not_exists(seenAt) OR seenAt < :seenAt' };
    expect(await updateNow(at, { set: { seenAt: 't1' } }, guard)).toBe(false);
    expect(await updateNow(at, { set: { seenAt: 't3' } }, guard)).toBe(true);
    expect((await getNow(at, { consistent: true }))?.seenAt).toBe('t3');
  });

  it('a guarded ADD in a transaction counts up to its bound, then the transaction is refused', async () => {
    const at = key();
    const bounded = () =>
      transact(
        [
          updateItem(
            at,
            { set: { type: 'quota' }, add: { count: 1 } },
            { condition: 'attribute_not_exists(#count) OR #count < :max', values: { ':max': 2 } },
          ),
        ],
        () => new Error('full'),
      );
    await bounded();
    await bounded();
    await expect(bounded()).rejects.toThrow('full');
    expect((await getNow(at, { consistent: true }))?.count).toBe(2);
  });

  it('putNowUnless answers the item in the way; deleteNow answers false when its guard refuses', async () => {
    const at = key();
    const absent = { condition: 'attribute_not_exists(PK)' };
    expect(await putNowUnless({ ...at, type: 'test', v: 1 } as StoredItem, absent)).toBeUndefined();
    expect(await putNowUnless({ ...at, type: 'test', v: 2 } as StoredItem, absent)).toEqual({ ...at, type: 'test', v: 1 });
    expect(await deleteNow(at, { condition: 'v = :v', values: { ':v': 2 } })).toBe(false);
    expect(await deleteNow(at, { condition: 'v = :v', values: { ':v': 1 } })).toBe(true);
    expect(await getNow(at, { consistent: true })).toBeUndefined();
  });

  it('a query with `attributes` answers only those attributes of each item, reserved words included, on every page', async () => {
    const partition = `TEST#${randomUUID()}`;
    for (const SK of ['a', 'b', 'c'])
      await putNow({ PK: partition, SK, type: 'test', time: `t-${SK}`, metrics: { x: 1 }, other: 'left out' } as StoredItem);
    const items = await queryAttributeValues({ partition, newestFirst: true, consistent: true, attributes: ['time', 'metrics'] });
    expect(items).toEqual(['c', 'b', 'a'].map((SK) => ({ time: { S: `t-${SK}` }, metrics: { M: { x: { N: '1' } } } })));
    // A page's token continues from the item's keys, which the projection left out of the item.
    const first = await queryPage({ partition, limit: 1, consistent: true, attributes: ['time'] });
    expect(first.items).toEqual([{ time: 't-a' }]);
    const second = await queryPage({ partition, limit: 1, consistent: true, attributes: ['time'], nextToken: first.nextToken! });
    expect(second.items).toEqual([{ time: 't-b' }]);
  });
});
