import { CATALOGUE, catalogueMetric } from './catalogue';

/**
 * Clarity's metrics selector (`metricSelect`), pure. Source: Clarity API guide, "Metrics selection"
 * (https://api-guide.clarity.io/v2/measurements/metrics-select/): a set built left to right,
 * case-insensitive. It starts with `default` (or nothing: the default metrics), `all` (every
 * metric of the output frequency), or `none` / `only` (the empty set). Then `+` adds and `-`
 * removes; without a sign, a term adds. `*` matches any text. `:name` is a category of the
 * catalogue (./catalogue.ts: `:pm25`, `:pm10`, `:pm1`, `:no2`, `:o3`, `:so2`, `:pollutant`,
 * `:particulate`, `:gas`, `:blackcarbon`, `:environmental`, `:ambient`, `:internal`, `:wind`,
 * `:node2`, `:aqi`). Examples from the guide: `only :no2`, `only :pollutant`, `default - *aqi*`,
 * `only *nowcast*`.
 *
 * Datagate's readings where the guide is silent: commas separate terms like `+` (clients send
 * `a,b`); a list without a start word (`a,b`) names exactly what is wanted; an unknown category
 * selects nothing. Names outside the catalogue (measurements stored before it) are in `default`
 * and `all`, and a category matches them by prefix (`:pm25` as `pm2_5*`), as before.
 */

type Step = { add: boolean; matches: (metric: string) => boolean };

const LEGACY_PREFIXES: Record<string, string> = { pm25: 'pm2_5', pm10: 'pm10', pm1: 'pm1' };

/** The category names of the catalogue, for `GET /v2/metrics` and validation. */
export const CATEGORIES: readonly string[] = [...new Set(CATALOGUE.flatMap((entry) => entry.categories))].sort();

function globOf(glob: string): RegExp {
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}

function termOf(token: string): (metric: string) => boolean {
  if (!token.startsWith(':')) {
    const pattern = globOf(token);
    return (metric) => pattern.test(metric);
  }
  const category = token.slice(1).toLowerCase();
  // pm1 must not take pm10 or pm2_5: the legacy prefix is followed by an upper-case letter.
  const legacy = LEGACY_PREFIXES[category] ?? category;
  const legacyPattern = new RegExp(`^${legacy.replace(/[.+?^${}()|[\]\\]/g, '\\$&')}(?![0-9_])`, 'i');
  return (metric) => {
    const entry = catalogueMetric(metric);
    return entry ? entry.categories.includes(category) : legacyPattern.test(metric);
  };
}

const inDefault = (metric: string) => catalogueMetric(metric)?.inDefault ?? true;

/** The terms of a selector, with `+` and `-` as tokens of their own (commas read as `+`). */
const tokensOf = (metricSelect: string | null | undefined) =>
  (metricSelect ?? '')
    .replace(/,/g, ' + ')
    .split(/([+-])|\s+/)
    .filter((token): token is string => token !== undefined && token.trim() !== '');

const CATALOGUE_NAMES = new Set(CATALOGUE.map((entry) => entry.metric.toLowerCase()));

/**
 * The plain metric names of a selector (no `*`, no `:category`, not a start word) that name no
 * metric of the catalogue, of any output frequency: a typo, or a name of another API. The guide
 * ("Metrics selection") does not say that unknown names are ignored, so the query and report
 * routes refuse them (400 naming each) rather than answer nothing for them. A name of another
 * frequency (`pm2_5ConcMass1HourMean` in a minute query) is known: clients send one selector for all.
 */
export function unknownMetricNames(metricSelect: string | null | undefined): string[] {
  return tokensOf(metricSelect).filter(
    (token) =>
      token !== '+' &&
      token !== '-' &&
      !token.includes('*') &&
      !token.startsWith(':') &&
      !/^(default|all|none|only)$/i.test(token) &&
      !CATALOGUE_NAMES.has(token.toLowerCase()),
  );
}

/** A predicate on answer metric names. `undefined` or blank selects the default metrics. */
export function metricFilter(metricSelect: string | null | undefined): (metric: string) => boolean {
  const tokens = tokensOf(metricSelect);
  let start: (metric: string) => boolean = inDefault;
  if (tokens.length > 0 && /^(default|all|none|only)$/i.test(tokens[0]!)) {
    const word = tokens.shift()!.toLowerCase();
    start = word === 'default' ? inDefault : word === 'all' ? () => true : () => false;
  } else if (tokens.length > 0 && tokens[0] !== '+' && tokens[0] !== '-') {
    start = () => false; // "a,b" with no start word names what is wanted
  }
  const steps: Step[] = [];
  let add = true;
  for (const token of tokens) {
    if (token === '+' || token === '-') add = token === '+';
    else steps.push({ add, matches: termOf(token) });
  }
  return (metric) => steps.reduce((selected, step) => (step.matches(metric) ? step.add : selected), start(metric));
}
