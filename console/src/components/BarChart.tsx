import { useId } from 'preact/hooks';

/** One bar position (an hour, a day) and its value in each series; `undefined` is no data. */
export interface Bar {
  /** Short label under the chart and in the table (`14:00`, `3 Dec`). */
  label: string;
  values: (number | undefined)[];
}

export interface Series {
  name: string;
  /** CSS class that colours the series (`series-0`, `series-1`). */
  tone: 'series-0' | 'series-1';
}

const WIDTH = 240;
const HEIGHT = 64;
const GAP = 1;

/**
 * A small bar chart in SVG (no chart library: a day of hours or a month of days is a few dozen
 * rectangles). Named for screen readers: the SVG is an image whose name says what it shows and
 * its range, and the numbers are one click away as a table (`<details>`), so nobody has to read
 * a picture. Series are drawn side by side within each bar position.
 */
export function BarChart(props: {
  /** The chart's name: what, where and when ("PM2.5 at High Street, last 24 hours"). */
  title: string;
  /** The summary a screen reader says after the title (range, latest value). */
  summary: string;
  bars: Bar[];
  series: Series[];
  unit: string;
  /** Heading of the table's first column ("Hour (UTC)", "Day"). */
  labelHeading: string;
  /** Decimals shown (1 for concentrations, 0 for counts). */
  decimals?: number;
  /** False when the series' names say the unit already ("Requests"): the table's headings are the names alone. */
  unitInHeadings?: boolean;
}) {
  const format = (value: number) => value.toFixed(props.decimals ?? 1);
  const titleId = useId();
  const values = props.bars.flatMap((bar) => bar.values.filter((value): value is number => value !== undefined));
  // The bars' scale is the highest value; an empty chart says why ("max 1 requests" over no bar
  // read as a request nobody could see).
  const top = Math.max(0, ...values);
  const max = top > 0 ? top : 1;
  const scale = values.length === 0 ? 'no data' : top === 0 ? `all 0 ${props.unit}` : `max ${format(top)} ${props.unit}`;
  const slot = WIDTH / Math.max(1, props.bars.length);
  const barWidth = Math.max(1, (slot - GAP) / props.series.length);
  const first = props.bars[0]?.label;
  const last = props.bars[props.bars.length - 1]?.label;
  return (
    <div class="chart">
      <svg
        role="img"
        aria-labelledby={titleId}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        width={WIDTH}
        height={HEIGHT}
      >
        <title id={titleId}>{`${props.title}: ${props.summary}`}</title>
        <line class="axis" x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        {props.bars.map((bar, index) =>
          bar.values.map((value, seriesIndex) => {
            if (value === undefined) return null;
            const height = Math.max(1, (value / max) * (HEIGHT - 4));
            return (
              <rect
                key={`${index}-${seriesIndex}`}
                class={props.series[seriesIndex]?.tone}
                x={index * slot + seriesIndex * barWidth}
                y={HEIGHT - height}
                width={Math.max(0.5, barWidth - (props.series.length > 1 ? 0 : GAP))}
                height={height}
              />
            );
          }),
        )}
      </svg>
      <p class="chart-scale" aria-hidden="true">
        <span>{first}</span>
        <span>{scale}</span>
        <span>{last}</span>
      </p>
      <details>
        <summary>
          Numbers<span class="visually-hidden"> of {props.title}</span>
        </summary>
        <table>
          <caption class="visually-hidden">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">{props.labelHeading}</th>
              {props.series.map((series) => (
                <th scope="col" key={series.name}>
                  {props.unitInHeadings === false ? series.name : `${series.name} (${props.unit})`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.bars.map((bar) => (
              <tr key={bar.label}>
                <th scope="row">{bar.label}</th>
                {bar.values.map((value, index) => (
                  <td key={index}>{value === undefined ? '—' : format(value)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
