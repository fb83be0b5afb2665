import { haversineKm } from './geo.js';
import { POINTS } from '../../../test/support/core-factories.js';

describe('haversineKm', () => {
  it.each([
    ['Genova–La Spezia', POINTS.GE, POINTS.SP, 80, 5],
    ['Genova–Milano', POINTS.GE, POINTS.MI, 120, 5],
    ['Genova–Roma', POINTS.GE, POINTS.RM, 400, 10],
    ['one degree of latitude', { lat: 0, lon: 0 }, { lat: 1, lon: 0 }, 111.2, 0.1],
    ['antipodes (half circumference)', { lat: 0, lon: 0 }, { lat: 0, lon: 180 }, Math.PI * 6371.0088, 1e-6],
  ])('%s is about %d km', (_name, a, b, expected, tolerance) => {
    expect(Math.abs(haversineKm(a, b) - expected)).toBeLessThanOrEqual(tolerance);
  });

  it('is 0 for the same point and symmetric', () => {
    expect(haversineKm(POINTS.GE, POINTS.GE)).toBe(0);
    expect(haversineKm(POINTS.GE, POINTS.MI)).toBeCloseTo(haversineKm(POINTS.MI, POINTS.GE), 9);
  });

  it('does not round', () => {
    expect(Number.isInteger(haversineKm(POINTS.GE, POINTS.SP) * 10)).toBe(false);
  });
});
