import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { getDataBucket, getEnvironmentCredentials } from '../platform/config';
import { localS3, s3Region } from './s3-location';

/**
 * Time-limited download links to objects of the data bucket (S3 pre-signed GET URLs, SigV4).
 * Signing needs no S3 client, only the object's address and the function's credentials, so the
 * report routes that hand out links carry the signer (a few KB) instead of the S3 client (about
 * 130 KB of their bundle). The links equal `getSignedUrl` with the S3 client blob-store.ts makes, for
 * the same object, credentials and time: test/unit/download-links.test.ts holds them side by side.
 */

type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): string | Uint8Array {
  if (typeof data === 'string') return data;
  return ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
}

/** SHA-256 and HMAC-SHA-256 in the shape SigV4 takes (`@smithy/hash-node`'s, from node:crypto). */
class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }

  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Lambda hands a function its role's credentials in these variables. */
function environmentCredentials(): Credentials {
  const { accessKeyId, secretAccessKey, sessionToken } = getEnvironmentCredentials();
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('Configuration error: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set.');
  }
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
}

/** S3's encoding of a key in a path: each segment URI-encoded, `!'()*` included. */
function keyPath(key: string): string {
  return key
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** A bucket name S3 serves as a host name over HTTPS (no dots, DNS-safe); others go path-style. */
function virtualHostable(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);
}

interface Address {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
}

/** Where a plain GET of the object goes: the local server path-style, or S3's regional endpoint. */
function objectAddress(bucket: string, key: string, region: string): Address {
  const local = localS3();
  if (local) {
    const base = new URL(local.endpoint);
    return {
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path: `${base.pathname.replace(/\/$/, '')}/${bucket}/${keyPath(key)}`,
    };
  }
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return virtualHostable(bucket)
    ? { protocol: 'https:', hostname: `${bucket}.s3.${region}.${domain}`, path: `/${keyPath(key)}` }
    : { protocol: 'https:', hostname: `s3.${region}.${domain}`, path: `/${bucket}/${keyPath(key)}` };
}

/** A link that downloads `key` of `bucket` with a plain GET until it expires. */
export async function presignObjectUrl(
  bucket: string,
  key: string,
  expiresInSeconds: number,
  options: { credentials?: Credentials; region?: string; signingDate?: Date } = {},
): Promise<string> {
  const region = options.region ?? s3Region();
  const credentials = options.credentials ?? localS3()?.credentials ?? environmentCredentials();
  const address = objectAddress(bucket, key, region);
  const host = address.port === undefined ? address.hostname : `${address.hostname}:${address.port}`;
  const presigner = new S3RequestPresigner({ credentials, region, sha256: Sha256 });
  const signed = await presigner.presign(
    // `x-id` names the operation, as the S3 client's links do.
    { method: 'GET', ...address, query: { 'x-id': 'GetObject' }, headers: { host } },
    { expiresIn: expiresInSeconds, ...(options.signingDate ? { signingDate: options.signingDate } : {}) },
  );
  const query = Object.entries(signed.query ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `${name}=${encodeURIComponent(String(v))}`))
    .join('&');
  return `${address.protocol}//${host}${address.path}?${query}`;
}

/** A time-limited link to an object of the data bucket. */
export function presignDownload(key: string, expiresInSeconds: number): Promise<string> {
  return presignObjectUrl(getDataBucket(), key, expiresInSeconds);
}
