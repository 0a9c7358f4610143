import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { getDataBucket } from '../platform/config';
import { sdkTimeouts } from '../platform/sdk-timeouts';
import { localS3, s3Region } from './s3-location';
import { instrumented } from '../observability/client-instrumentation';

/**
 * The data bucket (S3): the measurement archive and report files, read and written by the
 * workers. One client per container, created on first use (s3-location.ts says where S3 is).
 * Routes that only hand out download links use download-links.ts, which signs without this
 * client, so their bundles do not carry the S3 client.
 */

let client: S3Client | undefined;

function s3(): S3Client {
  if (client) return client;
  const local = localS3();
  client = instrumented(
    new S3Client({
      ...sdkTimeouts('s3'),
      region: s3Region(),
      ...(local ? { endpoint: local.endpoint, forcePathStyle: true, credentials: local.credentials } : {}),
      // Checksums only where S3 requires them: the local server does not speak the chunked
      // trailer encoding the SDK would otherwise use, and every body here is a complete buffer.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    }),
  );
  return client;
}

/** The object's bytes, or undefined when there is no such object. */
export async function readObject(key: string): Promise<Uint8Array | undefined> {
  try {
    const answer = await s3().send(new GetObjectCommand({ Bucket: getDataBucket(), Key: key }));
    return answer.Body ? await answer.Body.transformToByteArray() : new Uint8Array();
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** Writes (or overwrites) an object whole. */
export async function writeObject(
  key: string,
  body: Uint8Array,
  headers: Pick<PutObjectCommandInput, 'ContentType' | 'ContentEncoding' | 'ContentDisposition'> = {},
): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: getDataBucket(), Key: key, Body: body, ...headers }));
}
