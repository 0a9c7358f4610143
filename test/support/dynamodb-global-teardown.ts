export default async function teardown(): Promise<void> {
  await (globalThis as { __S3__?: { stop(): Promise<void> } }).__S3__?.stop();
  await (globalThis as { __DYNAMODB__?: { stop(): Promise<void> } }).__DYNAMODB__?.stop();
}
