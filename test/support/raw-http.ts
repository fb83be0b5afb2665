import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/** One request exactly as it goes on the wire: the path is sent unnormalised, the body as bytes. */
export interface RawRequest {
  method: string;
  /** path and query string, already percent-encoded as the test wants them */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** a connection of its own, closed afterwards: for requests the server may answer by closing the socket */
  fresh?: boolean;
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  ms: number;
}

/**
 * A real loopback HTTP client for the app under test: keep-alive sockets (at most `maxSockets`
 * at a time), no URL normalisation, no JSON encoding, so malformed input reaches the server's own
 * parsers. supertest would re-encode paths and bodies.
 */
export class RawClient {
  private readonly agent: http.Agent;

  private constructor(
    private readonly port: number,
    maxSockets: number,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** Listens the app's server on a free loopback port (closed by app.close()). */
  static async listen(app: NestFastifyApplication, maxSockets = 16): Promise<RawClient> {
    const server = app.getHttpServer() as http.Server;
    if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return new RawClient((server.address() as AddressInfo).port, maxSockets);
  }

  async send(r: RawRequest, timeoutMs = 30_000): Promise<RawResponse> {
    try {
      return await this.once(r, timeoutMs);
    } catch (e) {
      // a keep-alive socket the server had just closed (e.g. after refusing a malformed request line):
      // the documented remedy is to retry once on a new socket
      if ((e as { reusedSocket?: boolean }).reusedSocket && (e as NodeJS.ErrnoException).code === 'ECONNRESET')
        return this.once({ ...r, fresh: true }, timeoutMs);
      throw e;
    }
  }

  private once(r: RawRequest, timeoutMs: number): Promise<RawResponse> {
    const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body, 'utf8');
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    if (body !== undefined) headers['content-length'] = String(body.length);
    if (r.fresh) headers.connection = 'close';
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: this.port, method: r.method, path: r.path, headers, agent: r.fresh ? false : this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          // an event stream (GET /api/v1/events) never ends: its first chunk is the answer, then hang up
          // (a HEAD has no body at all: it ends like any other answer)
          if (r.method !== 'HEAD' && res.statusCode === 200 && /^text\/event-stream/.test(res.headers['content-type'] ?? ''))
            return res.once('data', (c: Buffer) => {
              resolve({ status: 200, headers: res.headers, text: c.toString('utf8'), ms: performance.now() - started });
              req.destroy();
            });
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
              ms: performance.now() - started,
            }),
          );
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e: Error & { reusedSocket?: boolean }) => {
        e.reusedSocket = req.reusedSocket && !r.fresh;
        reject(e);
      });
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Percent-encodes every byte of the UTF-8 form that is not unreserved (lone surrogates become U+FFFD). */
export function pct(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function pool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return out;
}
