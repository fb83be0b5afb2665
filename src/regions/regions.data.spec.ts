import { PROVINCES, REGIONS } from './regions.data.js';

function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const toRad = (d: number) => (d * Math.PI) / 180;
  const dLat = toRad(lat2 - lat1);
  const dLon = toRad(lon2 - lon1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(toRad(lat1)) * Math.cos(toRad(lat2)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(a));
}

function province(code: string) {
  const p = PROVINCES.find((x) => x.code === code);
  if (!p) throw new Error(`province ${code} missing`);
  return p;
}

describe('regions seed data', () => {
  it('has the 20 regions with unique ISTAT codes 01..20', () => {
    expect(REGIONS).toHaveLength(20);
    const codes = REGIONS.map((r) => r.code);
    expect(new Set(codes).size).toBe(20);
    const expected = Array.from({ length: 20 }, (_, i) => String(i + 1).padStart(2, '0'));
    expect([...codes].sort()).toEqual(expected);
    for (const r of REGIONS) expect(r.name.length).toBeGreaterThan(0);
  });

  it('has 107 provinces with unique two-uppercase-letter codes', () => {
    expect(PROVINCES).toHaveLength(107);
    const codes = PROVINCES.map((p) => p.code);
    expect(new Set(codes).size).toBe(107);
    for (const c of codes) expect(c).toMatch(/^[A-Z]{2}$/);
  });

  it('links every province to an existing region and every region to ≥ 1 province', () => {
    const regionCodes = new Set(REGIONS.map((r) => r.code));
    for (const p of PROVINCES) expect(regionCodes.has(p.regionCode)).toBe(true);
    for (const r of REGIONS) {
      expect(PROVINCES.some((p) => p.regionCode === r.code)).toBe(true);
    }
  });

  it('places every centroid inside the Italian bounding box', () => {
    for (const p of PROVINCES) {
      expect(p.lat).toBeGreaterThanOrEqual(35.4);
      expect(p.lat).toBeLessThanOrEqual(47.1);
      expect(p.lon).toBeGreaterThanOrEqual(6.6);
      expect(p.lon).toBeLessThanOrEqual(18.6);
    }
  });

  it.each([
    ['GE', '07', 44.41, 8.93],
    ['SP', '07', 44.1, 9.82],
    ['LU', '09', 43.84, 10.5],
    ['BS', '03', 45.54, 10.21],
    ['RM', '12', 41.9, 12.5],
    ['PA', '19', 38.12, 13.36],
    ['CA', '20', 39.22, 9.12],
  ])('spot check %s in region %s near (%d, %d)', (code, regionCode, lat, lon) => {
    const p = province(code);
    expect(p.regionCode).toBe(regionCode);
    expect(Math.abs(p.lat - lat)).toBeLessThanOrEqual(0.3);
    expect(Math.abs(p.lon - lon)).toBeLessThanOrEqual(0.3);
  });

  it('puts Genova and La Spezia 60–100 km apart', () => {
    const ge = province('GE');
    const sp = province('SP');
    const d = haversineKm(ge.lat, ge.lon, sp.lat, sp.lon);
    expect(d).toBeGreaterThan(60);
    expect(d).toBeLessThan(100);
  });
});
