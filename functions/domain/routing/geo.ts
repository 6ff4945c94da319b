const EARTH_RADIUS_KM = 6371.0088;
const RADIANS_PER_DEGREE = Math.PI / 180;

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** Great-circle distance in kilometers (haversine), accurate to well under 1 % for routing. */
export function haversineKm(from: GeoPoint, to: GeoPoint): number {
  const toLat = to.lat * RADIANS_PER_DEGREE;
  return greatCircleKm(from.lat, from.lon, toLat, Math.cos(toLat), to.lon);
}

/**
 * `haversineKm` from many points to one destination: the destination's terms are worked out
 * once, and the arithmetic is otherwise the same, so distances match to the bit.
 */
export class DistancesTo {
  private readonly toLat: number;
  private readonly cosToLat: number;
  private readonly toLon: number;

  constructor(to: GeoPoint) {
    this.toLat = to.lat * RADIANS_PER_DEGREE;
    this.cosToLat = Math.cos(this.toLat);
    this.toLon = to.lon;
  }

  from(lat: number, lon: number): number {
    return greatCircleKm(lat, lon, this.toLat, this.cosToLat, this.toLon);
  }
}

function greatCircleKm(lat: number, lon: number, toLat: number, cosToLat: number, toLon: number): number {
  const fromLat = lat * RADIANS_PER_DEGREE;
  const halfDeltaLat = (toLat - fromLat) / 2;
  const halfDeltaLon = ((toLon - lon) * RADIANS_PER_DEGREE) / 2;
  const sinLat = Math.sin(halfDeltaLat);
  const sinLon = Math.sin(halfDeltaLon);
  const a = sinLat * sinLat + Math.cos(fromLat) * cosToLat * sinLon * sinLon;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** One decimal is enough for people reading a plan, and keeps explanations stable. */
export function roundKm(km: number): number {
  return Math.round(km * 10) / 10;
}
