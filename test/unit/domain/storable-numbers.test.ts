import { describe, expect, it } from 'vitest';
import { DimensionsCm } from '../../../functions/domain/fulfillment/actions.js';
import { Location } from '../../../functions/domain/location.js';

/**
 * Numbers JSON allows but DynamoDB can not store (below 1e-130 in magnitude) are refused by the
 * schemas, as a 400 naming the field, instead of failing the write with a 500.
 */
describe('numbers a caller sends that DynamoDB could not store', () => {
  const store = {
    locationId: 'STORE-1',
    name: 'Store',
    type: 'store',
    address: { city: 'Lisboa', country: 'PT' },
    lat: 38.7,
    lon: -9.14,
    capabilities: ['ship'],
  };

  it.each([
    ['lat', { ...store, lat: 1e-300 }],
    ['lon', { ...store, lon: -1e-300 }],
  ])('refuses an underflowing %s of a location', (field, location) => {
    const result = Location.safeParse(location);

    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it('keeps a location on the equator and the meridian', () => {
    expect(Location.safeParse({ ...store, lat: 0, lon: 0 }).success).toBe(true);
  });

  it("refuses a package's underflowing dimension and keeps the bounds", () => {
    expect(DimensionsCm.safeParse({ length: 1e-300, width: 10, height: 10 }).success).toBe(false);
    expect(DimensionsCm.safeParse({ length: 0.5, width: 10, height: 1000 }).success).toBe(true);
    expect(DimensionsCm.safeParse({ length: 0, width: 10, height: 10 }).success).toBe(false);
  });
});
