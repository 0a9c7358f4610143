import { mkdirSync } from 'node:fs';
import S3rver from 's3rver';
import { freePort } from './dynamodb-local';

/**
 * A local S3 API (the npm package `s3rver`, pure JavaScript), started and stopped by the
 * project: the archive and report files live in `dataDir` (`.datagate/s3` under `npm start`,
 * git-ignored; a temporary folder in tests). It takes path-style URLs and the fixed
 * credentials `S3RVER`/`S3RVER` (functions/core/store/blob-store.ts uses them when S3_ENDPOINT is
 * set), and serves pre-signed GETs, so report links work from this machine. It does not check
 * their signatures or expiry as S3 does (see docs/architecture.md).
 */

export interface RunningS3 {
  endpoint: string;
  bucket: string;
  stop(): Promise<void>;
}

export async function startS3Local(options: { dataDir: string; bucket: string; port?: number }): Promise<RunningS3> {
  mkdirSync(options.dataDir, { recursive: true });
  const port = options.port ?? (await freePort());
  const server = new S3rver({
    port,
    address: '127.0.0.1',
    silent: true,
    directory: options.dataDir,
    configureBuckets: [{ name: options.bucket, configs: [] }],
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket: options.bucket,
    stop: async () => {
      // s3rver waits for idle keep-alive sockets (download links fetched by clients) before closing.
      const http = (server as unknown as { httpServer?: { closeAllConnections?: () => void } }).httpServer;
      const closing = server.close();
      http?.closeAllConnections?.();
      await closing;
    },
  };
}
