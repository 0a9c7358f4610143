import { addUsageCounts } from '../../functions/core/usage/usage-store';
import { recordGatewayThrottle, recordHandlerUse } from '../../functions/core/usage/usage-recorder';
import { startLocalUsageCounters } from '../../lib/local/usage-counters';

jest.mock('../../functions/core/usage/usage-store', () => ({ addUsageCounts: jest.fn(async () => undefined) }));

const writes = addUsageCounts as jest.MockedFunction<typeof addUsageCounts>;

describe('local usage counters', () => {
  beforeEach(() => writes.mockClear());

  it("a flush writes once per application and UTC day, with every org's share, however many requests there were", async () => {
    const counters = startLocalUsageCounters(3_600_000);
    const at = Date.parse('2026-12-05T10:00:00Z');
    for (let index = 0; index < 500; index++) recordHandlerUse({ applicationId: 'app_a', org: 'org_1', throttled: false, at });
    for (let index = 0; index < 200; index++)
      recordHandlerUse({ applicationId: 'app_a', org: 'org_2', throttled: index < 5, at });
    for (let index = 0; index < 30; index++) recordGatewayThrottle('app_a', at);
    recordHandlerUse({ applicationId: 'app_a', throttled: false, at: Date.parse('2026-12-04T23:59:59Z') });
    expect(writes).not.toHaveBeenCalled();
    await counters.flush();
    const calls = writes.mock.calls.map(([applicationId, date, counts]) => [
      applicationId,
      date,
      { requests: counts.requests, throttled: counts.throttled, byOrg: Object.fromEntries(counts.byOrg) },
    ]);
    expect(calls).toHaveLength(2);
    expect(calls).toEqual(
      expect.arrayContaining([
        [
          'app_a',
          '2026-12-05',
          {
            requests: 730,
            throttled: 35,
            byOrg: { org_1: { requests: 500, throttled: 0 }, org_2: { requests: 200, throttled: 5 } },
          },
        ],
        ['app_a', '2026-12-04', { requests: 1, throttled: 0, byOrg: {} }],
      ]),
    );
    // Nothing new: nothing written.
    await counters.flush();
    expect(writes).toHaveBeenCalledTimes(2);
    await counters.stop();
  });

  it('a failed write is kept for the next flush, and stopping flushes what is left', async () => {
    const counters = startLocalUsageCounters(3_600_000);
    const at = Date.parse('2026-12-05T10:00:00Z');
    recordHandlerUse({ applicationId: 'app_b', throttled: false, at });
    writes.mockRejectedValueOnce(new Error('table unavailable'));
    await counters.flush();
    recordHandlerUse({ applicationId: 'app_b', throttled: true, at });
    await counters.stop();
    expect(writes).toHaveBeenCalledTimes(2);
    expect({ ...writes.mock.calls[1]![2] }).toMatchObject({ requests: 2, throttled: 1 });
    // Stopped: no longer counted.
    recordHandlerUse({ applicationId: 'app_b', throttled: false, at });
    await counters.flush();
    expect(writes).toHaveBeenCalledTimes(2);
  });
});
