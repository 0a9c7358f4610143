import { RateLimiter } from '../../lib/local/rate-limiter';

const LIMITS = { requestsPerSecond: 5, burst: 5, requestsPerDay: 1000 };

describe('the local rate limiter (API Gateway usage plans stand-in)', () => {
  test('a full bucket of 5 lets 5 through at once and throttles the sixth; a second later 5 more pass', () => {
    const limiter = new RateLimiter();
    const now = Date.UTC(2026, 0, 1, 12);
    const first = Array.from({ length: 6 }, () => limiter.take('app', LIMITS, now));
    expect(first).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'throttled']);
    expect(Array.from({ length: 5 }, () => limiter.take('app', LIMITS, now + 1000))).toEqual(Array(5).fill('allowed'));
  });

  test('applications have separate buckets', () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 5; i++) limiter.take('a', LIMITS, 0);
    expect(limiter.take('a', LIMITS, 0)).toBe('throttled');
    expect(limiter.take('b', LIMITS, 0)).toBe('allowed');
  });

  test("the day's quota refuses until the next UTC day", () => {
    const limiter = new RateLimiter();
    const limits = { requestsPerSecond: 100, burst: 100, requestsPerDay: 2 };
    const noon = Date.UTC(2026, 0, 1, 12);
    expect([0, 1, 2].map((i) => limiter.take('app', limits, noon + i))).toEqual(['allowed', 'allowed', 'quotaExceeded']);
    expect(limiter.take('app', limits, Date.UTC(2026, 0, 2, 0, 0, 1))).toBe('allowed');
  });

  test("raised limits apply at once, and keep the day's count", () => {
    const limiter = new RateLimiter();
    for (let i = 0; i < 5; i++) limiter.take('app', LIMITS, 0);
    expect(limiter.take('app', LIMITS, 0)).toBe('throttled');
    const raised = { requestsPerSecond: 50, burst: 50, requestsPerDay: 7 };
    expect(limiter.take('app', raised, 0)).toBe('allowed');
    expect(limiter.take('app', raised, 0)).toBe('allowed');
    expect(limiter.take('app', raised, 0)).toBe('quotaExceeded');
  });
});
