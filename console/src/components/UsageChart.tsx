import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { BarChart } from './BarChart';
import { queued, useSeen } from './on-demand';

type Usage = Schemas['ApplicationUsage'];

/** Days a usage chart covers, today (partial) included. */
export const USAGE_DAYS = 30;

const dayLabel = (date: string) =>
  new Date(`${date}T00:00:00Z`).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });

/**
 * "Usage": an application's data API requests and throttled requests (429) per UTC day, last 30
 * days, as a bar chart with its numbers as a table. `scope` says whose: `created` is the owner
 * org's view (every request made with the application's keys), `connected` the connected org's
 * (the requests into this org only). Loaded when its row comes near the screen, through the
 * shared queue (./on-demand.ts), as the datasources' charts are.
 */
export function UsageChart(props: { orgId: string; applicationId: string; name: string; scope: 'created' | 'connected' }) {
  const box = useRef<HTMLDivElement>(null);
  const seen = useSeen(box);
  const [state, setState] = useState<{ usage?: Usage; error?: unknown }>({});
  const { orgId, applicationId, scope } = props;
  useEffect(() => {
    if (!seen) return;
    let current = true;
    const params = { params: { path: { orgId, applicationId }, query: { days: USAGE_DAYS } } };
    queued(() =>
      unwrap(
        scope === 'created'
          ? api.GET('/admin/orgs/{orgId}/applications/{applicationId}/usage', params)
          : api.GET('/admin/orgs/{orgId}/connections/{applicationId}/usage', params),
      ),
    ).then(
      (usage) => current && setState({ usage }),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [seen, orgId, applicationId, scope]);

  const usage = state.usage;
  let content;
  if (state.error !== undefined) content = <p class="error">Usage unavailable: {describeError(state.error)}</p>;
  else if (!usage) content = <p class="hint">Loading the last {USAGE_DAYS} days…</p>;
  else {
    // The API lists the newest day first; the chart reads left to right, oldest first.
    const days = [...usage.days].reverse();
    const total = days.reduce((sum, day) => sum + day.requests, 0);
    const throttled = days.reduce((sum, day) => sum + day.throttled, 0);
    const busiest = days.reduce<(typeof days)[number] | undefined>(
      (best, day) => (day.requests > (best?.requests ?? 0) ? day : best),
      undefined,
    );
    const what = scope === 'created' ? `Requests of ${props.name}` : `Requests of ${props.name} into this organization`;
    content = (
      <>
        <p class="legend" aria-hidden="true">
          <span class="series-0">Requests</span>
          <span class="series-1">Throttled</span>
        </p>
        <BarChart
          title={`${what} per day, last ${USAGE_DAYS} days (UTC)`}
          summary={
            `${total} requests, ${throttled} throttled` +
            (busiest ? `; busiest day ${dayLabel(busiest.date)} with ${busiest.requests}` : '')
          }
          bars={days.map((day) => ({ label: dayLabel(day.date), values: [day.requests, day.throttled] }))}
          series={[
            { name: 'Requests', tone: 'series-0' },
            { name: 'Throttled', tone: 'series-1' },
          ]}
          unit="requests"
          labelHeading="Day (UTC)"
          decimals={0}
          unitInHeadings={false}
        />
      </>
    );
  }
  return <div ref={box}>{content}</div>;
}
