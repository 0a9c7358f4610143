import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { writeLog } from '../observability/logger';
import { deleteNow, putNowUnless, updateNow, type ItemKey } from '../store/table';
import type { ApplicationPrincipal, PersonPrincipal } from '../identity/principal';
import {
  IDEMPOTENCY_WINDOW_SECONDS,
  IDEMPOTENT_REPLAYED_HEADER,
  IdempotencyKeyInUseError,
  IdempotencyKeyReusedError,
  idempotencyKeyOf,
} from './idempotency-key';

/**
 * Idempotent retries: a POST that takes an `Idempotency-Key` header runs once per key and
 * caller. The first request records the key as running; the same key with the same request
 * within 24 hours replays the first answer (status, headers and body, with
 * `Idempotent-Replayed: true`) and runs nothing; the same key with another request is 422
 * `idempotency_key_reused`; while the first is still running, 409 `idempotency_key_in_use`.
 *
 * The record, one item per caller and key (docs/architecture.md):
 * `PK = IDEMPOTENCY#PERSON#<sub>` or `IDEMPOTENCY#APP#<applicationId>`,
 * `SK = KEY#<sha256 of the key>`, with the request's digest, the status, until when a running
 * request may hold the key (its function's time left), `ttl` (24 hours on) and, once answered,
 * the answer encrypted with a key derived from the caller's own `Idempotency-Key` (answers can
 * carry a new API key in plaintext; the table holds only ciphertext and a digest of the key).
 *
 * The same protocol as Powertools Idempotency (conditional put of an in-progress record, the
 * answer saved on success, the record deleted on failure), written with the table's verbs: the
 * package and its JMESPath engine weigh 44 KB in every bundle that carries them, and the
 * report-request route would have stood at 1.50 of the bench's floor (docs/performance.md).
 */

const digest = (label: string, ...parts: string[]) =>
  createHash('sha256')
    .update([label, ...parts].join('\u0000'))
    .digest();

/** JSON with object keys sorted, so that the same body in another key order is the same request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The request a key stands for: method, path and body (parsed, so spacing and key order do not count). */
function requestDigest(event: APIGatewayProxyEvent): string {
  let body: unknown = event.body ?? '';
  if (typeof event.body === 'string' && event.body !== '') {
    const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return digest('datagate idempotency request', event.httpMethod, event.path, canonicalJson(body)).toString('base64url');
}

function scopeOf(principal: PersonPrincipal | ApplicationPrincipal): string {
  return principal.type === 'person' ? `PERSON#${principal.sub}` : `APP#${principal.applicationId}`;
}

/** The record's key: the caller's partition, the key's digest (the key itself is never stored). */
export function idempotencyRecordKey(principal: PersonPrincipal | ApplicationPrincipal, key: string): ItemKey {
  return {
    PK: `IDEMPOTENCY#${scopeOf(principal)}`,
    SK: `KEY#${digest('datagate idempotency key', key).toString('base64url')}`,
  };
}

// The answer is sealed with AES-256-GCM under a key only the caller's Idempotency-Key yields.
function answerKey(principal: PersonPrincipal | ApplicationPrincipal, key: string): Buffer {
  return digest('datagate idempotency answer', scopeOf(principal), key);
}

function seal(answer: APIGatewayProxyResult, secret: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(answer), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

function unseal(text: string, secret: Buffer): APIGatewayProxyResult {
  const raw = Buffer.from(text, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return JSON.parse(
    Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'),
  ) as APIGatewayProxyResult;
}

interface IdempotencyRecord {
  status: 'running' | 'answered';
  request: string;
  runningUntil: number;
  ttl: number;
  answer?: string;
}

/**
 * Runs `respond` at most once per caller and `Idempotency-Key` (see above). A request without
 * the header runs as it is. `millisLeft` is the function's time left: a running record whose
 * function timed out frees its key then. An error of `respond` (any answer that is not a
 * success) frees the key, so the retry runs again.
 */
export async function runIdempotently(
  event: APIGatewayProxyEvent,
  principal: PersonPrincipal | ApplicationPrincipal,
  millisLeft: () => number,
  respond: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  const key = idempotencyKeyOf(event);
  if (key === undefined) return respond();
  const recordKey = idempotencyRecordKey(principal, key);
  const request = requestDigest(event);
  const now = Date.now();
  const record = {
    ...recordKey,
    type: 'idempotency',
    status: 'running',
    request,
    runningUntil: now + millisLeft(),
    ttl: Math.floor(now / 1000) + IDEMPOTENCY_WINDOW_SECONDS,
  };
  // Written unless a live record holds the key: none, one past its window (TTL deletes late),
  // or a running one whose function ran out of time.
  const existing = await putNowUnless(record, {
    condition: 'attribute_not_exists(PK) OR #ttl < :nowSeconds OR (#status = :running AND #runningUntil < :now)',
    names: { '#ttl': 'ttl', '#status': 'status', '#runningUntil': 'runningUntil' },
    values: { ':nowSeconds': Math.floor(now / 1000), ':running': 'running', ':now': now },
  });
  if (existing) {
    const held = existing as unknown as IdempotencyRecord;
    if (held.request !== request) throw new IdempotencyKeyReusedError();
    if (held.status !== 'answered' || held.answer === undefined) throw new IdempotencyKeyInUseError();
    const answer = unseal(held.answer, answerKey(principal, key));
    return { ...answer, headers: { ...answer.headers, [IDEMPOTENT_REPLAYED_HEADER]: 'true' } };
  }

  let answer: APIGatewayProxyResult;
  try {
    answer = await respond();
  } catch (error) {
    // No answer to keep: free the key for the retry (only this run's record).
    await deleteNow(recordKey, {
      condition: '#status = :running AND #runningUntil = :until',
      names: { '#status': 'status', '#runningUntil': 'runningUntil' },
      values: { ':running': 'running', ':until': record.runningUntil },
    }).catch(() => undefined);
    throw error;
  }
  // The answer is sent even if keeping it fails: the key then stays running until the function's
  // time is up, and a retry after that runs again.
  await updateNow(
    recordKey,
    { set: { status: 'answered', answer: seal(answer, answerKey(principal, key)) } },
    {
      condition: '#request = :request AND #runningUntil = :until',
      names: { '#request': 'request', '#runningUntil': 'runningUntil' },
      values: { ':request': request, ':until': record.runningUntil },
    },
  ).catch((error: unknown) => writeLog('error', 'idempotent answer not kept', { status: answer.statusCode }, error));
  return answer;
}
