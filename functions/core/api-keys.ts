import { createHash, randomBytes } from 'node:crypto';

/**
 * API key format: `dgk_` + 43 base62 characters (256 random bits) + 6 base62 characters of
 * CRC-32 over the random part. The checksum lets a mistyped or truncated key be refused
 * without a database read, and the fixed prefix and length let secret scanners find leaked keys.
 * Only the SHA-256 digest is stored; the plaintext exists in the one response that issues it.
 */

export const API_KEY_PREFIX = 'dgk_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_LENGTH = 43;
const CHECKSUM_LENGTH = 6;
const KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}[0-9A-Za-z]{${RANDOM_LENGTH + CHECKSUM_LENGTH}}$`);

function toBase62(value: bigint, length: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = BASE62[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(length, '0');
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(text: string): number {
  let crc = 0xffffffff;
  for (let i = 0; i < text.length; i++) crc = CRC_TABLE[(crc ^ text.charCodeAt(i)) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function checksum(randomPart: string): string {
  return toBase62(BigInt(crc32(randomPart)), CHECKSUM_LENGTH);
}

/** A newly issued key: the plaintext (to show once), its digest (to store) and its hint (to list). */
export interface IssuedApiKey {
  key: string;
  digest: string;
  hint: string;
}

/** Issues a new random API key. */
export function issueApiKey(): IssuedApiKey {
  const randomPart = toBase62(BigInt(`0x${randomBytes(32).toString('hex')}`), RANDOM_LENGTH);
  const key = `${API_KEY_PREFIX}${randomPart}${checksum(randomPart)}`;
  return { key, digest: digestApiKey(key), hint: apiKeyHint(key) };
}

/**
 * Whether `candidate` is well formed: prefix, length, alphabet and checksum. A key that fails
 * this is refused without touching the database.
 */
export function isWellFormedApiKey(candidate: string): boolean {
  if (!KEY_PATTERN.test(candidate)) return false;
  const body = candidate.slice(API_KEY_PREFIX.length);
  const randomPart = body.slice(0, RANDOM_LENGTH);
  return checksum(randomPart) === body.slice(RANDOM_LENGTH);
}

/** The one-way digest under which a key is stored and looked up (hex SHA-256). */
export function digestApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** What listings show instead of the key: the prefix and the last 4 characters. */
export function apiKeyHint(key: string): string {
  return `${API_KEY_PREFIX}...${key.slice(-4)}`;
}
