import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { presignObjectUrl } from '../../functions/core/store/download-links';

// The route's signer (no S3 client in its bundle) must hand out exactly the link the S3 client's
// own presigner would: same host, path, query and signature, for the same object, credentials,
// region and moment.

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session/token+=',
};
const signingDate = new Date('2026-11-28T12:34:56Z');
// As functions/core/store/blob-store.ts configures its client.
const checksums = { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' } as const;

function sdkLink(bucket: string, key: string, region: string, expiresIn: number, endpoint?: string): Promise<string> {
  const client = new S3Client({ region, credentials, ...checksums, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) });
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn, signingDate });
}

describe('download links', () => {
  const saved = process.env.S3_ENDPOINT;
  afterEach(() => {
    if (saved === undefined) delete process.env.S3_ENDPOINT;
    else process.env.S3_ENDPOINT = saved;
  });

  it.each([
    ['a report file in us-east-1', 'datagate-data-1a2b3c', 'reports/rpt_01/measurements-part-1.csv', 'us-east-1'],
    ['another region', 'datagate-data-1a2b3c', 'reports/rpt_01/measurements.json', 'eu-west-2'],
    ['a key needing escapes', 'datagate-data-1a2b3c', "reports/x y/a+b(1)!'*~é#?.csv", 'eu-central-1'],
    ['a bucket name with dots (path-style)', 'datagate.data', 'reports/r/a.csv', 'us-west-2'],
    ['a China region', 'datagate-data', 'reports/r/a.csv', 'cn-north-1'],
  ])('in AWS equal the S3 client presigner: %s', async (_case, bucket, key, region) => {
    delete process.env.S3_ENDPOINT;
    const ours = await presignObjectUrl(bucket, key, 3600, { credentials, region, signingDate });
    expect(ours).toBe(await sdkLink(bucket, key, region, 3600));
  });

  it('against the local S3 server equal the S3 client presigner path-style, with the local credentials', async () => {
    process.env.S3_ENDPOINT = 'http://127.0.0.1:45123';
    const ours = await presignObjectUrl('datagate-local', 'reports/r 1/a.csv', 600, { region: 'us-east-1', signingDate });
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:45123',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      ...checksums,
    });
    expect(ours).toBe(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: 'datagate-local', Key: 'reports/r 1/a.csv' }), {
        expiresIn: 600,
        signingDate,
      }),
    );
  });

  it('carry the expiry they were asked for and sign with the session token', async () => {
    delete process.env.S3_ENDPOINT;
    const link = new URL(
      await presignObjectUrl('datagate-data', 'reports/r/a.csv', 900, { credentials, region: 'us-east-1', signingDate }),
    );
    expect(link.searchParams.get('X-Amz-Expires')).toBe('900');
    expect(link.searchParams.get('X-Amz-Security-Token')).toBe(credentials.sessionToken);
    expect(link.searchParams.get('X-Amz-Date')).toBe('20261128T123456Z');
  });
});
