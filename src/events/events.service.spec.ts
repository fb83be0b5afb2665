import type { Principal } from '../auth/principal.js';
import type { Clock } from '../common/clock.js';
import { loadConfig } from '../config/app-config.js';
import { EventHub, type Sink } from './event-hub.service.js';
import type { EventsRepository, ListenConnection } from './events.repository.js';
import { EventsService } from './events.service.js';
import type { LiveEvent } from './live-event.js';

const config = loadConfig({ NODE_ENV: 'test' });
const uor: Principal = { sub: 'u', role: 'uor', region: '07', facilities: [] };
const ev = (id: number): LiveEvent => ({ id, type: 'request', regionCode: '07', facilityId: null, data: { id: `r${id}`, status: 'open' } });
const tick = () => new Promise((r) => setImmediate(r));

/** A log of committed events and the one LISTEN connection, played in memory: counts the reads. */
function world() {
  const log: LiveEvent[] = [];
  const w = { log, reads: 0, notify: (_id: number) => undefined as void, duringRead: undefined as (() => void) | undefined };
  const conn: ListenConnection = {
    // the read's snapshot is taken when it starts: what commits while it is on the wire is not in it
    after: async (id, limit) => {
      w.reads++;
      const seen = log.filter((e) => e.id > id).slice(0, limit);
      await tick();
      w.duringRead?.();
      w.duringRead = undefined;
      await tick();
      return seen;
    },
    lastId: async () => log.at(-1)?.id ?? 0,
    purgedThrough: async () => 0,
    close: async () => undefined,
  };
  const repo = {
    listen: async (onNotify: (id: number) => void) => ((w.notify = onNotify), conn),
    since: async (id: number) => ({ events: log.filter((e) => e.id > id), purgedThrough: 0, lastIssued: log.at(-1)?.id ?? 0 }),
  } as unknown as EventsRepository;
  /** a transaction commits `ids` and announces each, as the trigger does */
  const commit = (...ids: number[]) => {
    for (const id of ids) log.push(ev(id));
    for (const id of ids) w.notify(id);
  };
  return { w, repo, commit };
}

function sink() {
  let text = '';
  const api: Sink = { write: (t) => ((text += t), true), buffered: () => 0, end: () => undefined, abort: () => undefined };
  return { api, text: () => text };
}

describe('EventsService: reading only when someone listens', () => {
  let hub: EventHub;
  let svc: EventsService;
  let t: ReturnType<typeof world>;
  beforeEach(async () => {
    t = world();
    hub = new EventHub(config);
    svc = new EventsService(hub, t.repo, { now: () => new Date() } as Clock, config);
    await svc.onApplicationBootstrap();
    await tick();
    await tick();
    t.w.reads = 0;
  });
  afterEach(async () => {
    await svc.onApplicationShutdown();
    hub.onModuleDestroy();
  });

  it('reads nothing while no stream is open, and a stream opened then goes live after what was announced', async () => {
    t.commit(1, 2, 3);
    t.commit(4);
    await tick();
    expect(t.w.reads).toBe(0);
    expect(hub.cursor).toBe(4);

    const s = svc.open(uor);
    const out = sink();
    await svc.attach(s, out.api, undefined);
    t.commit(5, 6);
    for (let i = 0; i < 5; i++) await tick();
    // the stream starts at 4 (what a reconnect would resume from); what came after is sent, in order
    const frames = out.text().split('\n\n');
    expect(frames[0]).toBe('retry: 3000\nid: 4');
    expect(frames.filter((f) => f.includes('event:')).map((f) => Number(/^id: (\d+)$/m.exec(f)![1]))).toEqual([5, 6]);
  });

  it('reads a transaction of several events once, not once per notification', async () => {
    const s = svc.open(uor);
    await svc.attach(s, sink().api, undefined);
    t.commit(1, 2, 3, 4);
    for (let i = 0; i < 6; i++) await tick();
    expect(t.w.reads).toBe(1);
    expect(hub.cursor).toBe(4);
  });

  it('a reconnect with Last-Event-ID to an instance that skipped replays what it missed, then goes live', async () => {
    t.commit(1, 2, 3, 4);
    await tick();
    expect(t.w.reads).toBe(0);
    const s = svc.open(uor);
    const out = sink();
    await svc.attach(s, out.api, '2');
    t.commit(5);
    for (let i = 0; i < 8; i++) await tick();
    expect([...out.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([3, 4, 5]);
  });

  it('a commit that lands while a read is on the wire, after its snapshot, is read next, not lost', async () => {
    const s = svc.open(uor);
    const out = sink();
    await svc.attach(s, out.api, undefined);
    t.w.duringRead = () => t.commit(3);
    t.commit(1, 2);
    for (let i = 0; i < 12; i++) await tick();
    expect([...out.text().matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual([1, 2, 3]);
    expect(t.w.reads).toBe(2);
  });

  it('a notification that names no id (a server on the old trigger) is read, listened or not', async () => {
    t.w.log.push(ev(1));
    t.w.notify(0);
    for (let i = 0; i < 4; i++) await tick();
    expect(t.w.reads).toBe(1);
    expect(hub.cursor).toBe(1);
  });

  it('a watcher counts as listening: it sees every batch', async () => {
    const seen: number[] = [];
    hub.watch((events) => seen.push(...events.map((e) => e.id)));
    t.commit(1, 2);
    for (let i = 0; i < 6; i++) await tick();
    expect(seen).toEqual([1, 2]);
  });
});
