import { randomBytes } from 'node:crypto';

/**
 * Server-issued identifiers: a kind prefix and 24 base32 characters (120 random bits), or for
 * events a time-ordered body so that a Query on the sort key reads them newest first.
 * Ids that do not match their shape are refused before they reach the database.
 */

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case

export const ID_PREFIXES = {
  org: 'org',
  application: 'app',
  key: 'key',
  datasource: 'ds',
  event: 'evt',
  report: 'rpt',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

const BODY_LENGTH = 24;

function encodeRandom(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 31];
  return out;
}

function encodeTime(millis: number): string {
  let out = '';
  let rest = millis;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** A fresh id of the given kind, e.g. `org_3f9k...`. Event ids sort by creation time. */
export function newId(kind: IdKind, now = Date.now()): string {
  const body = kind === 'event' ? encodeTime(now) + encodeRandom(BODY_LENGTH - 10) : encodeRandom(BODY_LENGTH);
  return `${ID_PREFIXES[kind]}_${body}`;
}

const patterns = Object.fromEntries(
  Object.entries(ID_PREFIXES).map(([kind, prefix]) => [kind, new RegExp(`^${prefix}_[${ALPHABET}]{${BODY_LENGTH}}$`)]),
) as Record<IdKind, RegExp>;

/** Whether `value` has the server's shape for ids of this kind. */
export function isId(kind: IdKind, value: string): boolean {
  return patterns[kind].test(value);
}

/** The regular expression source for an id kind, for schemas and the OpenAPI document. */
export function idPattern(kind: IdKind): string {
  return patterns[kind].source;
}
