import type { Principal } from '../auth/principal.js';
import { loadConfig } from '../config/app-config.js';
import { DomainError } from '../domain/errors.js';
import { EventHub, type Sink } from './event-hub.service.js';
import type { LiveEvent } from './live-event.js';

const config = loadConfig({ NODE_ENV: 'test', EVENTS_MAX_STREAMS_PER_MEMBER: '2' });
const uor: Principal = { sub: 'u', role: 'uor', region: '07', facilities: [] };
const request = (id: number): LiveEvent => ({
  id,
  type: 'request',
  regionCode: '07',
  facilityId: null,
  data: { id: `r${id}`, status: 'open' },
});

/** A sink whose socket takes nothing once `stalled`: every byte written stays buffered. */
function sink() {
  const s = { text: '', buffered: 0, stalled: false, ended: false, aborted: false };
  const api: Sink = {
    write: (t) => {
      s.text += t;
      if (s.stalled) s.buffered += t.length;
      return !s.stalled;
    },
    buffered: () => s.buffered,
    end: () => void (s.ended = true),
    abort: () => void (s.aborted = true),
  };
  return { s, api };
}

describe('EventHub', () => {
  let hub: EventHub;
  beforeEach(() => (hub = new EventHub(config)));
  afterEach(() => hub.onModuleDestroy());

  it('drops a stream whose unsent bytes pass the bound, and keeps serving the others', () => {
    const slow = sink();
    const fast = sink();
    hub.goLive(hub.open(uor), slow.api, '', [], 0);
    hub.goLive(hub.open({ ...uor, sub: 'v' }), fast.api, '', [], 0);
    slow.s.stalled = true;
    const n = Math.ceil(config.events.maxBufferedBytes / 60) + 10;
    for (let i = 1; i <= n; i++) hub.publish([request(i)]);
    expect(slow.s.aborted).toBe(true);
    expect(slow.s.buffered).toBeLessThanOrEqual(config.events.maxBufferedBytes + 200);
    expect(hub.size).toBe(1);
    expect(fast.s.text.match(/event: request/g)).toHaveLength(n);
  });

  it('queues while a replay is read, bounded; then writes replay and queue in order without repeats', () => {
    const s = hub.open(uor);
    hub.publish([request(5), request(6)]);
    const out = sink();
    hub.goLive(s, out.api, '', [request(4), request(5)], 3);
    expect([...out.s.text.matchAll(/id: (\d+)/g)].map((m) => m[1])).toEqual(['4', '5', '6']);

    const overflowing = hub.open({ ...uor, sub: 'w' });
    for (let i = 0; i <= config.events.maxQueued; i++) hub.publish([request(100 + i)]);
    expect(overflowing.closed).toBe(true);
  });

  it('caps the streams of one member (503 service_busy) and frees the slot on close', () => {
    const a = hub.open(uor);
    hub.open(uor);
    expect(() => hub.open(uor)).toThrow(DomainError);
    try {
      hub.open(uor);
    } catch (e) {
      expect(e).toMatchObject({ kind: 'busy', code: 'service_busy', details: { retryAfterSeconds: expect.any(Number) } });
    }
    hub.close(a);
    expect(() => hub.open(uor)).not.toThrow();
  });
});
