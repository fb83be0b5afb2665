import type { Principal } from './principal.js';

/**
 * A refused caller is evidence: who tried what (never the data). Auth defines this port and the audit
 * module implements it, so auth depends on no feature.
 */
export interface DenialRecorder {
  denied(who: Principal, route: string, code: string): Promise<void>;
}
export const DENIALS = Symbol('DENIALS');

/** `GET /api/v1/facilities/:id`: the route template, never the ids in the URL. */
export const routeOf = (req: { method: string; routeOptions?: { url?: string } }) =>
  `${req.method} ${req.routeOptions?.url ?? 'unmatched'}`;
