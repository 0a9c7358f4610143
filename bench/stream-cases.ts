import { createGzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { createOrg } from '../functions/core/orgs/orgs';
import { createDatasource } from '../functions/core/datasources/datasources';
import { putMeasurements, type Measurement } from '../functions/core/measurements/measurements';
import type { RecentQuery } from '../functions/core/measurements/recent-measurements';
import { planRecentAnswer } from '../functions/core/measurements/recent-window';
import { recentAnswerChunks } from '../functions/core/clarity/recent-answer';
import { progress } from './sampling';
import type { BenchSettings, Figures } from './cases';

/**
 * `query.streamRssGrowthMB`, `query.wholeAnswer*`: a whole minute answer at a city network's size,
 * 200 datasources x 24 hours x 2 metrics (about 576,000 values), planned, read slice by slice and
 * rendered as the streamed route does, and gzip-encoded as for a client that accepts it, consumed
 * as a client reads it. The resident set is sampled while it streams: its growth over the
 * process's size before the answer is what one answer costs in memory (a whole answer held at
 * once would be hundreds of MB).
 */

const MINUTE_MS = 60_000;
const SEED_BATCH = 500;
const ACTOR = 'bench@example.org';

export async function streamCases(settings: BenchSettings): Promise<Figures> {
  const now = Date.now();
  const { orgId } = await createOrg('Network', ACTOR);
  const datasourceIds: string[] = [];
  for (let i = 0; i < settings.streamDatasources; i++) {
    datasourceIds.push(
      (
        await createDatasource(
          orgId,
          { name: `Node ${i}`, sourceType: 'bench', tags: [], location: { lat: 41.8, lon: -87.6 } },
          { type: 'person', id: ACTOR },
        )
      ).datasourceId,
    );
  }
  // Minute by minute, as the network reports: every datasource's day, one batch of 500 at a time.
  let batch: Measurement[] = [];
  let written = 0;
  const total = settings.streamDatasources * settings.streamMinutes;
  for (const datasourceId of datasourceIds) {
    for (let minute = 0; minute < settings.streamMinutes; minute++) {
      batch.push({
        datasourceId,
        time: new Date(now - minute * MINUTE_MS).toISOString(),
        metrics: {
          pm2_5ConcMassIndividual: 5 + (minute % 17) + Math.round(Math.random() * 100) / 100,
          no2ConcIndividual: 10 + (minute % 13),
        },
      });
      if (batch.length === SEED_BATCH) {
        await putMeasurements(orgId, batch);
        written += batch.length;
        batch = [];
        progress('stream: seeding the network', written, total);
      }
    }
  }
  if (batch.length > 0) await putMeasurements(orgId, batch);
  progress('stream: seeding the network', total, total);

  const query: RecentQuery = { allDatasources: true, outputFrequency: 'minute', format: 'json-long' };
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = process.hrtime.bigint();
  const plan = await planRecentAnswer(orgId, 'all', query, { now });
  let bytes = 0;
  let gzipBytes = 0;
  const gzip = createGzip({ level: 6 });
  gzip.on('data', (chunk: Buffer) => (gzipBytes += chunk.length));
  const finished = new Promise((resolve, reject) => gzip.on('end', resolve).on('error', reject));
  const text = Readable.from(
    (async function* () {
      for await (const chunk of recentAnswerChunks(plan, query, { org: orgId, ...query })) {
        bytes += Buffer.byteLength(chunk);
        peak = Math.max(peak, process.memoryUsage().rss);
        yield chunk;
      }
    })(),
  );
  text.pipe(gzip);
  await finished;
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  return {
    'query.streamRssGrowthMB': (peak - before) / 1024 / 1024,
    'query.wholeAnswerSeconds': seconds,
    'query.wholeAnswerValues': plan.values,
    'query.wholeAnswerBytes': bytes,
    'query.wholeAnswerGzipBytes': gzipBytes,
    'query.wholeAnswerDatasources': settings.streamDatasources,
  };
}
