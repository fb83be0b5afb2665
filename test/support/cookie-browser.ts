import { createServer } from 'node:net';

/** A free TCP port on loopback (the service's public base URL must be known before it starts). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

interface Cookie {
  value: string;
  path: string;
  raw: string;
}

/**
 * A browser without a screen: follows redirects one by one and keeps cookies (by name and path),
 * so the sign-in flow runs through HTTP exactly as a browser makes it.
 */
export class CookieBrowser {
  readonly jar = new Map<string, Cookie>();
  /** every Set-Cookie line seen, for checking flags */
  readonly setCookies: string[] = [];

  constructor(readonly base: string) {}

  private cookieHeader(path: string): string {
    return [...this.jar.entries()]
      .filter(([, c]) => path.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const name = pair.slice(0, pair.indexOf('='));
      const value = pair.slice(pair.indexOf('=') + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const maxAge = attrs.find((a) => /^max-age=/i.test(a));
      const expired = (maxAge && Number(maxAge.slice(8)) <= 0) || attrs.some((a) => /^expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, { value, path, raw: line });
    }
  }

  async request(method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    const u = new URL(url, this.base);
    const res = await fetch(u, {
      method,
      redirect: 'manual',
      headers: { ...(this.cookieHeader(u.pathname) ? { cookie: this.cookieHeader(u.pathname) } : {}), ...init.headers },
      body: init.body,
    });
    this.keep(res);
    return res;
  }

  /** Follows redirects within this origin; answers the last response and its URL. */
  async follow(method: string, url: string, init: { body?: string; headers?: Record<string, string> } = {}) {
    let res = await this.request(method, url, init);
    let at = new URL(url, this.base).href;
    for (let hops = 0; hops < 12 && res.status >= 300 && res.status < 400; hops++) {
      const next = new URL(res.headers.get('location')!, at);
      if (next.origin !== new URL(this.base).origin) return { res, url: next.href };
      at = next.href;
      res = await this.request('GET', at);
    }
    return { res, url: at };
  }

  /** The whole sign-in: /auth/login, the provider's login form, back through /auth/callback. */
  async signIn(user: string, password: string, returnTo = '/') {
    const { res, url } = await this.follow('GET', `/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
    if (res.status !== 200) throw new Error(`the login page answered ${res.status} at ${url}`);
    const html = await res.text();
    const action = /<form method="post" action="([^"]+)" class="login">/.exec(html)?.[1];
    if (!action) throw new Error('no login form');
    return this.follow('POST', action, {
      body: new URLSearchParams({ username: user, password }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  }

  get session(): string | undefined {
    return this.jar.get('approdo_session')?.value;
  }
}
