import { addressInRanges, cidrProblem, parseAddress } from '../../functions/core/ip-ranges';

describe('IP ranges of key allowlists', () => {
  it('IPv4 ranges hold the addresses under their prefix and no other', () => {
    expect(addressInRanges('192.0.2.7', ['192.0.2.0/24'])).toBe(true);
    expect(addressInRanges('192.0.3.7', ['192.0.2.0/24'])).toBe(false);
    expect(addressInRanges('10.255.255.255', ['10.0.0.0/8'])).toBe(true);
    expect(addressInRanges('11.0.0.0', ['10.0.0.0/8'])).toBe(false);
    expect(addressInRanges('203.0.113.9', ['0.0.0.0/0'])).toBe(true);
    expect(addressInRanges('203.0.113.9', ['203.0.113.9'])).toBe(true);
    expect(addressInRanges('203.0.113.10', ['203.0.113.9/32'])).toBe(false);
  });

  it('IPv6 ranges, compressed or not, and the families never mix', () => {
    expect(addressInRanges('2001:db8:abcd::1', ['2001:db8::/32'])).toBe(true);
    expect(addressInRanges('2001:db9::1', ['2001:db8::/32'])).toBe(false);
    expect(addressInRanges('2001:0db8:0000:0000:0000:0000:0000:0001', ['2001:db8::1/128'])).toBe(true);
    expect(addressInRanges('::1', ['::1/128'])).toBe(true);
    expect(addressInRanges('127.0.0.1', ['::1/128'])).toBe(false);
    expect(addressInRanges('::1', ['127.0.0.0/8'])).toBe(false);
    expect(addressInRanges('fe80::1%eth0', ['fe80::/10'])).toBe(true);
  });

  it('an IPv4-mapped IPv6 address (a dual-stack socket) is its IPv4 address', () => {
    expect(parseAddress('::ffff:192.0.2.1')).toEqual({ family: 4, value: parseAddress('192.0.2.1')!.value });
    expect(addressInRanges('::ffff:192.0.2.1', ['192.0.2.0/24'])).toBe(true);
  });

  it('what is not an address matches nothing', () => {
    expect(addressInRanges('', ['0.0.0.0/0', '::/0'])).toBe(false);
    expect(addressInRanges('unknown', ['0.0.0.0/0'])).toBe(false);
  });

  it('a bad range is named with what is wrong with it', () => {
    expect(cidrProblem('10.0.0.0/8')).toBeUndefined();
    expect(cidrProblem('2001:db8::/32')).toBeUndefined();
    expect(cidrProblem('10.0.0.256/32')).toMatch(/"10\.0\.0\.256\/32".*not an IPv4 or IPv6 address/);
    expect(cidrProblem('10.0.0.0/33')).toMatch(/at most \/32/);
    expect(cidrProblem('2001:db8::/129')).toMatch(/at most \/128/);
    expect(cidrProblem('10.0.0.0/x')).toMatch(/prefix length/);
    expect(cidrProblem('10.0.0.0/8/8')).toMatch(/one "\/"/);
    expect(cidrProblem('10.1.2.3/8')).toMatch(/10\.0\.0\.0\/8/);
    expect(cidrProblem('2001:db8::1/32')).toMatch(/2001:db8::\/32/);
    expect(cidrProblem('fe80::1%eth0/64')).toMatch(/not an IPv4 or IPv6 address/);
  });
});
