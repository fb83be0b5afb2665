import { request as httpRequest, type ClientRequest } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A server-sent events reader over node:http (supertest buffers whole bodies): events as they come, and the raw text. */
export class SseClient {
  readonly events: SseEvent[] = [];
  raw = '';
  status = 0;
  headers: Record<string, string | string[] | undefined> = {};
  /** the last `id:` seen, as a browser's EventSource keeps it */
  lastEventId: string | undefined;
  ended = false;
  body = '';
  private req!: ClientRequest;
  private waiters: (() => void)[] = [];

  static open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const c = new SseClient();
    return new Promise((ok, fail) => {
      c.req = httpRequest(url, { headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
        c.status = res.statusCode ?? 0;
        c.headers = res.headers;
        let pending = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          c.raw += chunk;
          if (c.status !== 200) return void (c.body += chunk);
          pending += chunk;
          let cut: number;
          while ((cut = pending.indexOf('\n\n')) >= 0) {
            c.parse(pending.slice(0, cut));
            pending = pending.slice(cut + 2);
          }
        });
        res.on('end', () => {
          c.ended = true;
          c.notify();
        });
        res.on('error', () => undefined);
        ok(c);
      });
      c.req.on('error', (e) => (c.status ? undefined : fail(e)));
      c.req.end();
    });
  }

  private parse(block: string): void {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      fields++;
      if (name === 'id') id = value;
      else if (name === 'event') event = value;
      else if (name === 'data') data.push(value);
    }
    if (id !== undefined) this.lastEventId = id;
    if (fields && data.length) this.events.push({ id, event, data: data.join('\n') });
    this.notify();
  }

  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Waits (up to `timeoutMs`, generous: never a timing assertion) until `pred` holds; returns whether it did. */
  async waitFor(pred: (c: SseClient) => boolean, timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!pred(this)) {
      const left = until - Date.now();
      if (left <= 0 || this.ended) return pred(this);
      await new Promise<void>((ok) => {
        const t = setTimeout(ok, Math.min(left, 200));
        this.waiters.push(() => (clearTimeout(t), ok()));
      });
    }
    return true;
  }

  /** Events of one name, with their data parsed. */
  of<T = Record<string, unknown>>(event: string): (T & { _id: string })[] {
    return this.events.filter((e) => e.event === event).map((e) => ({ ...(JSON.parse(e.data) as T), _id: e.id! }));
  }

  close(): void {
    this.req.destroy();
  }
}
