import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../../functions/domain/routing/index.js';

describe('haversineKm', () => {
  it('measures New York to Los Angeles at about 3,936 km', () => {
    const distance = haversineKm({ lat: 40.7128, lon: -74.006 }, { lat: 34.0522, lon: -118.2437 });

    expect(distance).toBeGreaterThan(3_925);
    expect(distance).toBeLessThan(3_945);
  });

  it('is zero for the same point and symmetric', () => {
    const paris = { lat: 48.8566, lon: 2.3522 };
    const berlin = { lat: 52.52, lon: 13.405 };

    expect(haversineKm(paris, paris)).toBe(0);
    expect(haversineKm(paris, berlin)).toBeCloseTo(haversineKm(berlin, paris), 9);
  });
});
