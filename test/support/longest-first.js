import Sequencer from '@jest/test-sequencer';

/**
 * Jest's order, with the suites known to be long started first on a clean clone too. Jest runs
 * the suites whose durations its cache holds longest first, and the others (all of them on a
 * clean clone, as in CI) by file size, which started bench-smoke (47 s then, a small file) near the
 * end: one worker then ran it alone while the other had finished. Longest first keeps both
 * workers busy to the end. The cache's durations still win when it has them; a stale figure
 * here only changes the order. Seconds of each suite in a whole `npm test` on a 2-core machine (at face700, other work keeping the load at 1.5 to 5.6).
 */
const KNOWN_SECONDS = {
  'test/integration/bench-smoke.test.ts': 83,
  'test/browser/console.test.ts': 72,
  'test/integration/start-local-history.test.ts': 71,
  'test/integration/dynamodb-faults.test.ts': 69,
  'test/integration/start-local.test.ts': 44,
  'test/infra/operations.test.ts': 43,
  'test/integration/fuzz-routes.test.ts': 42,
  'test/integration/whole-answers.test.ts': 32,
  'test/browser/application-owner.test.ts': 31,
  'test/integration/dynamodb-outage.test.ts': 30,
  'test/infra/deployed-bundles.test.ts': 27,
  'test/integration/idempotent-retries.test.ts': 25,
  'test/integration/ingest-concurrency.test.ts': 20,
  'test/integration/data-measurements.test.ts': 20,
  'test/integration/city-of-connections.test.ts': 15,
  'test/integration/keys.test.ts': 12,
  'test/integration/applications-and-connections.test.ts': 12,
  'test/integration/authorization-matrix.test.ts': 12,
  'test/integration/reports.test.ts': 11,
  'test/integration/readme.test.ts': 9,
};

export default class LongestFirst extends Sequencer {
  sort(tests) {
    const seconds = (test) => {
      const known = KNOWN_SECONDS[test.path.slice(test.context.config.rootDir.length + 1).replaceAll('\\', '/')];
      if (test.duration != null) return test.duration / 1000;
      // Unknown and short: after the known ones, the bigger files first (Jest's own guess).
      return known ?? (test.context.hasteFS.getSize(test.path) ?? 0) / 1e6;
    };
    // Jest's sort reads the cache: failed suites first, then its durations (set on each test).
    const sorted = super.sort(tests);
    const failed = new Set(sorted.filter((test) => this.hasFailed(test)));
    return [...sorted].sort((a, b) => Number(failed.has(b)) - Number(failed.has(a)) || seconds(b) - seconds(a));
  }
}
