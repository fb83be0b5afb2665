// Public surface of the pure matching core (no Nest, no TypeORM).
export { EARTH_RADIUS_KM, haversineKm } from './geo.js';
export { choosePlace, neededPlaceKinds } from './place-kind.js';
export { checkHardConstraints, firstFailure, primaryReason, requiredSupports } from './hard-constraints.js';
export type { HardConstraintResult } from './hard-constraints.js';
export { CRITERIA, PROXIMITY_RANGE_KM, STAGE_FIT, round2, scoreCandidate } from './scoring.js';
export { compareCandidates, rankCandidates } from './rank.js';
export type { RankOptions } from './rank.js';
