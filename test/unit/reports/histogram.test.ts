import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  bucketOf,
  GROWTH,
  LAST_BUCKET,
  percentileOf,
  upperBoundOf,
} from '../../../functions/domain/reports/histogram.js';

describe('duration histograms', () => {
  it.each([0.2, 1, 1.5, 59, 60, 3_600, 3_601, 86_400, 183_600, 1_000_000])(
    'keep %s s in a bucket whose upper bound is never below it and at most 20 % above it',
    (seconds) => {
      const bound = upperBoundOf(bucketOf(seconds));
      expect(bound).toBeGreaterThanOrEqual(seconds);
      expect(bound).toBeLessThanOrEqual(Math.max(1, seconds * GROWTH) + 1);
    },
  );

  it('put an exact bucket bound in its own bucket', () => {
    expect(bucketOf(GROWTH ** 10)).toBe(10);
    expect(bucketOf(GROWTH ** 10 + 0.01)).toBe(11);
  });

  it('put everything past the last bound into the last bucket', () => {
    expect(bucketOf(10 ** 12)).toBe(LAST_BUCKET);
  });

  it('read the nearest-rank percentile as the bucket bound of that sample', () => {
    const histogram = addHistograms({ [bucketOf(10)]: 9 }, { [bucketOf(1_000)]: 1 });
    expect(percentileOf(histogram, 0.5)).toBe(upperBoundOf(bucketOf(10)));
    expect(percentileOf(histogram, 0.9)).toBe(upperBoundOf(bucketOf(10)));
    expect(percentileOf(histogram, 0.95)).toBe(upperBoundOf(bucketOf(1_000)));
  });

  it('answer no percentile without samples', () => {
    expect(percentileOf({}, 0.5)).toBeUndefined();
    expect(percentileOf({ 3: 0 }, 0.95)).toBeUndefined();
  });

  it('add bucket by bucket', () => {
    expect(addHistograms({ 1: 2, 5: 1 }, { 5: 3, 7: 1 })).toEqual({ 1: 2, 5: 4, 7: 1 });
  });
});
