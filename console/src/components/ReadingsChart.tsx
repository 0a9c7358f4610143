import { useRef, useState, useEffect } from 'preact/hooks';
import { api, describeError, unwrap, type Schemas } from '../api/client';
import { BarChart } from './BarChart';
import { queued, useSeen } from './on-demand';

type Readings = Schemas['DatasourceReadings'];

const HOUR_MS = 3_600_000;
const HOURS = 24;

const hourLabel = (start: number) =>
  new Date(start).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/**
 * A datasource's last 24 hours of PM2.5 as a bar chart of hourly means (UTC hours). Loaded when
 * its row comes near the screen, through the shared queue (./on-demand.ts).
 */
export function ReadingsChart(props: { orgId: string; datasourceId: string; name: string }) {
  const box = useRef<HTMLDivElement>(null);
  const seen = useSeen(box);
  const [state, setState] = useState<{ readings?: Readings; error?: unknown }>({});
  const { orgId, datasourceId } = props;
  useEffect(() => {
    if (!seen) return;
    let current = true;
    queued(() =>
      unwrap(
        api.GET('/admin/orgs/{orgId}/datasources/{datasourceId}/readings', {
          params: { path: { orgId, datasourceId }, query: { hours: HOURS } },
        }),
      ),
    ).then(
      (readings) => current && setState({ readings }),
      (error: unknown) => current && setState({ error }),
    );
    return () => {
      current = false;
    };
  }, [seen, orgId, datasourceId]);

  const readings = state.readings;
  let content;
  if (state.error !== undefined) content = <p class="error">Chart unavailable: {describeError(state.error)}</p>;
  else if (!readings) content = <p class="hint">Loading the last 24 hours…</p>;
  else {
    const byStart = new Map(readings.hours.map((hour) => [Date.parse(hour.start), hour.mean]));
    const last = Math.floor(Date.parse(readings.to) / HOUR_MS) * HOUR_MS;
    const bars = Array.from({ length: HOURS }, (_unused, index) => {
      const start = last - (HOURS - 1 - index) * HOUR_MS;
      return { label: hourLabel(start), values: [byStart.get(start)] };
    });
    const means = readings.hours.map((hour) => hour.mean);
    const summary =
      means.length === 0
        ? 'no readings in these hours'
        : `hourly means from ${Math.min(...means).toFixed(1)} to ${Math.max(...means).toFixed(1)} ${readings.unit}, ${means.length} of ${HOURS} hours with readings`;
    content = (
      <BarChart
        title={`PM2.5 at ${props.name}, last 24 hours (UTC)`}
        summary={summary}
        bars={bars}
        series={[{ name: 'PM2.5 hourly mean', tone: 'series-0' }]}
        unit={readings.unit}
        labelHeading="Hour (UTC)"
      />
    );
  }
  return <div ref={box}>{content}</div>;
}
