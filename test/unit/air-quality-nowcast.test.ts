import { nowcast } from '../../functions/core/air-quality/nowcast';

/**
 * US EPA PM NowCast (EPA-454/B-24-002, May 2024, and AirNow's "The NowCast for PM2.5 and PM10"):
 * 12 hourly means, c1 the current hour; valid with 2 of the 3 most recent hours; weight factor
 * w = c_min / c_max, at least 0.5; NowCast = Σ w^(i-1) c_i / Σ w^(i-1) over the valid hours.
 * Expected values are worked by hand from those steps, shown beside each.
 */

describe('US EPA PM NowCast', () => {
  it('a steady series gives its own value (w = 1)', () => {
    expect(nowcast(Array(12).fill(10))).toBeCloseTo(10, 10);
  });

  it('a weight factor above 0.5 is min/max: [12, 10, 15, 11] -> w = 2/3 -> 772/65', () => {
    // (12 + 10·(2/3) + 15·(4/9) + 11·(8/27)) / (1 + 2/3 + 4/9 + 8/27) = (772/27) / (65/27)
    expect(nowcast([12, 10, 15, 11])).toBeCloseTo(772 / 65, 10);
  });

  it('a weight factor below 0.5 is floored at 0.5: [40, 20, 10] -> (40 + 10 + 2.5) / 1.75 = 30', () => {
    expect(nowcast([40, 20, 10])).toBeCloseTo(30, 10);
  });

  it('only the 12 most recent hours count', () => {
    expect(nowcast([...Array(12).fill(10), 1000])).toBeCloseTo(10, 10);
  });

  it('missing hours are skipped, their weights too: [20, -, 10] -> (20 + 0.25·10) / 1.25 = 18', () => {
    expect(nowcast([20, undefined, 10])).toBeCloseTo(18, 10);
  });

  it('needs 2 of the 3 most recent hours', () => {
    expect(nowcast([undefined, 5, 5])).toBeCloseTo(5, 10);
    expect(nowcast([5, undefined, 5])).toBeCloseTo(5, 10);
    expect(nowcast([5, undefined, undefined, 5, 5, 5])).toBeUndefined();
    expect(nowcast([undefined, undefined, 5, 5, 5])).toBeUndefined();
    expect(nowcast([])).toBeUndefined();
  });

  it('zero concentrations: all zero is 0; a zero minimum floors the weight at 0.5', () => {
    expect(nowcast([0, 0, 0])).toBe(0);
    expect(nowcast([10, 0])).toBeCloseTo(10 / 1.5, 10);
  });

  it('negative concentrations: a negative minimum floors w at 0.5; a maximum at or below zero gives w = 1', () => {
    expect(nowcast([4, -2])).toBeCloseTo((4 - 1) / 1.5, 10);
    expect(nowcast([-2, -1])).toBeCloseTo(-1.5, 10);
  });
});
