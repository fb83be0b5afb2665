/**
 * The pages' live updates: one stream of GET /api/v1/events per tab (src/events/events.controller.ts
 * says what it carries), shared by whatever page is open. A page follows it with `follow()`: its
 * handler gets the events, its `resync` reloads what it shows when the stream cannot say what was
 * missed (`reset`, or after the stream was down), and only while the stream is down does the page
 * poll, every `fallbackMs`. Reconnects resume with Last-Event-ID, so nothing in between is lost.
 */
import { backOnline, wentOffline } from './offline.js';
import { session } from '../core/session.js';

export interface ProposalEvent {
  id: string;
  requestId: string;
  facilityId: string;
  status: string;
}
export interface AvailabilityEvent {
  facilityId: string;
  version: number;
  places: { kind: string; free: number }[];
  confirmedAt: string | null;
  acceptingNewGuests: boolean;
}
export type LiveEvent =
  | { type: 'proposal'; data: ProposalEvent }
  | { type: 'request'; data: { id: string; status: string } }
  | { type: 'availability'; data: AvailabilityEvent };

interface Follower {
  onEvent: (e: LiveEvent) => void;
  resync: () => unknown;
  fallbackMs: number;
  timer?: number;
}

/**
 * Opens the stream with the session cookie. fetch() read as a stream rather than EventSource: it
 * tells a 401 (signed out: no retry loop) and a 503 (busy: wait) from a network failure.
 */
function openStream(lastEventId: string | null, signal: AbortSignal): Promise<Response> {
  return fetch('/api/v1/events', {
    credentials: 'same-origin',
    headers: {
      accept: 'text/event-stream',
      ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
    },
    cache: 'no-store',
    signal,
  });
}

const followers = new Set<Follower>();
let state: 'idle' | 'connecting' | 'open' | 'down' = 'idle';
let lastEventId: string | null = null;
// whose stream it is: another person signing in on this tab gets a stream of her own
let openedFor: string | null = null;
let abort: AbortController | null = null;
let retryTimer: number | undefined;
let idleTimer: number | undefined;
let backoffMs = 1000;
const MAX_BACKOFF_MS = 30_000;
// pings come every 25 s: two missed means the connection died without telling
const SILENCE_MS = 60_000;

function setState(s: typeof state): void {
  const was = state;
  state = s;
  document.body.dataset.live = s;
  if (s === 'open') {
    for (const f of followers) stopFallback(f);
    // what happened while the stream was down was polled for, or not at all: read once more
    if (was !== 'open') for (const f of followers) void Promise.resolve(f.resync()).catch(() => undefined);
  } else if (s === 'down') for (const f of followers) startFallback(f);
}

function startFallback(f: Follower): void {
  f.timer ??= window.setInterval(() => void Promise.resolve(f.resync()).catch(() => undefined), f.fallbackMs);
}
function stopFallback(f: Follower): void {
  window.clearInterval(f.timer);
  f.timer = undefined;
}

function dispatch(type: string, data: string): void {
  if (type === 'reset') {
    for (const f of followers) void Promise.resolve(f.resync()).catch(() => undefined);
    return;
  }
  if (type !== 'proposal' && type !== 'request' && type !== 'availability') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return;
  }
  const e = { type, data: parsed } as LiveEvent;
  for (const f of followers) f.onEvent(e);
}

/** Reads `text/event-stream` blocks (WHATWG HTML, server-sent events) as they arrive. */
async function read(res: Response, reset: () => void): Promise<void> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    reset();
    buffer += value.replace(/\r\n?/g, '\n');
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let type = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const i = line.indexOf(':');
        const name = i < 0 ? line : line.slice(0, i);
        const v = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
        if (name === 'event') type = v;
        else if (name === 'data') data.push(v);
        else if (name === 'id' && !v.includes('\0')) lastEventId = v;
      }
      if (data.length || type === 'reset') dispatch(type, data.join('\n'));
    }
  }
}

async function reachable(): Promise<boolean> {
  try {
    await fetch('/health', { cache: 'no-store' });
    backOnline();
    return true;
  } catch {
    return false;
  }
}

async function connect(): Promise<void> {
  window.clearTimeout(retryTimer);
  if (!followers.size || !session.claims() || state === 'connecting' || state === 'open') return;
  setState('connecting');
  openedFor = session.claims()!.sub;
  const ctl = new AbortController();
  abort = ctl;
  let silence: number | undefined;
  const watch = () => {
    window.clearTimeout(silence);
    silence = window.setTimeout(() => ctl.abort(), SILENCE_MS);
  };
  let retryAfterMs = 0;
  try {
    const res = await openStream(lastEventId, ctl.signal);
    backOnline();
    if (res.ok && res.body) {
      setState('open');
      backoffMs = 1000;
      watch();
      await read(res, watch);
    } else {
      // refused: signed out (the page's own calls handle that), or busy (503 with Retry-After)
      await res.body?.cancel();
      if (res.status === 401 || res.status === 403) {
        window.clearTimeout(silence);
        abort = null;
        return setState('down');
      }
      retryAfterMs = Number(res.headers.get('retry-after') ?? 0) * 1000;
    }
  } catch {
    // the stream alone may be cut (a proxy, a filter): offline only if the service does not answer at all
    if (!navigator.onLine || !(await reachable())) wentOffline();
  }
  window.clearTimeout(silence);
  if (abort === ctl) abort = null;
  if (state === 'idle') return;
  setState('down');
  if (!followers.size) return;
  const wait = Math.max(retryAfterMs, backoffMs * (0.5 + Math.random() / 2));
  backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  retryTimer = window.setTimeout(() => void connect(), wait);
}

function disconnect(): void {
  window.clearTimeout(retryTimer);
  setState('idle');
  abort?.abort();
  abort = null;
}

window.addEventListener('online', () => {
  backoffMs = 1000;
  if (state === 'down') void connect();
});
window.addEventListener('offline', () => abort?.abort());

/**
 * Follows the stream while a page is open; returns the stopper (call it when the page goes).
 * The stream outlives a page by half a minute, so moving between pages does not reconnect.
 */
export function follow(opts: { onEvent: (e: LiveEvent) => void; resync: () => unknown; fallbackMs: number }): () => void {
  const f: Follower = { ...opts };
  if (state !== 'idle' && openedFor !== session.claims()?.sub) {
    disconnect();
    lastEventId = null;
  }
  followers.add(f);
  window.clearTimeout(idleTimer);
  if (state !== 'open') startFallback(f);
  void connect();
  return () => {
    stopFallback(f);
    followers.delete(f);
    if (!followers.size) idleTimer = window.setTimeout(disconnect, 30_000);
  };
}

/** Runs `f` now, and once more after it if asked again meanwhile (a burst of events, one reload at a time). */
export function coalesce(f: () => Promise<unknown>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  const run = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await f().catch(() => undefined);
      } while (again);
    })().finally(() => (running = null));
    return running;
  };
  return run;
}
