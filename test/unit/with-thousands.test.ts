import { withThousands } from '../../functions/core/platform/limits';

describe('withThousands', () => {
  it.each([
    [0, '0'],
    [999, '999'],
    [1000, '1,000'],
    [10_000, '10,000'],
    [1_000_000, '1,000,000'],
    [1_000_000_000, '1,000,000,000'],
  ])('writes %d as %s, as English prose does', (value, text) => {
    expect(withThousands(value)).toBe(text);
    expect(withThousands(value)).toBe(value.toLocaleString('en'));
  });
});
