import type { Context } from 'aws-lambda';
import { createRouter } from '../../lib/local/router';

/**
 * The local router gives each invocation Lambda's clock: `getRemainingTimeInMillis` counts down
 * from the function's timeout (10 s as in the stack, or `LOCAL_FUNCTION_TIMEOUT_SECONDS`), so
 * middy's early timeout ends a handler when Lambda would, and `npm start`'s longer ingest
 * deadline is not cut short at 10 s.
 */

const seen: number[][] = [];
const router = createRouter({
  load: () =>
    Promise.resolve({
      handler: async (_event: unknown, context: Context) => {
        const first = context.getRemainingTimeInMillis();
        await new Promise((resolve) => setTimeout(resolve, 50));
        seen.push([first, context.getRemainingTimeInMillis()]);
        return { statusCode: 200, body: '{}' };
      },
    }),
});
const health = () => router({ method: 'GET', path: '/health', query: new URLSearchParams(), headers: {} });

describe('the local router’s Lambda clock', () => {
  const saved = process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
  afterEach(() => {
    seen.length = 0;
    if (saved === undefined) delete process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
    else process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS = saved;
  });

  it('counts down from the stack’s 10 s timeout by default', async () => {
    delete process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS;
    expect((await health()).statusCode).toBe(200);
    const [[first, later]] = seen as [[number, number]];
    expect(first).toBeGreaterThan(9_000);
    expect(first).toBeLessThanOrEqual(10_000);
    expect(later).toBeLessThanOrEqual(first - 40);
  });

  it('counts down from LOCAL_FUNCTION_TIMEOUT_SECONDS when set (npm start: 70)', async () => {
    process.env.LOCAL_FUNCTION_TIMEOUT_SECONDS = '70';
    expect((await health()).statusCode).toBe(200);
    const [[first]] = seen as [[number, number]];
    expect(first).toBeGreaterThan(69_000);
    expect(first).toBeLessThanOrEqual(70_000);
  });
});
