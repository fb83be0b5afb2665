import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventHub, type Sink, type Stream } from './event-hub.service.js';
import { EventsRepository, type ListenConnection } from './events.repository.js';
import { parseLastEventId, resetFrame } from './live-event.js';

/** Events a reconnect may replay; a longer gap gets `reset` (reloading the page is cheaper). */
const REPLAY_LIMIT = 5000;
const FETCH_BATCH = 1000;
const HOUR = 3_600_000;

/**
 * Feeds the hub from PostgreSQL: one LISTEN connection per instance, woken by the triggers'
 * pg_notify at each commit, reads the new rows in id order (ids follow commit order, see migration
 * 1763900016000) and publishes them. Reconnects by itself; what it missed meanwhile it reads then.
 */
@Injectable()
export class EventsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private conn: ListenConnection | null = null;
  private reading: Promise<void> | null = null;
  private again = false;
  /** the highest id a notification announced, or Infinity after one that named none */
  private announced = 0;
  private stopped = false;
  private retryMs = 500;
  private reconnecting = false;

  constructor(
    private readonly hub: EventHub,
    private readonly repo: EventsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.connect(true);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.reading?.catch(() => undefined);
    await this.conn?.close();
    this.conn = null;
  }

  /** A stream for `p` (503 past the caps), live from now or, with `lastEventId`, from there. */
  open(p: Principal): Stream {
    return this.hub.open(p);
  }

  async attach(s: Stream, sink: Sink, lastEventIdRaw: string | undefined): Promise<void> {
    const retry = `retry: ${this.config.events.retryMs}\n`;
    const last = parseLastEventId(lastEventIdRaw);
    if (last === undefined) return this.hub.goLive(s, sink, retry, [], this.hub.cursor);
    if (last === 'invalid') return this.hub.goLive(s, sink, retry + resetFrame(this.hub.cursor), [], this.hub.cursor);
    const { events, purgedThrough, lastIssued } = await this.repo.since(last, REPLAY_LIMIT);
    // reset: an id older than the log keeps, one never given, or a gap too long to replay; the page
    // reloads what it shows, and the stream goes on live from what this instance has published
    if (last < purgedThrough || last > lastIssued || events.length >= REPLAY_LIMIT)
      return this.hub.goLive(s, sink, retry + resetFrame(this.hub.cursor), [], this.hub.cursor);
    this.hub.goLive(s, sink, retry, events, last);
  }

  close(s: Stream): void {
    this.hub.close(s);
  }

  /** Retention: events older than EVENTS_RETENTION_HOURS go (a reconnect from before them gets reset). */
  purge(): Promise<number> {
    return this.repo.purgeBefore(new Date(this.clock.now().getTime() - this.config.events.retentionHours * HOUR));
  }

  private async connect(first: boolean): Promise<void> {
    let conn: ListenConnection | null = null;
    try {
      conn = await this.repo.listen(
        (id) => this.notified(id),
        (e) => {
          if (this.conn === conn) this.lost(e);
        },
      );
      if (this.stopped) return void (await conn.close());
      if (first) this.hub.cursor = await conn.lastId();
      else if ((await conn.purgedThrough()) > this.hub.cursor) this.hub.resetAll(resetFrame(await conn.lastId()));
      this.conn = conn;
      this.retryMs = 500;
      // what committed while nobody listened (announced by no notification we saw: read whatever a read
      // still running from before the loss decides)
      this.announced = Infinity;
      this.read();
    } catch (e) {
      await conn?.close();
      if (first) throw e;
      this.lost(e as Error);
    }
  }

  private lost(e: Error): void {
    if (this.stopped) return;
    const old = this.conn;
    this.conn = null;
    if (old) {
      this.logger.warn(`listen connection lost (${(e as { code?: string }).code ?? e.name}); reconnecting`);
      void old.close();
    }
    if (this.reconnecting) return;
    this.reconnecting = true;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 10_000);
    setTimeout(() => {
      this.reconnecting = false;
      void this.connect(false);
    }, wait).unref();
  }

  /**
   * A commit announced `id`. With no stream open and nothing watching, the cursor moves there and
   * nothing is read: a stream opened afterwards goes live after it, and one that reconnects with
   * Last-Event-ID replays from the database anyway. Otherwise the new rows are read.
   */
  private notified(id: number): void {
    this.announced = Math.max(this.announced, id || Infinity);
    if (id && !this.hub.listened && !this.reading) return this.hub.skipTo(id);
    this.read();
  }

  /**
   * Reads everything after the hub's cursor; a notification during a read makes it read again, unless
   * the read already reached what it announced (a transaction's events come as one notification each).
   */
  private read(): void {
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = (async () => {
      do {
        this.again = false;
        const conn = this.conn;
        if (!conn || this.stopped) break;
        let batch;
        do {
          batch = await conn.after(this.hub.cursor, FETCH_BATCH);
          this.hub.publish(batch);
        } while (batch.length === FETCH_BATCH);
        if (this.announced <= this.hub.cursor) this.again = false;
        this.announced = 0;
      } while (this.again);
    })()
      .catch((e: Error) => this.lost(e))
      .finally(() => (this.reading = null));
  }
}
