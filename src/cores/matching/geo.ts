import { GeoPoint } from '../../domain/types.js';

/** Mean earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

const toRad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km. Not rounded: callers round for display only. */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  return greatCircleKmCos(a.lat, a.lon, cosLat(a.lat), b.lat, b.lon, cosLat(b.lat));
}

export const cosLat = (lat: number): number => Math.cos(toRad(lat));

/** haversineKm on plain numbers, the cosines of both latitudes worked out beforehand (the packed network keeps them). */
export function greatCircleKmCos(aLat: number, aLon: number, cosA: number, bLat: number, bLon: number, cosB: number): number {
  const dLat = toRad(bLat - aLat);
  const dLon = toRad(bLon - aLon);
  const h = Math.sin(dLat / 2) ** 2 + cosA * cosB * Math.sin(dLon / 2) ** 2;
  // min() guards against h drifting just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
