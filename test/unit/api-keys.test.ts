import { apiKeyHint, digestApiKey, issueApiKey, isWellFormedApiKey } from '../../functions/core/applications';

describe('API keys', () => {
  it('are issued with the dgk_ prefix, a fixed length and a valid checksum', () => {
    const { key, digest, hint } = issueApiKey();
    expect(key).toMatch(/^dgk_[0-9A-Za-z]{49}$/);
    expect(isWellFormedApiKey(key)).toBe(true);
    expect(digest).toBe(digestApiKey(key));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(hint).toBe(`dgk_...${key.slice(-4)}`);
    expect(apiKeyHint(key)).toBe(hint);
  });

  it('a single mistyped character fails the checksum', () => {
    const { key } = issueApiKey();
    const position = 10;
    const replacement = key[position] === 'a' ? 'b' : 'a';
    const typo = key.slice(0, position) + replacement + key.slice(position + 1);
    expect(isWellFormedApiKey(typo)).toBe(false);
  });

  it('truncated, extended or wrongly prefixed keys are refused', () => {
    const { key } = issueApiKey();
    expect(isWellFormedApiKey(key.slice(0, -1))).toBe(false);
    expect(isWellFormedApiKey(`${key}0`)).toBe(false);
    expect(isWellFormedApiKey(`xyz_${key.slice(4)}`)).toBe(false);
    expect(isWellFormedApiKey('')).toBe(false);
  });

  it('two issued keys never repeat', () => {
    const keys = new Set(Array.from({ length: 200 }, () => issueApiKey().key));
    expect(keys.size).toBe(200);
  });
});
