import { TARGETS } from '../../bench/cases';
import { SMOKE_RUN, runBench, type BenchResult } from '../../bench/run-bench';

/**
 * `npm run bench` with tiny sample counts, against the suite's DynamoDB Local: every case runs
 * and writes its keys, and the request counts are exact. Timings are never asserted here; they
 * belong to the bench itself.
 */

let result: BenchResult;
beforeAll(async () => {
  result = await runBench(SMOKE_RUN, { dynamoDbEndpoint: process.env.DYNAMODB_ENDPOINT });
}, 90_000);

describe('the bench, smoke run', () => {
  it('writes a number for every target except the cases that wait for the measurements API', () => {
    const pending = ['query.history30dVs1d', 'query.othersVsAlone', 'ingest.batch500VsFloor'];
    for (const key of Object.keys(TARGETS).filter((key) => !pending.includes(key)))
      expect({ key, value: result.figures[key] }).toEqual({ key, value: expect.any(Number) });
    for (const key of pending) expect(result.figures).not.toHaveProperty(key);
    expect(result.table.filter((row) => row.result === 'pending').map((row) => row.key)).toEqual(pending);
  });

  it('counts one DynamoDB request for a verification on a cold cache and none on a warm one', () => {
    expect(result.figures['verify.dynamoCallsMiss']).toBe(1);
    expect(result.figures['verify.dynamoCallsHit']).toBe(0);
  });
});
