const EARTH_RADIUS_KM = 6371.0088;
const RADIANS_PER_DEGREE = Math.PI / 180;

export interface GeoPoint {
  lat: number;
  lon: number;
}

/** Great-circle distance in kilometers (haversine), accurate to well under 1 % for routing. */
export function haversineKm(from: GeoPoint, to: GeoPoint): number {
  const fromLat = from.lat * RADIANS_PER_DEGREE;
  const toLat = to.lat * RADIANS_PER_DEGREE;
  const halfDeltaLat = (toLat - fromLat) / 2;
  const halfDeltaLon = ((to.lon - from.lon) * RADIANS_PER_DEGREE) / 2;
  const sinLat = Math.sin(halfDeltaLat);
  const sinLon = Math.sin(halfDeltaLon);
  const a = sinLat * sinLat + Math.cos(fromLat) * Math.cos(toLat) * sinLon * sinLon;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** One decimal is enough for people reading a plan, and keeps explanations stable. */
export function roundKm(km: number): number {
  return Math.round(km * 10) / 10;
}
