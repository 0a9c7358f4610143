import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { walkthroughScript } from '../../lib/local/walkthrough';
import { isRunning, killLeftovers, pidIn, startNpmStart, waitUntilGone, type NpmStart } from '../support/npm-start';

/**
 * The first `npm start` on a fresh folder, as a newcomer runs it: it prints the README's
 * walk-through with this run's values, the demo key it prints answers minute, hour and day
 * queries with the demo's measurements, and SIGTERM to npm stops everything it started.
 */

let dataDir: string;
let run: NpmStart;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'datagate-start-'));
  run = startNpmStart(dataDir);
  await run.waitFor('Stop with Ctrl-C.');
}, 180_000);

afterAll(async () => {
  if (run.child.exitCode === null) run.child.kill('SIGKILL');
  killLeftovers(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

interface Row {
  datasourceId: string;
  time: string;
  metric: string;
  value: number;
}

async function recent(org: string, outputFrequency: string, metricSelect?: string): Promise<Row[]> {
  const response = await fetch(`${run.url()}/v2/recent-datasource-measurements-query`, {
    method: 'POST',
    headers: { 'x-api-key': run.demoKey(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ org, allDatasources: true, outputFrequency, ...(metricSelect ? { metricSelect } : {}) }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { data: Row[] }).data;
}

describe('the first npm start', () => {
  it("prints the README's walk-through with this run's URL and Riverside's id filled in", () => {
    const orgId = /"Riverside City Council" \((org_\w+)/.exec(run.output())![1]!;
    expect(run.output()).toContain(walkthroughScript({ api: run.url(), orgId }));
  });

  it('the printed demo key answers non-empty minute, hour and day queries in both demo orgs', async () => {
    const whoami = await fetch(`${run.url()}/v2/whoami`, { headers: { 'x-api-key': run.demoKey() } });
    expect(whoami.status).toBe(200);
    const { orgs } = (await whoami.json()) as { orgs: { org: string }[] };
    expect(orgs).toHaveLength(2);
    const now = Date.now();
    for (const { org } of orgs) {
      const minute = await recent(org, 'minute', 'only pm2_5ConcMassIndividual');
      expect(minute.length).toBeGreaterThan(0);
      expect(minute.every((row) => now - Date.parse(row.time) <= 24 * 3600_000)).toBe(true);
      const hour = await recent(org, 'hour', 'only pm2_5ConcMass1HourMean');
      expect(new Set(hour.map((row) => row.time)).size).toBeGreaterThanOrEqual(47);
      const day = await recent(org, 'day', 'only pm2_5ConcMass24HourMean');
      expect(new Set(day.map((row) => row.time)).size).toBe(10);
    }
  });

  it("the demo measurements have a daily pattern: Riverside's NO2 at the morning rush hour is well above the night's", async () => {
    const riverside = /"Riverside City Council" \((org_\w+)/.exec(run.output())![1]!;
    const rows = await recent(riverside, 'hour', 'only no2Conc1HourMean');
    const byHour = (from: number, to: number) => {
      const values = rows.filter((row) => {
        const hour = new Date(row.time).getUTCHours();
        return hour >= from && hour <= to;
      });
      return values.reduce((sum, row) => sum + row.value, 0) / values.length;
    };
    expect(byHour(7, 9)).toBeGreaterThan(1.5 * byHour(1, 4));
  });

  it('SIGTERM to the npm process stops npm, node and DynamoDB Local', async () => {
    const node = pidIn(dataDir, 'npm-start.pid')!;
    const java = pidIn(dataDir, 'dynamodb.pid')!;
    expect([isRunning(node), isRunning(java)]).toEqual([true, true]);
    run.child.kill('SIGTERM');
    await run.exited;
    expect([await waitUntilGone(node), await waitUntilGone(java)]).toEqual([true, true]);
    expect([pidIn(dataDir, 'npm-start.pid'), pidIn(dataDir, 'dynamodb.pid')]).toEqual([undefined, undefined]);
    expect(run.output()).toContain('SIGTERM: stopping the API and DynamoDB Local');
  });
});
