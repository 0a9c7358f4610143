import { getAwsRegion, getS3Endpoint } from '../platform/config';

/**
 * Where the data bucket's S3 is: in AWS, the region's S3 with the function's own credentials;
 * locally, the S3 server `lib/local/s3-local.ts` starts, named by `S3_ENDPOINT`, which takes
 * path-style addressing and its own fixed credentials. Shared by the S3 client (blob-store.ts)
 * and the download links (download-links.ts), so the two always address the same place.
 */

export interface LocalS3 {
  /** The server's base URL, e.g. `http://127.0.0.1:4569`. */
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The local S3 server, or undefined in AWS. */
export function localS3(): LocalS3 | undefined {
  const endpoint = getS3Endpoint();
  if (!endpoint) return undefined;
  return { endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } };
}

/** The region requests are signed for (the local server accepts any; `local` is not a region). */
export function s3Region(): string {
  const region = getAwsRegion();
  return region && region !== 'local' ? region : 'us-east-1';
}
