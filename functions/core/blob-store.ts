import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { getDataBucket } from './config';

/**
 * The data bucket (S3): the measurement archive and report files. One client per container,
 * created on first use. `S3_ENDPOINT` points it at the local S3 server (`lib/local/s3-local.ts`),
 * which takes path-style addressing and its own fixed credentials; in AWS it is unset.
 */

let client: S3Client | undefined;

function s3(): S3Client {
  if (client) return client;
  const endpoint = process.env.S3_ENDPOINT;
  client = new S3Client({
    ...(endpoint
      ? {
          endpoint,
          forcePathStyle: true,
          region: process.env.AWS_REGION && process.env.AWS_REGION !== 'local' ? process.env.AWS_REGION : 'us-east-1',
          credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
        }
      : {}),
    // Checksums only where S3 requires them: the local server does not speak the chunked
    // trailer encoding the SDK would otherwise use, and every body here is a complete buffer.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
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

/** A time-limited link that downloads the object with a plain GET (S3 pre-signed URL, SigV4). */
export async function presignDownload(key: string, expiresInSeconds: number): Promise<string> {
  return getSignedUrl(s3(), new GetObjectCommand({ Bucket: getDataBucket(), Key: key }), { expiresIn: expiresInSeconds });
}
