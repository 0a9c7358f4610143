import { TARGETS } from '../../bench/cases';
import { SMOKE_RUN, runBench, type BenchResult } from '../../bench/run-bench';

/**
 * `npm run bench` with tiny sample counts, against the suite's DynamoDB Local: every case runs
 * and writes its keys, and the request counts are exact. Timings are never asserted here; they
 * belong to the bench itself.
 */

let result: BenchResult;
// About 35 s alone (the query case seeds a few thousand measurements); a loaded machine took 165 s.
beforeAll(async () => {
  result = await runBench(SMOKE_RUN, { dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT });
}, 300_000);

describe('the bench, smoke run', () => {
  it('writes a number for every target, and no case is pending', () => {
    for (const key of Object.keys(TARGETS))
      expect({ key, value: result.figures[key] }).toEqual({ key, value: expect.any(Number) });
    expect(result.table.filter((row) => row.result === 'pending')).toEqual([]);
  });

  it('counts one DynamoDB request for a verification on a cold cache and none on a warm one', () => {
    expect(result.figures['verify.dynamoCallsMiss']).toBe(1);
    expect(result.figures['verify.dynamoCallsHit']).toBe(0);
  });

  it("counts two DynamoDB requests for a day of one datasource's minutes: the datasource and one Query (its minutes whole, no plan from the hourly aggregates)", () => {
    expect(result.figures['query.dynamoCallsPerQuery']).toBe(2);
  });

  it('counts one DynamoDB request for a datasource listing through the local server with a warm key: the usage plan is not read again', () => {
    expect(result.figures['e2e.dynamoCallsPerList']).toBe(1);
  });

  it('the soak answers every request of its mixed load 2xx and every accepted measurement reads back', () => {
    expect(result.figures['soak.requests']).toBeGreaterThan(0);
    expect(result.figures['soak.acceptedMeasurements']).toBeGreaterThan(0);
    expect(result.figures['soak.errors']).toBe(0);
    expect(result.figures['soak.lostMeasurements']).toBe(0);
  });

  it('counts 20 BatchWriteItem requests of 25 for an ingest of 500 measurements', () => {
    expect(result.figures['ingest.batchWritesPer500']).toBe(20);
  });

  it('counts the requests of a lone 30-minute ingest: the lease taken, the minutes read and written, and its ADDs and release in one transaction', () => {
    expect(result.figures['ingest.oneOf30Calls.BatchGetItem']).toBe(1);
    expect(result.figures['ingest.oneOf30Calls.BatchWriteItem']).toBe(2);
    expect(result.figures['ingest.oneOf30Calls.TransactWriteItems']).toBe(1);
    // Also the datasource's GetItem and the lease's UpdateItem, and now and then a key's `lastUsedAt`.
    expect(result.figures['ingest.oneOf30DynamoCalls']).toBeLessThan(6.5);
  });

  it('reads aggregates, not minutes, for hour and day queries, and pays about 3 % more write units for them', () => {
    // 48 hourly aggregates plus the 23 hours before them (rolling means), and the datasource.
    expect(result.figures['query.hourItemsRead']).toBeLessThanOrEqual(100);
    expect(result.figures['query.dayItemsRead']).toBeLessThanOrEqual(300);
    expect(result.figures['ingest.rollupWriteOverhead']).toBeLessThanOrEqual(1.1);
  });
});
