import type { ApplicationLimits } from '../../functions/core/applications';

/**
 * The local stand-in for API Gateway's usage plans: per application, a token bucket (`burst`
 * tokens, refilled at `requestsPerSecond`) and a count of the UTC day's requests. Pure: the
 * caller passes the time and the limits in force.
 */

export type LimitVerdict = 'allowed' | 'throttled' | 'quotaExceeded';

interface Usage {
  tokens: number;
  refilledAt: number;
  day: string;
  requestsToday: number;
  limits: ApplicationLimits;
}

export class RateLimiter {
  private readonly usage = new Map<string, Usage>();

  /** Takes one request of `applicationId` at `now` (ms) under `limits`. */
  take(applicationId: string, limits: ApplicationLimits, now: number): LimitVerdict {
    const day = new Date(now).toISOString().slice(0, 10);
    let usage = this.usage.get(applicationId);
    // New limits start from a full bucket, as a changed usage plan does.
    if (!usage || !sameLimits(usage.limits, limits)) {
      usage = { tokens: limits.burst, refilledAt: now, day, requestsToday: usage?.day === day ? usage.requestsToday : 0, limits };
      this.usage.set(applicationId, usage);
    }
    if (usage.day !== day) {
      usage.day = day;
      usage.requestsToday = 0;
    }
    usage.tokens = Math.min(limits.burst, usage.tokens + ((now - usage.refilledAt) / 1000) * limits.requestsPerSecond);
    usage.refilledAt = now;
    if (usage.requestsToday >= limits.requestsPerDay) return 'quotaExceeded';
    if (usage.tokens < 1) return 'throttled';
    usage.tokens -= 1;
    usage.requestsToday += 1;
    return 'allowed';
  }
}

function sameLimits(a: ApplicationLimits, b: ApplicationLimits): boolean {
  return a.requestsPerSecond === b.requestsPerSecond && a.burst === b.burst && a.requestsPerDay === b.requestsPerDay;
}
