// Public surface of the pure matching core (no Nest, no TypeORM).
export { EARTH_RADIUS_KM, haversineKm } from './geo.js';
export { choosePlace, neededPlaceKinds, placeFor } from './place-kind.js';
export { checkHardConstraints, firstFailure, firstFailureOf, primaryReason } from './hard-constraints.js';
export { factsOf, requiredSupports, withChildSexes } from './request-facts.js';
export type { RequestFacts } from './request-facts.js';
export type { HardConstraintResult } from './hard-constraints.js';
export { CRITERIA, PROXIMITY_RANGE_KM, STAGE_FIT, round2, scoreCandidate, scoreWith } from './scoring.js';
export { compareCandidates, exploitationSigns, rankCandidates } from './rank.js';
export type { RankOptions } from './rank.js';
export { packNetwork, rankPacked } from './packed-network.js';
export type { PackedNetwork } from './packed-network.js';
