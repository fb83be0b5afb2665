import { GeoPoint } from '../matching.types.js';

/** Mean earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;

const toRad = (deg: number): number => (deg * Math.PI) / 180;

/** Great-circle distance in km. Not rounded: callers round for display only. */
export function haversineKm(a: GeoPoint, b: GeoPoint): number {
  return greatCircleKm(a.lat, a.lon, b.lat, b.lon);
}

/** haversineKm on plain numbers (the packed network keeps no point objects); the same arithmetic, so the same result. */
export function greatCircleKm(aLat: number, aLon: number, bLat: number, bLon: number): number {
  return greatCircleKmCos(aLat, aLon, cosLat(aLat), bLat, bLon, cosLat(bLat));
}

export const cosLat = (lat: number): number => Math.cos(toRad(lat));

/** greatCircleKm with the cosines of both latitudes worked out beforehand (once per facility, not once per search). */
export function greatCircleKmCos(aLat: number, aLon: number, cosA: number, bLat: number, bLon: number, cosB: number): number {
  const dLat = toRad(bLat - aLat);
  const dLon = toRad(bLon - aLon);
  const h = Math.sin(dLat / 2) ** 2 + cosA * cosB * Math.sin(dLon / 2) ** 2;
  // min() guards against h drifting just above 1 for antipodal points.
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
