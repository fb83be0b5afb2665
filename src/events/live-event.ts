import { can, facilityAccess } from '../auth/access.js';
import type { Principal } from '../auth/principal.js';

/** The stream's event names (the contract's: `proposal`, `request`, `availability`; `reset` after a bulk change). */
export const LIVE_EVENT_TYPES = ['proposal', 'request', 'availability', 'reset'] as const;
export type LiveEventType = (typeof LIVE_EVENT_TYPES)[number];

/** One committed change, as the triggers of migration 1763900016000 wrote it. */
export interface LiveEvent {
  id: number;
  type: LiveEventType;
  /** proposal and request: the request's region; availability: the facility's */
  regionCode: string | null;
  /** proposal and availability: the facility */
  facilityId: string | null;
  /** what the client receives: ids, statuses, versions, free places; never a profile or an address */
  data: Record<string, unknown>;
}

/** Whether `p` may receive `e`: the access policy's read rules, nothing of its own. */
export function visibleTo(p: Principal, e: LiveEvent): boolean {
  switch (e.type) {
    case 'request':
      return e.regionCode !== null && can(p, 'request.read', { regionCode: e.regionCode });
    case 'proposal':
      return e.regionCode !== null && can(p, 'case.read', { regionCode: e.regionCode, facilityId: e.facilityId ?? undefined });
    case 'availability':
      return e.facilityId !== null && facilityAccess(p, { id: e.facilityId, regionCode: e.regionCode ?? '' }) !== 'none';
    case 'reset':
      // a bulk change (an import of facilities): everyone reloads, nobody learns what changed
      return true;
    default:
      return false;
  }
}

/** One server-sent event: JSON.stringify never writes a line break, so `data` is one line. */
export const frame = (e: LiveEvent): string => `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

/** Tells the client to reload what it shows; the id moves its Last-Event-ID past the gap. */
export const resetFrame = (id: number): string => `id: ${id}\nevent: reset\ndata: {}\n\n`;

/** Moves the client's Last-Event-ID without an event (an `id` field with no data dispatches nothing). */
export const idFrame = (id: number): string => `id: ${id}\n\n`;

export const HEARTBEAT = ': ping\n\n';

/** A Last-Event-ID the stream can resume from, or undefined (absent, or not an id of ours). */
export function parseLastEventId(raw: string | undefined): number | 'invalid' | undefined {
  if (raw === undefined || raw === '') return undefined;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : 'invalid';
}
