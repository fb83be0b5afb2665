import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DomainError } from '../domain/errors.js';
import { frame, HEARTBEAT, idFrame, type LiveEvent, visibleTo } from './live-event.js';

/** Where a stream's bytes go: the controller adapts the HTTP response to this. */
export interface Sink {
  /** false: the socket's buffer is full (bytes still queue in memory) */
  write(text: string): boolean;
  /** bytes written but not yet taken by the socket */
  buffered(): number;
  end(): void;
  /** drops the connection at once, unsent bytes and all */
  abort(): void;
}

/** One open stream. Until `live`, events are queued (a replay is being read); after, written as they come. */
export class Stream {
  lastSent = 0;
  queued: LiveEvent[] | null = [];
  sink: Sink | null = null;
  closed = false;
  constructor(readonly principal: Principal) {}
}

/**
 * The open streams of this instance and the fan-out to them. Memory per stream is bounded: a stream
 * whose unsent bytes pass `maxBufferedBytes` (or whose queue passes `maxQueued` while it replays) is
 * ended; its client reconnects with Last-Event-ID and reads what it missed from the database.
 */
@Injectable()
export class EventHub implements OnModuleDestroy {
  private readonly logger = new Logger('Events');
  private readonly streams = new Set<Stream>();
  private readonly perMember = new Map<string, number>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly watchers: ((events: LiveEvent[]) => void)[] = [];
  /** the last id published: a new stream goes live from here */
  cursor = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.heartbeat = setInterval(() => this.beat(), config.events.heartbeatSeconds * 1000).unref();
  }

  get size(): number {
    return this.streams.size;
  }

  /** Whether anything here wants events (a stream or a watcher): if not, reading them is work for nobody. */
  get listened(): boolean {
    return this.streams.size > 0 || this.watchers.length > 0;
  }

  /** Events up to `id` committed while nobody here listened: a stream opened later goes live after them. */
  skipTo(id: number): void {
    if (id > this.cursor) this.cursor = id;
  }

  /** A slot for `p`, or 503 service_busy past the caps (per member, per instance). */
  open(p: Principal): Stream {
    const { maxStreamsPerMember, maxStreams } = this.config.events;
    const mine = this.perMember.get(p.sub) ?? 0;
    if (mine >= maxStreamsPerMember || this.streams.size >= maxStreams)
      throw new DomainError('busy', 'service_busy', 'too many open event streams; close one or retry later', { retryAfterSeconds: 30 });
    const s = new Stream(p);
    this.streams.add(s);
    this.perMember.set(p.sub, mine + 1);
    return s;
  }

  /** Starts writing to `sink`: `replayed` first (already filtered and ordered), then what was queued meanwhile. */
  goLive(s: Stream, sink: Sink, first: string, replayed: LiveEvent[], startId: number): void {
    if (s.closed) return sink.end();
    s.sink = sink;
    s.lastSent = startId;
    this.write(s, first);
    for (const e of replayed) this.deliver(s, e);
    const queued = s.queued ?? [];
    s.queued = null;
    for (const e of queued) this.deliver(s, e);
    // the client's Last-Event-ID, when nothing came: a reconnect resumes from here
    if (!replayed.length && !queued.length && s.lastSent > 0) this.write(s, idFrame(s.lastSent));
  }

  close(s: Stream): void {
    if (s.closed) return;
    s.closed = true;
    this.streams.delete(s);
    const n = (this.perMember.get(s.principal.sub) ?? 1) - 1;
    if (n > 0) this.perMember.set(s.principal.sub, n);
    else this.perMember.delete(s.principal.sub);
    s.sink?.end();
  }

  /** `fn` sees every batch of committed events this instance reads (the push dispatcher wakes on proposals). */
  watch(fn: (events: LiveEvent[]) => void): void {
    this.watchers.push(fn);
  }

  /** Committed events, in id order; each event's text is made once, whatever the number of streams. */
  publish(events: LiveEvent[]): void {
    if (events.length) for (const w of this.watchers) w(events);
    for (const e of events) {
      if (e.id <= this.cursor) continue;
      this.cursor = e.id;
      let text: string | undefined;
      for (const s of this.streams) {
        if (!visibleTo(s.principal, e)) continue;
        if (s.queued) {
          // its replay is still being read and the queue is full: it reconnects and replays
          if (s.queued.length >= this.config.events.maxQueued) this.close(s);
          else s.queued.push(e);
        } else if (e.id > s.lastSent) {
          text ??= frame(e);
          s.lastSent = e.id;
          this.write(s, text);
        }
      }
    }
  }

  /** Every stream must reload (events were lost to this instance): they get `reset` and are ended. */
  resetAll(text: string): void {
    for (const s of [...this.streams]) {
      if (s.sink) this.write(s, text);
      this.close(s);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    // shutdown: streams end now, so the HTTP server can close; clients reconnect to another instance
    for (const s of [...this.streams]) this.close(s);
  }

  private deliver(s: Stream, e: LiveEvent): void {
    if (e.id <= s.lastSent || !visibleTo(s.principal, e)) return;
    s.lastSent = e.id;
    this.write(s, frame(e));
  }

  private write(s: Stream, text: string): void {
    if (s.closed || !s.sink) return;
    if (s.sink.buffered() > this.config.events.maxBufferedBytes) {
      this.logger.warn('dropped a stream that did not keep up');
      const sink = s.sink;
      this.close(s);
      sink.abort();
      return;
    }
    s.sink.write(text);
  }

  private beat(): void {
    for (const s of this.streams) if (!s.queued) this.write(s, HEARTBEAT);
  }
}
