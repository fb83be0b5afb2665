import {
  EXCLUSION_REASONS,
  ExclusionReason,
  FacilitySnapshot,
  GENDERS,
  LEGAL_STATUSES,
  MatchingWeights,
  MatchRequest,
  MatchResult,
  PLACE_KINDS,
  SUPPORTS,
} from '../../domain/types.js';
import { cosLat, greatCircleKmCos } from './geo.js';
import { firstFailureOf } from './hard-constraints.js';
import { RankOptions, Tally } from './rank.js';
import { factsOf, protectionRank, RequestFacts } from './request-facts.js';

/*
 * A network packed for judging: the inputs of the hard constraints as flat typed arrays, a few
 * dozen bytes per facility. Judging 10,000 facility objects is bound by memory latency (each rule
 * follows pointers to arrays and strings scattered over the heap); packed, the whole network fits
 * in cache. rankPacked gives exactly what rankCandidates gives on the same snapshots (a property
 * test holds them equal); anything the packing cannot represent is judged by firstFailureOf.
 */

// a Map, not an object: a kind named like an Object.prototype member must not find an index
const KIND_INDEX = new Map<string, number>(PLACE_KINDS.map((k, i) => [k, i]));
const KINDS = PLACE_KINDS.length;
const MOTHER_CHILD = KIND_INDEX.get('mother_child')!;

// bits of `flags`
const ADULTS = 1 << 0;
const MINORS = 1 << 1;
const CHILDREN = 1 << 2;
const ACCEPTING = 1 << 3;
/** judged by firstFailureOf instead: conflict tags (rare) or something the arrays cannot hold */
const PLAIN = 1 << 4;
const HAS_KIND = (k: number) => 1 << (5 + k);
const GENDER_SHIFT = 8;
const WHEELCHAIR = 1 << 11;

const bitOf = <T>(values: readonly T[], v: T): number => {
  const i = values.indexOf(v);
  return i < 0 ? -1 : 1 << i;
};

/** Bits of `xs` among `values`; -1 when one of them is not among `values`. */
function maskOf<T>(values: readonly T[], xs: readonly T[]): number {
  let mask = 0;
  for (const x of xs) {
    const bit = bitOf(values, x);
    if (bit < 0) return -1;
    mask |= bit;
  }
  return mask;
}

export interface PackedNetwork {
  readonly facilities: readonly FacilitySnapshot[];
  readonly regionIndex: ReadonlyMap<string, number>;
  readonly provinceIndex: ReadonlyMap<string, number>;
  readonly region: Uint32Array;
  readonly province: Uint32Array;
  readonly flags: Uint16Array;
  readonly protection: Uint8Array;
  readonly supports: Uint8Array;
  readonly lat: Float64Array;
  readonly lon: Float64Array;
  readonly cosLat: Float64Array;
  /** free places by facility and PLACE_KINDS index */
  readonly free: Float64Array;
  /** children one mother-child unit takes (missing: 0) */
  readonly childCapacity: Float64Array;
  /** the oldest boy who may come with his mother (no limit: Infinity) */
  readonly boysUpToAge: Float64Array;
  /** bits of LEGAL_STATUSES accepted; 0: every status */
  readonly legalStatuses: Uint8Array;
}

const indexer = () => {
  const index = new Map<string, number>();
  return { index, of: (code: string) => index.get(code) ?? index.set(code, index.size).get(code)! };
};

export function packNetwork(facilities: readonly FacilitySnapshot[]): PackedNetwork {
  const n = facilities.length;
  const regions = indexer();
  const provinces = indexer();
  const net = {
    facilities,
    regionIndex: regions.index,
    provinceIndex: provinces.index,
    region: new Uint32Array(n),
    province: new Uint32Array(n),
    flags: new Uint16Array(n),
    protection: new Uint8Array(n),
    supports: new Uint8Array(n),
    lat: new Float64Array(n),
    lon: new Float64Array(n),
    cosLat: new Float64Array(n),
    free: new Float64Array(n * KINDS),
    childCapacity: new Float64Array(n),
    boysUpToAge: new Float64Array(n),
    legalStatuses: new Uint8Array(n),
  };
  facilities.forEach((f, i) => {
    net.region[i] = regions.of(f.regionCode);
    net.province[i] = provinces.of(f.provinceCode);
    net.lat[i] = f.point.lat;
    net.lon[i] = f.point.lon;
    net.cosLat[i] = cosLat(f.point.lat);
    const genders = maskOf(GENDERS, f.accepts.genders);
    const supports = maskOf(SUPPORTS, f.supports);
    const rank = protectionRank(f.protectionLevel);
    const legal = maskOf(LEGAL_STATUSES, f.legalStatusesAccepted);
    let flags =
      (f.accepts.adults ? ADULTS : 0) |
      (f.accepts.minors ? MINORS : 0) |
      (f.accepts.children ? CHILDREN : 0) |
      (f.acceptingNewGuests ? ACCEPTING : 0) |
      (f.wheelchairAccessible === true ? WHEELCHAIR : 0) |
      (Math.max(0, genders) << GENDER_SHIFT);
    if (f.conflictTags.length || genders < 0 || supports < 0 || rank < 0 || legal < 0) flags |= PLAIN;
    // as the rules read it: null or undefined is no limit; anything else (NaN too) compared with `>`
    net.boysUpToAge[i] = f.accepts.boysUpToAge ?? Number.POSITIVE_INFINITY;
    net.legalStatuses[i] = Math.max(0, legal);
    for (const p of f.places) {
      const k = KIND_INDEX.get(p.kind);
      // an unknown kind or a kind listed twice: leave it to the plain rules
      if (k === undefined || flags & HAS_KIND(k)) flags |= PLAIN;
      else {
        flags |= HAS_KIND(k);
        net.free[i * KINDS + k] = p.free;
        if (k === MOTHER_CHILD) net.childCapacity[i] = p.childCapacity ?? 0;
      }
    }
    net.flags[i] = flags;
    net.protection[i] = Math.max(0, rank);
    net.supports[i] = Math.max(0, supports);
  });
  return net;
}

/** The request as masks over the packed network; null when it asks for something the masks cannot say. */
function packRequest(q: RequestFacts, net: PackedNetwork) {
  const gender = bitOf(GENDERS, q.req.person.gender);
  const needs = maskOf(SUPPORTS, q.requiredSupports);
  const kinds = q.placeKinds.map((k) => KIND_INDEX.get(k));
  const legal = q.legalStatus === null ? 0 : bitOf(LEGAL_STATUSES, q.legalStatus);
  if (gender < 0 || needs < 0 || legal < 0 || kinds.some((k) => k === undefined)) return null;
  const excludedProvince = new Uint8Array(net.provinceIndex.size);
  for (const code of q.excludedProvinces) if (net.provinceIndex.has(code)) excludedProvince[net.provinceIndex.get(code)!] = 1;
  const excludedRegion = new Uint8Array(net.regionIndex.size);
  for (const code of q.excludedRegions) if (net.regionIndex.has(code)) excludedRegion[net.regionIndex.get(code)!] = 1;
  const exploitationProvince = new Uint8Array(net.provinceIndex.size);
  for (const code of q.exploitationProvinces) if (net.provinceIndex.has(code)) exploitationProvince[net.provinceIndex.get(code)!] = 1;
  return {
    excludedProvince,
    excludedRegion,
    exploitationProvince,
    /** where too_close measures from, with the cosines of their latitudes */
    tooCloseLat: Float64Array.from(q.tooCloseFrom, (p) => p.lat),
    tooCloseLon: Float64Array.from(q.tooCloseFrom, (p) => p.lon),
    tooCloseCos: Float64Array.from(q.tooCloseFrom, (p) => cosLat(p.lat)),
    /** -1: no facility is in the requester's region */
    region: net.regionIndex.get(q.req.regionCode) ?? -1,
    /** whether too_far needs the distance from the origin */
    distances: q.maxDistanceKm !== null,
    originCos: cosLat(q.req.origin.point.lat),
    gender: gender << GENDER_SHIFT,
    needs,
    /** the person's legal status bit, 0 when not given */
    legal,
    kinds: kinds as number[],
  };
}

type PackedRequest = NonNullable<ReturnType<typeof packRequest>>;

/** Reason codes: indexes into EXCLUSION_REASONS, -1 for none (counted in an array, not a map). */
const R = Object.fromEntries(EXCLUSION_REASONS.map((r, i) => [r, i])) as Record<ExclusionReason, number>;
const PASSES = -1;

/** firstFailureOf for facility i, read from the arrays; the rules in the same precedence order. */
function packedFailure(q: RequestFacts, r: PackedRequest, net: PackedNetwork, i: number): number {
  const flags = net.flags[i];
  if (r.exploitationProvince[net.province[i]]) return R.exploitation_area;
  if (r.excludedProvince[net.province[i]] || r.excludedRegion[net.region[i]]) return R.excluded_area;
  if (q.minDistanceKm !== null) {
    let near = Number.POSITIVE_INFINITY;
    for (let k = 0; k < r.tooCloseLat.length; k++)
      near = Math.min(near, greatCircleKmCos(net.lat[i], net.lon[i], net.cosLat[i], r.tooCloseLat[k], r.tooCloseLon[k], r.tooCloseCos[k]));
    if (near < q.minDistanceKm) return R.too_close;
  }
  const o = q.req.origin.point;
  const km = r.distances ? greatCircleKmCos(net.lat[i], net.lon[i], net.cosLat[i], o.lat, o.lon, r.originCos) : Number.NaN;
  if (!q.req.preferences.crossRegion && net.region[i] !== r.region) return R.out_of_region;
  if (q.maxDistanceKm !== null && km > q.maxDistanceKm) return R.too_far;
  if (!(flags & r.gender)) return R.gender_not_accepted;
  if (!(flags & (q.minor ? MINORS : ADULTS))) return R.age_not_accepted;
  if (
    q.children > 0 &&
    (!(flags & CHILDREN) || q.oldestBoy > net.boysUpToAge[i] || !(flags & HAS_KIND(MOTHER_CHILD)) || !(net.childCapacity[i] >= q.children))
  )
    return R.children_not_accepted;
  if (r.legal && net.legalStatuses[i] && !(r.legal & net.legalStatuses[i])) return R.legal_status_not_accepted;
  if (net.protection[i] < q.protectionRank) return R.protection_too_low;
  if (r.needs & ~net.supports[i]) return R.needs_unsupported;
  if (q.wheelchair && !(flags & WHEELCHAIR)) return R.not_wheelchair_accessible;
  if (!(flags & ACCEPTING)) return R.not_accepting;
  for (const k of r.kinds) {
    // free is a Float64Array: NaN stays NaN, and `> 0` refuses it as the rules do
    const fits =
      flags & HAS_KIND(k) && net.free[i * KINDS + k] > 0 && (k !== MOTHER_CHILD || q.children === 0 || net.childCapacity[i] >= q.children);
    if (fits) return PASSES;
  }
  return R.no_free_place;
}

/**
 * rankCandidates over a packed network. `replaced`: facilities that differ from the packed ones for
 * this search only (live holds, conflict tags), by index; they are judged by firstFailureOf.
 */
export function rankPacked(
  req: MatchRequest,
  net: PackedNetwork,
  weights: MatchingWeights,
  opts: RankOptions & { replaced?: ReadonlyMap<number, FacilitySnapshot> } = {},
): MatchResult {
  const q = factsOf(req);
  const r = packRequest(q, net);
  const tally = new Tally(q, weights, opts.limit, opts.listExcluded);
  const n = net.facilities.length;
  const plain = new Uint8Array(n);
  for (const i of opts.replaced?.keys() ?? []) plain[i] = 1;
  const counts = new Int32Array(EXCLUSION_REASONS.length);
  // the excluded by index, only when they are to be named (in the order judged, as rankCandidates names them)
  const reasonOf = opts.listExcluded ? new Int8Array(n).fill(PASSES) : null;
  for (let i = 0; i < n; i++) {
    let reason: number;
    if (r !== null && !plain[i] && !(net.flags[i] & PLAIN)) {
      reason = packedFailure(q, r, net, i);
      if (reason === PASSES) tally.admit(net.facilities[i]);
    } else {
      const f = opts.replaced?.get(i) ?? net.facilities[i];
      const failure = firstFailureOf(q, f);
      reason = failure === null ? PASSES : R[failure];
      if (failure === null) tally.admit(f);
    }
    if (reason !== PASSES) {
      counts[reason]++;
      if (reasonOf) reasonOf[i] = reason;
    }
  }
  if (reasonOf) {
    for (let i = 0; i < n; i++) if (reasonOf[i] !== PASSES) tally.exclude(EXCLUSION_REASONS[reasonOf[i]], 1, net.facilities[i].id);
  } else counts.forEach((count, k) => count && tally.exclude(EXCLUSION_REASONS[k], count));
  return tally.result();
}
