import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP allowlists of API keys (`allowedCidrs`): parsing and matching of IPv4 and IPv6 CIDR
 * ranges. Pure: no I/O, so the admin schemas validate with it and the API key authorizer
 * matches with it.
 */

/** At most this many ranges on one key. */
export const MAX_ALLOWED_CIDRS = 20;

interface ParsedRange {
  family: 4 | 6;
  network: bigint;
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, part) => (value << 8n) | BigInt(Number(part)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  // An embedded IPv4 tail (`::ffff:192.0.2.1`) becomes two hex groups.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const value = ipv4ToBigInt(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(value >> 16n).toString(16)}:${(value & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

/**
 * An address as a family and number. An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, what a
 * dual-stack socket reports for an IPv4 client) is its IPv4 address. Undefined when it is not
 * an address.
 */
export function parseAddress(address: string): { family: 4 | 6; value: bigint } | undefined {
  const bare = address.trim().replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, value: ipv4ToBigInt(bare) };
  if (!isIPv6(bare)) return undefined;
  const value = ipv6ToBigInt(bare);
  if (value >> 32n === IPV4_MAPPED_PREFIX >> 32n) return { family: 4, value: value & 0xffffffffn };
  return { family: 6, value };
}

/**
 * Parses a CIDR (`192.0.2.0/24`, `2001:db8::/32`; a bare address is one host). Answers the
 * reason when it is not one, in words for the 400's details.
 */
export function parseCidr(cidr: string): ParsedRange | { problem: string } {
  const [address = '', prefixText, extra] = cidr.split('/');
  if (extra !== undefined) return { problem: `"${cidr}" is not a CIDR range (one "/" at most).` };
  if (address.includes('%') || (!isIPv4(address) && !isIPv6(address))) {
    return { problem: `"${cidr}" is not a CIDR range: "${address}" is not an IPv4 or IPv6 address.` };
  }
  const family: 4 | 6 = isIPv4(address) ? 4 : 6;
  const bits = BITS[family];
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return { problem: `"${cidr}" is not a CIDR range: the prefix length must be a number from 0 to ${bits}.` };
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return { problem: `"${cidr}" is not a CIDR range: an IPv${family} prefix is at most /${bits}.` };
  const value = family === 4 ? ipv4ToBigInt(address) : ipv6ToBigInt(address);
  const hostBits = BigInt(bits - prefix);
  const network = (value >> hostBits) << hostBits;
  if (network !== value) {
    return {
      problem: `"${cidr}" has bits set after its /${prefix} prefix; write the range's first address (${formatNetwork(family, network)}/${prefix}).`,
    };
  }
  return { family, network, prefix };
}

function formatNetwork(family: 4 | 6, value: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_unused, index) => ((value >> BigInt(112 - index * 16)) & 0xffffn).toString(16));
  // The longest run of zero groups becomes "::".
  let best = { start: -1, length: 0 };
  for (let start = 0; start < 8; start++) {
    let length = 0;
    while (start + length < 8 && groups[start + length] === '0') length++;
    if (length > best.length && length > 1) best = { start, length };
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** The problem with `cidr` in words, or undefined when it is a valid range. */
export function cidrProblem(cidr: string): string | undefined {
  const parsed = parseCidr(cidr);
  return 'problem' in parsed ? parsed.problem : undefined;
}

/**
 * Whether `address` lies in at least one of `cidrs`. An address that cannot be parsed is in
 * none; so is an address of the other family (an IPv4 client never matches an IPv6 range,
 * except through its IPv4-mapped form, which counts as IPv4).
 */
export function addressInRanges(address: string, cidrs: readonly string[]): boolean {
  const parsed = parseAddress(address);
  if (!parsed) return false;
  for (const cidr of cidrs) {
    const range = parseCidr(cidr);
    if ('problem' in range || range.family !== parsed.family) continue;
    const hostBits = BigInt(BITS[range.family] - range.prefix);
    if (parsed.value >> hostBits === range.network >> hostBits) return true;
  }
  return false;
}
