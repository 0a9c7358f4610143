/**
 * What `npm run bench` measures: the figures, their targets, and the cases that produce them.
 * A case is one function from the bench settings to some figures.
 */

export interface BenchSettings {
  /** Samples of each side of an interleaved comparison (the issue asks for at least 200). */
  samples: number;
  /** Fresh Node.js processes per bundle for `init.*`. */
  initSamples: number;
  /**
   * The routes bundled for `bundle.maxRoute*` and `init.maxRoute*`: `all` (the figures are the
   * largest route's), or the first n of the route table (the smoke run: the case runs through).
   */
  bundleRoutes: number | 'all';
  /** Warm verifications timed for `verify.hitMicros`. */
  hitSamples: number;
  /** Verifications whose DynamoDB requests are counted. */
  countSamples: number;
  /** Seconds of load for `e2e.rps`. */
  rpsSeconds: number;
  /** Days of one datasource's minutes behind the day `query.history30dVs1d` reads. */
  historyDays: number;
  /** Other datasources in the org of `query.othersVsAlone`, and the hours of recent minutes each holds. */
  otherDatasources: number;
  otherHours: number;
  /** Datasources, and minutes of each, of the whole minute answer `query.streamRssGrowthMB` streams (the issue: 200 and a day). */
  streamDatasources: number;
  streamMinutes: number;
  /** Seconds of mixed load for `soak.*`. */
  soakSeconds: number;
  /** Datasources and days of minutes of the report `report.rowsPerSecond` times (the issue: 20 and 7). */
  reportDatasources: number;
  reportDays: number;
}

export type Figures = Record<string, number>;

export interface Target {
  /** How the table shows it: `<= 1.3`, `= 1`, `report`. */
  label: string;
  met(value: number): boolean;
}

const atMost = (limit: number): Target => ({ label: `<= ${limit}`, met: (value) => value <= limit });
const exactly = (wanted: number): Target => ({ label: `= ${wanted}`, met: (value) => value === wanted });
const report: Target = { label: 'report', met: () => true };

/** The figures the issue asks for, in the order of the table. Other keys are context. */
export const TARGETS: Record<string, Target> = {
  'verify.missVsGetItem': atMost(1.3),
  'verify.dynamoCallsMiss': exactly(1),
  'verify.dynamoCallsHit': exactly(0),
  'verify.hitMicros': atMost(50),
  'verify.orgs100Vs1': atMost(1.5),
  'verify.guestOrgs100Vs1': atMost(1.5),
  'query.history30dVs1d': atMost(1.2),
  'query.cpuVsFloor': atMost(1.5),
  'query.streamRssGrowthMB': atMost(64),
  'query.wholeAnswerSeconds': report,
  'query.wholeAnswerBytes': report,
  'query.wholeAnswerGzipBytes': report,
  'query.othersVsAlone': atMost(1.2),
  'ingest.batch500VsFloor': atMost(1.5),
  'ingest.concurrent10VsOne': atMost(2),
  'ingest.concurrent10VsSeparate': atMost(1.5),
  'ingest.spreadBatchVsFloor': atMost(1.5),
  'query.hourItemsRead': atMost(100),
  'query.dayItemsRead': atMost(300),
  'ingest.rollupWriteOverhead': atMost(1.1),
  'e2e.datasourcesOverFloor': atMost(1.5),
  'bundle.authorizerVsFloor': atMost(1.5),
  'init.authorizerVsFloor': atMost(1.5),
  'bundle.maxRouteVsFloor': atMost(1.5),
  'init.maxRouteVsFloor': atMost(1.5),
  'init.handlerWithLoggingVsFloor': atMost(1.5),
  'console.bundleGzipBytes': atMost(150000),
  'e2e.rps': report,
  'soak.errors': exactly(0),
  'soak.lostMeasurements': exactly(0),
  'soak.heapGrowthMB': atMost(50),
  'soak.rssGrowthMB': report,
  'soak.p99Millis': report,
  'archive.bytesPerValue': atMost(6),
  'report.rowsPerSecond': report,
};

export interface BenchCase {
  name: string;
  /** The target keys it produces. */
  keys: string[];
  /** Why it does not run yet; absent once it does. */
  pending?: string;
  run?(settings: BenchSettings): Promise<Figures>;
}

/** Every case; loaded after DynamoDB Local is up and its endpoint is in the environment, which the shared client reads when it is made. */
export async function loadCases(): Promise<BenchCase[]> {
  const [
    { verifyCases, verifyGuestOrgsCases },
    { queryCases },
    { streamCases },
    { ingestCases },
    { e2eCases },
    { bundleCases },
    { rollupCases },
    { consoleCases },
    { soakCases },
    { reportCases },
  ] = await Promise.all([
    import('./verify-cases'),
    import('./query-cases'),
    import('./stream-cases'),
    import('./ingest-cases'),
    import('./e2e-cases'),
    import('./bundle-cases'),
    import('./rollup-cases'),
    import('./console-cases'),
    import('./soak-cases'),
    import('./report-cases'),
  ]);
  return [
    {
      name: 'verify',
      keys: ['verify.missVsGetItem', 'verify.dynamoCallsMiss', 'verify.dynamoCallsHit', 'verify.hitMicros', 'verify.orgs100Vs1'],
      run: verifyCases,
    },
    { name: 'verify-guests', keys: ['verify.guestOrgs100Vs1'], run: verifyGuestOrgsCases },
    { name: 'query', keys: ['query.history30dVs1d', 'query.othersVsAlone', 'query.cpuVsFloor'], run: queryCases },
    {
      name: 'stream',
      keys: ['query.streamRssGrowthMB', 'query.wholeAnswerSeconds', 'query.wholeAnswerBytes', 'query.wholeAnswerGzipBytes'],
      run: streamCases,
    },
    {
      name: 'ingest',
      keys: ['ingest.batch500VsFloor', 'ingest.concurrent10VsOne', 'ingest.concurrent10VsSeparate', 'ingest.spreadBatchVsFloor'],
      run: ingestCases,
    },
    { name: 'rollups', keys: ['query.hourItemsRead', 'query.dayItemsRead', 'ingest.rollupWriteOverhead'], run: rollupCases },
    { name: 'e2e', keys: ['e2e.datasourcesOverFloor', 'e2e.rps'], run: e2eCases },
    {
      name: 'bundle',
      keys: [
        'bundle.authorizerVsFloor',
        'init.authorizerVsFloor',
        'bundle.maxRouteVsFloor',
        'init.maxRouteVsFloor',
        'init.handlerWithLoggingVsFloor',
      ],
      run: bundleCases,
    },
    { name: 'console', keys: ['console.bundleGzipBytes'], run: consoleCases },
    {
      name: 'soak',
      keys: ['soak.errors', 'soak.lostMeasurements', 'soak.heapGrowthMB', 'soak.rssGrowthMB', 'soak.p99Millis'],
      run: soakCases,
    },
    { name: 'report', keys: ['archive.bytesPerValue', 'report.rowsPerSecond'], run: reportCases },
  ];
}
