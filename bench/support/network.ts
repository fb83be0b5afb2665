import type { CreateFacilityDto } from '../../src/facilities/dto/create-facility.dto.js';
import type { ExploitationType, FacilityType, Gender, PlaceKind, ProtectionLevel, Support } from '../../src/domain/types.js';
import { PROVINCES, type ProvinceSeed } from '../../src/regions/regions.data.js';
import { Rng } from './rng.js';

// A synthetic national network of facilities (search and reports benches). The rows as the database
// stores them: bulk-insert.ts; placement requests to search it with: requests.ts.

const F: Gender = 'female';
const M: Gender = 'male';
const T: Gender = 'transgender';

/**
 * Rough resident population in units of 100,000 (ISTAT order of magnitude, rounded) for the larger
 * provinces; every other province weighs 3. Facilities are spread over all 107 provinces in
 * proportion to these weights, so big cities have many and every province has some at N ≥ ~2,000.
 */
const PROVINCE_WEIGHT: Record<string, number> = {
  RM: 42,
  MI: 33,
  NA: 30,
  TO: 22,
  PA: 12,
  BA: 12,
  BS: 12,
  BG: 11,
  CT: 11,
  SA: 11,
  FI: 10,
  BO: 10,
  PD: 9,
  VR: 9,
  CE: 9,
  TV: 9,
  VA: 9,
  VI: 8,
  VE: 8,
  GE: 8,
  MB: 9,
  LE: 8,
  CS: 7,
  ME: 6,
  MO: 7,
  CA: 4,
  PG: 6,
  TA: 6,
  FG: 6,
  LT: 6,
  FR: 5,
  UD: 5,
  AN: 5,
  RC: 5,
  SS: 5,
  TN: 5,
  BZ: 5,
  CO: 6,
  PV: 5,
  AL: 4,
  CN: 6,
  PR: 5,
  RE: 5,
  LU: 4,
  PI: 4,
  AR: 3,
  LI: 3,
  SV: 3,
  SP: 2,
  IM: 2,
  AG: 4,
  TP: 4,
  SR: 4,
  RG: 3,
};

/** Service lines as in the demo network: who a facility takes and which place kinds it has. */
interface Line {
  key: string;
  weight: number;
  genders: readonly (readonly Gender[])[];
  adults: boolean;
  minors: boolean;
  children: boolean;
  kinds: readonly PlaceKind[];
  types: readonly (readonly [FacilityType, number])[];
  expertise: readonly (readonly [ExploitationType, number])[];
  pregnancySupport: number;
}

const LINES: readonly Line[] = [
  {
    key: 'women and mothers',
    weight: 30,
    genders: [[F], [F, T], [F, T], [F]],
    adults: true,
    minors: false,
    children: true,
    kinds: ['adult', 'mother_child'],
    types: [
      ['casa_di_fuga', 3],
      ['high_intensity_community', 2],
      ['medium_intensity_community', 2],
      ['protected_flat', 3],
      ['semi_autonomy_flat', 3],
      ['autonomy_flat', 1],
    ],
    expertise: [
      ['sexual', 0.95],
      ['domestic_servitude', 0.4],
      ['begging', 0.2],
      ['labour', 0.2],
      ['forced_crime', 0.1],
    ],
    pregnancySupport: 0.45,
  },
  {
    key: 'women',
    weight: 14,
    genders: [[F], [F, T]],
    adults: true,
    minors: false,
    children: false,
    kinds: ['adult'],
    types: [
      ['casa_di_fuga', 3],
      ['medium_intensity_community', 2],
      ['protected_flat', 3],
      ['semi_autonomy_flat', 3],
      ['autonomy_flat', 2],
    ],
    expertise: [
      ['sexual', 0.9],
      ['domestic_servitude', 0.35],
      ['labour', 0.25],
      ['forced_crime', 0.1],
    ],
    pregnancySupport: 0.2,
  },
  {
    key: 'men',
    weight: 20,
    genders: [[M], [M], [M, T]],
    adults: true,
    minors: false,
    children: false,
    kinds: ['adult'],
    types: [
      ['casa_di_fuga', 2],
      ['medium_intensity_community', 2],
      ['protected_flat', 3],
      ['semi_autonomy_flat', 3],
      ['autonomy_flat', 2],
    ],
    expertise: [
      ['labour', 0.95],
      ['forced_crime', 0.4],
      ['begging', 0.3],
      ['sexual', 0.15],
      ['domestic_servitude', 0.1],
    ],
    pregnancySupport: 0,
  },
  {
    key: 'minors',
    weight: 14,
    genders: [[F, M], [M], [F]],
    adults: false,
    minors: true,
    children: false,
    kinds: ['minor'],
    types: [
      ['high_intensity_community', 4],
      ['medium_intensity_community', 3],
      ['protected_flat', 1],
    ],
    expertise: [
      ['sexual', 0.6],
      ['labour', 0.5],
      ['forced_crime', 0.4],
      ['begging', 0.4],
    ],
    pregnancySupport: 0.1,
  },
  {
    key: 'transgender people',
    weight: 6,
    genders: [[T], [T, F]],
    adults: true,
    minors: false,
    children: false,
    kinds: ['adult'],
    types: [
      ['casa_di_fuga', 2],
      ['protected_flat', 2],
      ['semi_autonomy_flat', 2],
    ],
    expertise: [
      ['sexual', 0.95],
      ['forced_crime', 0.2],
      ['begging', 0.2],
    ],
    pregnancySupport: 0,
  },
  {
    key: 'emergency, everyone',
    weight: 10,
    genders: [[F, M, T]],
    adults: true,
    minors: false,
    children: true,
    kinds: ['adult', 'mother_child'],
    types: [
      ['casa_di_fuga', 2],
      ['high_intensity_community', 3],
      ['medium_intensity_community', 2],
    ],
    expertise: [
      ['sexual', 0.8],
      ['labour', 0.8],
      ['begging', 0.4],
      ['forced_crime', 0.4],
      ['domestic_servitude', 0.3],
    ],
    pregnancySupport: 0.2,
  },
  {
    key: 'young women and mothers',
    weight: 6,
    genders: [[F]],
    adults: true,
    minors: true,
    children: true,
    kinds: ['adult', 'minor', 'mother_child'],
    types: [
      ['high_intensity_community', 3],
      ['medium_intensity_community', 2],
    ],
    expertise: [
      ['sexual', 0.9],
      ['domestic_servitude', 0.3],
      ['begging', 0.2],
    ],
    pregnancySupport: 0.6,
  },
];

const STAFF_LANGUAGES: readonly (readonly [string, number])[] = [
  ['en', 0.88],
  ['fr', 0.4],
  ['pcm', 0.3],
  ['ro', 0.25],
  ['ar', 0.22],
  ['es', 0.12],
  ['sq', 0.12],
  ['uk', 0.06],
  ['bn', 0.05],
  ['ur', 0.05],
  ['pa', 0.05],
  ['zh', 0.04],
  ['pt', 0.04],
  ['hi', 0.03],
  ['ti', 0.02],
  ['wo', 0.02],
];

const TYPE_LABEL: Record<FacilityType, string> = {
  casa_di_fuga: 'Casa di fuga',
  high_intensity_community: 'Comunità ad alta intensità',
  medium_intensity_community: 'Comunità a media intensità',
  protected_flat: 'Appartamento protetto',
  semi_autonomy_flat: 'Appartamento di semi-autonomia',
  autonomy_flat: 'Appartamento per l’autonomia',
  social_housing: 'Alloggio sociale',
  emergency_accommodation: 'Accoglienza in emergenza',
};
const ORG_KIND = ['Cooperativa Sociale', 'Associazione', 'Fondazione', 'Consorzio', 'Opera'];
const ORG_NAME = [
  'Approdo',
  'Il Faro',
  'La Rondine',
  'Mare Aperto',
  'Strade Nuove',
  'Ponte',
  'Libera Rotta',
  'Orizzonte',
  'La Bussola',
  'Itaca',
  'Nuovi Passi',
  'Terra Ferma',
];
const STREET = [
  'Via dei Gabbiani',
  'Vico del Faro',
  'Salita delle Rondini',
  'Via del Porto Quieto',
  'Piazza delle Vele',
  'Via dei Mandorli',
  'Corso della Luce',
  'Via delle Ginestre',
];

export interface GeneratedFacility {
  /** used by the bulk-SQL path; the service path lets the database choose */
  id: string;
  /** the service line it belongs to (statistics only) */
  line: string;
  dto: CreateFacilityDto;
  /** null = never confirmed (freshness 'unknown') */
  confirmedHoursAgo: number | null;
}

/** provinces weighted by how many facilities they have (the requests' origins use them too) */
export const PROVINCE_ENTRIES = PROVINCES.map((p) => [p, PROVINCE_WEIGHT[p.code] ?? 3] as const);

function places(rng: Rng, line: Line, type: FacilityType, hasFree: boolean): CreateFacilityDto['places'] {
  const flat = type.endsWith('_flat');
  const kinds = line.kinds.filter((k, i) => i === 0 || rng.chance(k === 'mother_child' ? 0.75 : 0.5));
  // which kind has room when the facility has any
  const freeKind = hasFree ? rng.pick(kinds) : null;
  return kinds.map((kind) => {
    const total = kind === 'mother_child' ? rng.int(1, flat ? 2 : 4) : flat ? rng.int(2, 5) : rng.int(4, 14);
    const outOfService = total > 2 && rng.chance(0.1) ? 1 : 0;
    const room = total - outOfService;
    const free =
      kind === freeKind ? rng.int(1, Math.max(1, Math.min(3, room))) : hasFree && rng.chance(0.3) ? rng.int(0, Math.min(2, room)) : 0;
    const p: CreateFacilityDto['places'][number] = { kind, total, occupied: Math.max(0, room - free) };
    if (outOfService) p.outOfService = outOfService;
    if (kind === 'mother_child')
      p.childCapacity = rng.weighted([
        [1, 2],
        [2, 4],
        [3, 3],
        [4, 1],
      ] as const);
    return p;
  });
}

/** Facility number i (0-based) of the stream: each consumes the stream in the same way whatever n is. */
function facility(rng: Rng, i: number): GeneratedFacility {
  const province: ProvinceSeed = rng.weighted(PROVINCE_ENTRIES);
  const line = rng.weighted(LINES.map((l) => [l, l.weight] as const));
  const type = rng.weighted(line.types);
  const secret = rng.chance(type === 'casa_di_fuga' ? 0.85 : type === 'high_intensity_community' ? 0.5 : 0.1);
  // secret houses mostly give no coordinates (the demo network does the same); matchPoint coarsens the rest
  const withLocation = rng.chance(secret ? 0.4 : 0.9);
  const location = withLocation
    ? {
        lat: Math.round((province.lat + (rng.next() - 0.5) * 0.24) * 1e4) / 1e4,
        lon: Math.round((province.lon + (rng.next() - 0.5) * 0.3) * 1e4) / 1e4,
      }
    : undefined;
  const hasFree = rng.chance(0.6);
  const paused = rng.chance(0.04);
  const freshness = rng.weighted([
    ['fresh', 92],
    ['stale', 6],
    ['unknown', 2],
  ] as const);
  const confirmedHoursAgo = freshness === 'fresh' ? rng.int(1, 22) + rng.next() : freshness === 'stale' ? rng.int(26, 300) : null;
  const supports: Support[] = rng.subset([
    ['mental_health', 0.35],
    ['substance_use', line.key === 'men' ? 0.3 : 0.12],
    ['disability', 0.1],
    ['pregnancy', line.pregnancySupport],
  ] as const);
  const overrideProtection = rng.chance(0.2) ? rng.pick<ProtectionLevel>(['low', 'medium', 'high']) : undefined;
  const orgIndex = rng.int(0, ORG_KIND.length * ORG_NAME.length - 1);
  const dto: CreateFacilityDto = {
    name: `${TYPE_LABEL[type]} ${province.name} ${i + 1} (fittizia)`,
    organization: `${ORG_KIND[orgIndex % ORG_KIND.length]} ${ORG_NAME[Math.floor(orgIndex / ORG_KIND.length)]} (ente fittizio)`,
    type,
    provinceCode: province.code,
    accepts: { genders: [...rng.pick(line.genders)], adults: line.adults, minors: line.minors, children: line.children },
    languages: ['it', ...rng.subset(STAFF_LANGUAGES)],
    exploitationExpertise: rng.subset(line.expertise),
    supports,
    secretAddress: secret,
    address: `${rng.pick(STREET)} ${rng.int(1, 120)}, ${province.name} (indirizzo fittizio)`,
    contactEmail: `struttura${i + 1}@example.org`,
    places: places(rng, line, type, hasFree),
  };
  if (overrideProtection) dto.protectionLevel = overrideProtection;
  if (location) dto.location = location;
  if (paused) {
    dto.acceptingNewGuests = false;
    dto.intakeNote = 'accoglienze sospese per lavori (fittizio)';
  }
  // the id comes last so that it does not shift the fields above
  return { id: rng.uuid(), line: line.key, dto, confirmedHoursAgo };
}

/**
 * A synthetic national network of n facilities (the issue asks for 100 to 10,000), deterministic in
 * `seed`. Prefix-stable: the first k facilities of generateNetwork(n, s) are generateNetwork(k, s), so
 * a network grown 500 → 1,000 → … is the same as one generated at the final size.
 */
export function generateNetwork(n: number, seed: number): GeneratedFacility[] {
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`generateNetwork: n must be an integer in 1..100000 (got ${n})`);
  const rng = new Rng(seed);
  return Array.from({ length: n }, (_, i) => facility(rng, i));
}

export interface NetworkStats {
  n: number;
  provinces: number;
  regions: number;
  withFreePlace: number;
  paused: number;
  stale: number;
  neverConfirmed: number;
  secret: number;
  withLocation: number;
  places: number;
  beds: number;
  byType: Map<FacilityType, number>;
  byLine: Map<string, number>;
  topProvinces: [string, number][];
}

export function networkStats(fs: readonly GeneratedFacility[], staleAfterHours: number): NetworkStats {
  const count = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
  const byType = new Map<FacilityType, number>();
  const byLine = new Map<string, number>();
  const byProvince = new Map<string, number>();
  const regions = new Set<string>();
  const regionOf = new Map(PROVINCES.map((p) => [p.code, p.regionCode]));
  let withFreePlace = 0,
    paused = 0,
    stale = 0,
    neverConfirmed = 0,
    secret = 0,
    withLocation = 0,
    places = 0,
    beds = 0;
  for (const f of fs) {
    count(byType, f.dto.type);
    count(byLine, f.line);
    count(byProvince, f.dto.provinceCode);
    regions.add(regionOf.get(f.dto.provinceCode)!);
    if (f.dto.places.some((p) => p.total - (p.occupied ?? 0) - (p.outOfService ?? 0) > 0)) withFreePlace++;
    if (f.dto.acceptingNewGuests === false) paused++;
    if (f.confirmedHoursAgo === null) neverConfirmed++;
    else if (f.confirmedHoursAgo > staleAfterHours) stale++;
    if (f.dto.secretAddress) secret++;
    if (f.dto.location) withLocation++;
    places += f.dto.places.length;
    beds += f.dto.places.reduce((s, p) => s + p.total, 0);
  }
  const topProvinces = [...byProvince.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 6);
  return {
    n: fs.length,
    provinces: byProvince.size,
    regions: regions.size,
    withFreePlace,
    paused,
    stale,
    neverConfirmed,
    secret,
    withLocation,
    places,
    beds,
    byType,
    byLine,
    topProvinces,
  };
}
