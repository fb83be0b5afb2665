import { E164 } from '../facilities/dto/create-facility.dto.js';
import { kindAccepted } from '../facilities/facility-input.js';
import { REGIONS } from '../regions/regions.data.js';
import {
  LEGAL_STATUSES,
  SERVICES,
  EXPLOITATION_TYPES,
  FACILITY_TYPES,
  GENDERS,
  PLACE_KINDS,
  SUPPORTS,
  type FacilityType,
  type ProtectionLevel,
} from '../domain/types.js';
import { DEMO_FACILITIES, DEMO_USERS, type DemoFacility } from './demo-network.data.js';

/** Local reference: province sigla -> [ISTAT region code, capital lat, capital lon]. */
const PROVINCES: Record<string, [string, number, number]> = {
  TO: ['01', 45.0703, 7.6869],
  AL: ['01', 44.913, 8.6154],
  MI: ['03', 45.4642, 9.19],
  BS: ['03', 45.5416, 10.2118],
  BG: ['03', 45.6983, 9.6773],
  VE: ['05', 45.4408, 12.3155],
  PD: ['05', 45.4064, 11.8768],
  VR: ['05', 45.4384, 10.9916],
  GE: ['07', 44.4056, 8.9463],
  SP: ['07', 44.1025, 9.8241],
  SV: ['07', 44.3091, 8.4772],
  IM: ['07', 43.8897, 8.0397],
  BO: ['08', 44.4949, 11.3426],
  MO: ['08', 44.6471, 10.9252],
  LU: ['09', 43.8429, 10.5027],
  FI: ['09', 43.7696, 11.2558],
  PI: ['09', 43.7228, 10.4017],
  LI: ['09', 43.5485, 10.3106],
  PO: ['09', 43.8777, 11.1022],
  AR: ['09', 43.4633, 11.8797],
  SI: ['09', 43.3188, 11.3308],
  RM: ['12', 41.9028, 12.4964],
  LT: ['12', 41.4676, 12.9036],
  NA: ['15', 40.8518, 14.2681],
  CE: ['15', 41.0742, 14.3328],
  SA: ['15', 40.6824, 14.7681],
  FG: ['16', 41.4622, 15.5446],
  LE: ['16', 40.3515, 18.175],
  PA: ['19', 38.1157, 13.3615],
  CT: ['19', 37.5079, 15.083],
  RG: ['19', 36.9269, 14.7255],
  AO: ['02', 45.737, 7.3201],
  TN: ['04', 46.0748, 11.1217],
  BZ: ['04', 46.4983, 11.3548],
  TS: ['06', 45.6495, 13.7768],
  UD: ['06', 46.0711, 13.2346],
  PG: ['10', 43.1107, 12.3908],
  TR: ['10', 42.5636, 12.6427],
  AN: ['11', 43.6158, 13.5189],
  MC: ['11', 43.2984, 13.4535],
  PE: ['13', 42.4618, 14.2161],
  AQ: ['13', 42.3498, 13.3995],
  CB: ['14', 41.5603, 14.6627],
  IS: ['14', 41.594, 14.233],
  PZ: ['17', 40.6404, 15.8056],
  MT: ['17', 40.6664, 16.6043],
  RC: ['18', 38.1105, 15.6613],
  CS: ['18', 39.2983, 16.2537],
  CA: ['20', 39.2238, 9.1217],
  SS: ['20', 40.7259, 8.5557],
};
const TUSCANY = '09';
const LOMBARDY = '03';

const REGION_SLUGS: Record<string, string> = {
  '01': 'piemonte',
  '03': 'lombardia',
  '05': 'veneto',
  '07': 'liguria',
  '08': 'emilia-romagna',
  '09': 'toscana',
  '12': 'lazio',
  '15': 'campania',
  '16': 'puglia',
  '19': 'sicilia',
  '02': 'valle-daosta',
  '04': 'trentino-alto-adige',
  '06': 'friuli-venezia-giulia',
  '10': 'umbria',
  '11': 'marche',
  '13': 'abruzzo',
  '14': 'molise',
  '17': 'basilicata',
  '18': 'calabria',
  '20': 'sardegna',
};

const DEFAULT_LEVEL: Record<FacilityType, ProtectionLevel> = {
  casa_di_fuga: 'high',
  high_intensity_community: 'high',
  medium_intensity_community: 'medium',
  protected_flat: 'medium',
  semi_autonomy_flat: 'low',
  autonomy_flat: 'low',
  social_housing: 'low',
  emergency_accommodation: 'low',
};

const regionOf = (f: DemoFacility): string => PROVINCES[f.provinceCode][0];

function km(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const r = (d: number) => (d * Math.PI) / 180;
  const h = Math.sin(r(b.lat - a.lat) / 2) ** 2 + Math.cos(r(a.lat)) * Math.cos(r(b.lat)) * Math.sin(r(b.lon - a.lon) / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

const freeOf = (f: DemoFacility): number => f.places.reduce((sum, p) => sum + p.total - p.occupied - (p.outOfService ?? 0), 0);

describe('demo network data', () => {
  it('is large and spread enough', () => {
    expect(DEMO_FACILITIES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(DEMO_FACILITIES.map((f) => f.provinceCode)).size).toBeGreaterThanOrEqual(30);
    // every one of the 20 regions
    expect([...new Set(DEMO_FACILITIES.map(regionOf))].sort()).toEqual(REGIONS.map((r) => r.code).sort());
  });

  it('uses only real province sigla known to the test', () => {
    for (const f of DEMO_FACILITIES) expect(Object.keys(PROVINCES)).toContain(f.provinceCode);
  });

  it('covers every facility type, place kind, gender, exploitation type and support', () => {
    const types = new Set(DEMO_FACILITIES.map((f) => f.type));
    for (const t of FACILITY_TYPES) expect(types).toContain(t);
    const kinds = new Set(DEMO_FACILITIES.flatMap((f) => f.places.map((p) => p.kind)));
    for (const k of PLACE_KINDS) expect(kinds).toContain(k);
    const genders = new Set(DEMO_FACILITIES.flatMap((f) => f.accepts.genders));
    for (const g of GENDERS) expect(genders).toContain(g);
    const expertise = new Set(DEMO_FACILITIES.flatMap((f) => f.exploitationExpertise));
    for (const e of EXPLOITATION_TYPES) expect(expertise).toContain(e);
    const supports = new Set(DEMO_FACILITIES.flatMap((f) => f.supports));
    for (const s of SUPPORTS) expect(supports).toContain(s);
  });

  it('covers the required languages, all codes well formed', () => {
    const langs = new Set(DEMO_FACILITIES.flatMap((f) => f.languages));
    for (const l of ['en', 'fr', 'pcm', 'ro', 'ar', 'zh', 'es', 'sq']) expect(langs).toContain(l);
    for (const f of DEMO_FACILITIES) {
      expect(f.languages.length).toBeGreaterThan(0);
      expect(new Set(f.languages).size).toBe(f.languages.length);
      for (const l of f.languages) expect(l).toMatch(/^([a-z]{2}|pcm)$/);
    }
  });

  it('has unique, province-prefixed keys and unique names', () => {
    const keys = DEMO_FACILITIES.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(DEMO_FACILITIES.map((f) => f.name)).size).toBe(keys.length);
    for (const f of DEMO_FACILITIES) {
      expect(f.key).toMatch(/^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(f.key.slice(0, 2)).toBe(f.provinceCode.toLowerCase());
    }
  });

  it('uses only @example.org e-mail addresses and clearly fictional addresses', () => {
    for (const f of DEMO_FACILITIES) {
      expect(f.contactEmail).toMatch(/^[a-z0-9.-]+@example\.org$/);
      expect(f.address).toContain('(indirizzo fittizio)');
    }
    for (const u of DEMO_USERS) expect(u.email).toMatch(/^[a-z0-9.-]+@example\.org$/);
  });

  it('keeps every place count consistent', () => {
    for (const f of DEMO_FACILITIES) {
      expect(f.places.length).toBeGreaterThan(0);
      expect(new Set(f.places.map((p) => p.kind)).size).toBe(f.places.length);
      for (const p of f.places) {
        const oos = p.outOfService ?? 0;
        for (const n of [p.total, p.occupied, oos]) {
          expect(Number.isInteger(n)).toBe(true);
          expect(n).toBeGreaterThanOrEqual(0);
        }
        expect(p.total).toBeGreaterThan(0);
        expect(p.occupied + oos).toBeLessThanOrEqual(p.total);
        if (p.kind === 'mother_child') {
          expect(p.childCapacity).toBeGreaterThanOrEqual(1);
          expect(p.childCapacity).toBeLessThanOrEqual(4);
          expect(Number.isInteger(p.childCapacity)).toBe(true);
        } else {
          expect(p.childCapacity).toBeUndefined();
        }
      }
    }
  });

  it('keeps places consistent with whom the facility accepts', () => {
    for (const f of DEMO_FACILITIES) {
      const kinds = f.places.map((p) => p.kind);
      expect(f.accepts.genders.length).toBeGreaterThan(0);
      expect(f.accepts.adults || f.accepts.minors).toBe(true);
      if (kinds.includes('minor')) expect(f.accepts.minors).toBe(true);
      if (f.accepts.minors) expect(kinds).toContain('minor');
      if (kinds.includes('adult')) expect(f.accepts.adults).toBe(true);
      // a mother_child unit hosts one adult, or a minor where minors are accepted, with her or his children
      for (const k of kinds) expect(kindAccepted(f.accepts, k)).toBe(true);
      if (f.accepts.children) expect(kinds).toContain('mother_child');
    }
  });

  it('gives a protection level sensible for the type when one is given', () => {
    for (const f of DEMO_FACILITIES) {
      if (f.protectionLevel !== undefined) expect(f.protectionLevel).toBe(DEFAULT_LEVEL[f.type]);
    }
  });

  it('keeps case di fuga mostly secret, and never publishes the location of a secret house', () => {
    const case_ = DEMO_FACILITIES.filter((f) => f.type === 'casa_di_fuga');
    const secret = case_.filter((f) => f.secretAddress);
    expect(secret.length / case_.length).toBeGreaterThanOrEqual(0.8);
    for (const f of DEMO_FACILITIES) if (f.secretAddress) expect(f.location).toBeUndefined();
  });

  it('places every precise location within ~15 km of the province capital', () => {
    for (const f of DEMO_FACILITIES) {
      if (!f.location) continue;
      const [, lat, lon] = PROVINCES[f.provinceCode];
      expect(km(f.location, { lat, lon })).toBeLessThanOrEqual(15);
    }
  });

  it('shows every freshness state, paused intake and full facilities', () => {
    for (const f of DEMO_FACILITIES) {
      expect(f.confirmedHoursAgo === null || (typeof f.confirmedHoursAgo === 'number' && f.confirmedHoursAgo >= 0)).toBe(true);
    }
    const unknown = DEMO_FACILITIES.filter((f) => f.confirmedHoursAgo === null);
    const stale = DEMO_FACILITIES.filter((f) => typeof f.confirmedHoursAgo === 'number' && f.confirmedHoursAgo > 24);
    const fresh = DEMO_FACILITIES.filter((f) => typeof f.confirmedHoursAgo === 'number' && f.confirmedHoursAgo <= 24);
    expect(unknown.length).toBeGreaterThanOrEqual(2);
    expect(stale.length).toBeGreaterThanOrEqual(2);
    expect(fresh.length).toBeGreaterThan(stale.length + unknown.length);

    const paused = DEMO_FACILITIES.filter((f) => f.acceptingNewGuests === false);
    expect(paused.length).toBeGreaterThanOrEqual(2);
    for (const f of paused) expect(f.intakeNote && f.intakeNote.length > 0).toBe(true);
    for (const f of DEMO_FACILITIES) if (f.intakeNote) expect(f.acceptingNewGuests).toBe(false);

    expect(DEMO_FACILITIES.filter((f) => freeOf(f) === 0).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps the seeds-practice fields well formed', () => {
    for (const f of DEMO_FACILITIES) {
      if (f.onCallPhone !== undefined) expect(f.onCallPhone).toMatch(E164);
      for (const s of f.services ?? []) expect(SERVICES).toContain(s);
      for (const s of f.legalStatusesAccepted ?? []) expect(LEGAL_STATUSES).toContain(s);
      const limit = f.accepts.boysUpToAge;
      if (limit != null) {
        expect(Number.isInteger(limit) && limit >= 0 && limit <= 17).toBe(true);
        expect(f.accepts.children).toBe(true);
      }
    }
    expect(DEMO_FACILITIES.filter((f) => f.onCallPhone).length).toBeGreaterThanOrEqual(15);
  });

  describe('the seeds-practice facilities', () => {
    const hasUnit = (f: DemoFacility) => f.places.some((p) => p.kind === 'mother_child' && p.total > 0);
    it('has units for a minor mother with her child', () => {
      expect(
        DEMO_FACILITIES.filter((f) => f.accepts.minors && f.accepts.children && f.accepts.genders.includes('female') && hasUnit(f)).length,
      ).toBeGreaterThanOrEqual(2);
    });
    it('has units for a man with his child', () => {
      expect(
        DEMO_FACILITIES.filter((f) => f.accepts.genders.includes('male') && f.accepts.adults && f.accepts.children && hasUnit(f)).length,
      ).toBeGreaterThanOrEqual(2);
    });
    it('has facilities with boys’ age limits, and mother-child units without one', () => {
      expect(DEMO_FACILITIES.filter((f) => f.accepts.boysUpToAge != null).length).toBeGreaterThanOrEqual(5);
      expect(DEMO_FACILITIES.filter((f) => hasUnit(f) && f.accepts.boysUpToAge == null).length).toBeGreaterThanOrEqual(2);
    });
    it('has social housing and emergency accommodation, both with the low default protection', () => {
      for (const type of ['social_housing', 'emergency_accommodation'] as const) {
        const of = DEMO_FACILITIES.filter((f) => f.type === type);
        expect(of.length).toBeGreaterThanOrEqual(2);
        for (const f of of) expect(f.protectionLevel ?? DEFAULT_LEVEL[f.type]).toBe('low');
      }
    });
    it('has step-free, LGBT+-safe and status-restricted houses', () => {
      expect(DEMO_FACILITIES.filter((f) => f.wheelchairAccessible).length).toBeGreaterThanOrEqual(3);
      expect(DEMO_FACILITIES.filter((f) => f.lgbtSafe).length).toBeGreaterThanOrEqual(3);
      expect(DEMO_FACILITIES.filter((f) => (f.legalStatusesAccepted ?? []).length > 0).length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('required facilities', () => {
    it('has a casa di fuga in Genova with a secret address', () => {
      expect(DEMO_FACILITIES.some((f) => f.provinceCode === 'GE' && f.type === 'casa_di_fuga' && f.secretAddress)).toBe(true);
    });

    it('has the La Spezia semi-autonomy flat with exactly 2 adult beds', () => {
      const flats = DEMO_FACILITIES.filter((f) => f.provinceCode === 'SP' && f.type === 'semi_autonomy_flat');
      expect(flats.length).toBe(1);
      expect(flats[0].places).toEqual([expect.objectContaining({ kind: 'adult', total: 2 })]);
    });

    it('has a minors emergency centre', () => {
      expect(
        DEMO_FACILITIES.some(
          (f) =>
            (f.type === 'casa_di_fuga' || f.type === 'high_intensity_community') &&
            f.accepts.minors &&
            f.places.some((p) => p.kind === 'minor'),
        ),
      ).toBe(true);
    });

    it('has mother-child places in Tuscany and in Lombardy', () => {
      const withMotherChild = DEMO_FACILITIES.filter((f) => f.places.some((p) => p.kind === 'mother_child'));
      expect(withMotherChild.some((f) => regionOf(f) === TUSCANY)).toBe(true);
      expect(withMotherChild.some((f) => regionOf(f) === LOMBARDY)).toBe(true);
    });

    it('has communities for men in labour exploitation', () => {
      const men = DEMO_FACILITIES.filter(
        (f) =>
          f.type.endsWith('_community') &&
          f.accepts.genders.length === 1 &&
          f.accepts.genders[0] === 'male' &&
          f.exploitationExpertise.includes('labour'),
      );
      expect(men.length).toBeGreaterThanOrEqual(2);
    });

    it('has a facility accepting transgender women', () => {
      expect(DEMO_FACILITIES.some((f) => f.accepts.genders.includes('transgender'))).toBe(true);
    });
  });

  describe('demo users', () => {
    const keys = new Set(DEMO_FACILITIES.map((f) => f.key));

    it('has one UOR per region present, and no UOR for an absent region', () => {
      const regions = [...new Set(DEMO_FACILITIES.map(regionOf))].sort();
      const uors = DEMO_USERS.filter((u) => u.role === 'uor');
      expect(uors.map((u) => u.region).sort()).toEqual(regions);
      for (const u of uors) {
        const slug = REGION_SLUGS[u.region as string];
        expect(u.sub).toBe(`uor-${slug}`);
        expect(u.email).toBe(`uor.${slug}@example.org`);
      }
    });

    it('has a shelter manager for the Genova casa di fuga and the La Spezia flat', () => {
      const managers = DEMO_USERS.filter((u) => u.role === 'shelter_manager');
      expect(managers.length).toBeGreaterThanOrEqual(1);
      const managed = managers.flatMap((u) => u.facilityKeys ?? []);
      const ge = DEMO_FACILITIES.find((f) => f.provinceCode === 'GE' && f.type === 'casa_di_fuga' && managed.includes(f.key));
      const sp = DEMO_FACILITIES.find((f) => f.provinceCode === 'SP' && f.type === 'semi_autonomy_flat');
      expect(ge).toBeDefined();
      expect(managed).toContain(sp?.key);
    });

    it('references only existing facilities', () => {
      for (const u of DEMO_USERS) for (const k of u.facilityKeys ?? []) expect(keys.has(k)).toBe(true);
    });

    it('has exactly one national and one admin, and unique subs', () => {
      expect(DEMO_USERS.filter((u) => u.role === 'national').length).toBe(1);
      expect(DEMO_USERS.filter((u) => u.role === 'admin').length).toBe(1);
      expect(new Set(DEMO_USERS.map((u) => u.sub)).size).toBe(DEMO_USERS.length);
      expect(new Set(DEMO_USERS.map((u) => u.email)).size).toBe(DEMO_USERS.length);
    });
  });
});
