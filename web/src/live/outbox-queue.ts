/**
 * The bed board's changes on their way to the service, kept on the phone (localStorage, per person)
 * so that a network that comes and goes, or a reload, loses none of them. Each change carries its
 * own Idempotency-Key (a replay returns the first answer, nothing twice) and the version it was made
 * on; when the service says that version is gone (409 version_conflict), the change waits for the
 * manager to choose between her numbers and the current ones: nothing is overwritten silently.
 */
import { ApiError, api, get } from '../core/api.js';
import { backOnline, wentOffline } from './offline.js';
import { session } from '../core/session.js';
import type { Availability, Facility, Place } from '../core/types.js';

export type PlaceInput = Pick<Place, 'kind' | 'total' | 'occupied' | 'outOfService' | 'childCapacity'>;

export interface Change {
  key: string;
  facilityId: string;
  op: 'save' | 'confirm';
  /** the version she saw when she made it */
  version: number;
  /** what a save sends */
  places?: PlaceInput[];
  /** the numbers she had in front of her (shown again in a conflict) */
  mine: Place[];
  at: string;
}
export interface Conflict {
  change: Change;
  current: Availability;
}
export type Outcome =
  | { type: 'sent'; change: Change; availability: Availability }
  | { type: 'conflict'; conflict: Conflict }
  | { type: 'failed'; change: Change; error: ApiError }
  | { type: 'waiting' };

interface Stored {
  changes: Change[];
  conflicts: Conflict[];
}

const storeKey = () => `approdo.outbox.${session.claims()?.sub ?? ''}`;
function load(): Stored {
  try {
    const s = JSON.parse(localStorage.getItem(storeKey()) ?? '') as Stored;
    return { changes: s.changes ?? [], conflicts: s.conflicts ?? [] };
  } catch {
    return { changes: [], conflicts: [] };
  }
}
const save = (s: Stored) => localStorage.setItem(storeKey(), JSON.stringify(s));

const listeners = new Set<(facilityId: string, o: Outcome) => void>();
/** Tells `f` what became of a facility's changes; returns the unsubscriber. */
export function onOutcome(f: (facilityId: string, o: Outcome) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
const tell = (facilityId: string, o: Outcome) => listeners.forEach((f) => f(facilityId, o));

export const pending = (facilityId: string) => load().changes.filter((c) => c.facilityId === facilityId);
export const conflictOf = (facilityId: string) => load().conflicts.find((c) => c.change.facilityId === facilityId) ?? null;

/** Queues a change and tries to send it at once. */
export function submit(change: Omit<Change, 'key' | 'at'>): Promise<void> {
  const s = load();
  s.changes.push({ ...change, key: crypto.randomUUID(), at: new Date().toISOString() });
  save(s);
  return flush();
}

async function send(c: Change): Promise<Availability> {
  const headers = { 'idempotency-key': c.key };
  const path = `/facilities/${c.facilityId}/availability`;
  return c.op === 'save'
    ? api<Availability>('PUT', path, { version: c.version, places: c.places }, headers)
    : api<Availability>('POST', `${path}/confirm`, { version: c.version }, headers);
}

let running: Promise<void> | null = null;
/** Sends what waits, oldest first; a facility in conflict waits for her choice, the others go on. */
export function flush(): Promise<void> {
  running ??= sendAll().finally(() => (running = null));
  return running;
}

async function sendAll(): Promise<void> {
  for (;;) {
    const s = load();
    const blocked = new Set(s.conflicts.map((c) => c.change.facilityId));
    const next = s.changes.find((c) => !blocked.has(c.facilityId));
    if (!next) return;
    let outcome: Outcome;
    try {
      const availability = await send(next);
      backOnline();
      outcome = { type: 'sent', change: next, availability };
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'network', null);
      if (error.status === 0) {
        wentOffline();
        return tell(next.facilityId, { type: 'waiting' });
      }
      // a refusal of the whole session or a busy service: the change stays, and is tried again later
      if (error.status === 401 || error.status === 429 || error.status >= 500) return tell(next.facilityId, { type: 'waiting' });
      if (error.code === 'version_conflict') {
        const current = await get<Availability>(`/facilities/${next.facilityId}/availability`).catch(() => null);
        if (!current) return tell(next.facilityId, { type: 'waiting' });
        outcome = { type: 'conflict', conflict: { change: next, current } };
      } else outcome = { type: 'failed', change: next, error };
    }
    const after = load();
    after.changes = after.changes.filter((c) => c.key !== next.key);
    if (outcome.type === 'sent')
      // the changes made after this one were made on its result: they go with its new version
      for (const c of after.changes)
        if (c.facilityId === next.facilityId && c.version === next.version) c.version = outcome.availability.version;
    if (outcome.type === 'conflict') after.conflicts.push(outcome.conflict);
    save(after);
    tell(next.facilityId, outcome);
  }
}

/**
 * Her choice in a conflict. Hers: her numbers are saved on the current version (a new key: it is a
 * new decision), then whatever she queued after. The current ones: her change and what she queued
 * after it on that facility (made on her numbers) are dropped.
 */
export function choose(facilityId: string, keep: 'mine' | 'current'): Promise<void> {
  const s = load();
  const conflict = s.conflicts.find((c) => c.change.facilityId === facilityId);
  if (!conflict) return flush();
  s.conflicts = s.conflicts.filter((c) => c !== conflict);
  const others = s.changes.filter((c) => c.facilityId !== facilityId);
  const later = s.changes.filter((c) => c.facilityId === facilityId);
  if (keep === 'current') s.changes = others;
  else {
    const { change, current } = conflict;
    const places: PlaceInput[] = (change.places ?? change.mine).map((p) => {
      const mine = change.mine.find((m) => m.kind === p.kind) ?? p;
      return {
        kind: mine.kind,
        total: mine.total,
        occupied: mine.occupied,
        outOfService: mine.outOfService,
        ...(mine.childCapacity ? { childCapacity: mine.childCapacity } : {}),
      };
    });
    const again: Change = {
      ...change,
      op: 'save',
      places,
      version: current.version,
      key: crypto.randomUUID(),
      at: new Date().toISOString(),
    };
    s.changes = [again, ...later.map((c) => ({ ...c, version: current.version })), ...others];
  }
  save(s);
  return flush();
}

/** The last numbers of her facilities, kept so the board opens without a network. */
const boardKey = () => `approdo.board.${session.claims()?.sub ?? ''}`;
export function remember(facilities: Facility[]): void {
  const keep = facilities.map((f) => ({
    id: f.id,
    name: f.name,
    type: f.type,
    regionCode: f.regionCode,
    provinceCode: f.provinceCode,
    places: f.places,
    availability: f.availability,
    intakeNote: f.intakeNote ?? null,
  }));
  localStorage.setItem(boardKey(), JSON.stringify({ at: new Date().toISOString(), facilities: keep }));
}
/**
 * On "Esci": the kept boards (house names, the secret ones too, provinces, beds) leave the phone, every
 * person's. Her queued changes stay (ids and numbers, no names): they are hers to send when she signs in again.
 */
export function forgetBoards(): void {
  for (const k of Object.keys(localStorage)) if (k.startsWith('approdo.board.')) localStorage.removeItem(k);
}
export function recall(): { at: string; facilities: Facility[] } | null {
  try {
    return JSON.parse(localStorage.getItem(boardKey()) ?? '') as { at: string; facilities: Facility[] };
  } catch {
    return null;
  }
}

/** Once per tab: what waits is sent when the network comes back, and tried again every 20 s while anything waits. */
export function startOutbox(): void {
  window.addEventListener('online', () => void flush());
  window.setInterval(() => {
    if (session.claims() && load().changes.length) void flush();
  }, 20_000);
  if (session.claims()) void flush();
}
