/**
 * Clarity's metrics selector (`metricSelect`): a set built left to right, case-insensitive.
 * Start: `default`, `all` or absent (every metric: Datagate has no narrower default set), or
 * `none` / `only` (the empty set). Then `+ pattern` adds and `- pattern` removes; a bare
 * pattern after the start adds. `*` matches any text; `:name` is a category, matched as a
 * prefix (`:pm25` as `pm2_5*`). Commas separate patterns like `+` (some clients send
 * `a,b,c`, which Clarity does not document).
 */

type Step = { add: boolean; pattern: RegExp };

const CATEGORY_PREFIXES: Record<string, string> = { pm25: 'pm2_5', pm10: 'pm10', pm1: 'pm1' };

function patternOf(token: string): RegExp {
  let glob = token;
  if (glob.startsWith(':')) {
    const category = glob.slice(1).toLowerCase();
    glob = `${CATEGORY_PREFIXES[category] ?? category}*`;
  }
  const source = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}

/** A predicate on output metric names; `undefined` or blank selects every metric. */
export function metricFilter(metricSelect: string | null | undefined): (metric: string) => boolean {
  const tokens = (metricSelect ?? '')
    .replace(/,/g, ' + ')
    .split(/([+-])|\s+/)
    .filter((token): token is string => token !== undefined && token.trim() !== '');
  let startsFull = true;
  if (tokens.length > 0 && /^(default|all|none|only)$/i.test(tokens[0]!)) {
    startsFull = /^(default|all)$/i.test(tokens.shift()!);
  } else if (tokens.length > 0) {
    startsFull = false; // "a,b" with no start token names what is wanted
  }
  const steps: Step[] = [];
  let add = true;
  for (const token of tokens) {
    if (token === '+' || token === '-') add = token === '+';
    else steps.push({ add, pattern: patternOf(token) });
  }
  return (metric) => steps.reduce((selected, step) => (step.pattern.test(metric) ? step.add : selected), startsFull);
}
