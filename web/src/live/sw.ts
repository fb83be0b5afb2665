/**
 * The service worker (built by web/build.mjs into /sw.js, a classic script): it keeps the app shell
 * (index.html, the hashed assets of its own build, icons, manifest) so the pages open without a
 * network, and shows web pushes. API answers are never cached here: they may carry data about
 * people, and the pages keep only what they need (the bed board its numbers).
 */

// the few worker types used (the pages' tsconfig has the DOM library, not WebWorker's)
interface ExtendableEvent extends Event {
  waitUntil(p: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(r: Promise<Response> | Response): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown; text(): string } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification & { data: unknown };
}
interface WindowClient {
  url: string;
  focus(): Promise<WindowClient>;
  navigate(url: string): Promise<WindowClient | null>;
}
interface Worker {
  addEventListener(type: 'install' | 'activate', f: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', f: (e: FetchEvent) => void): void;
  addEventListener(type: 'push', f: (e: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', f: (e: NotificationEvent) => void): void;
  skipWaiting(): Promise<void>;
  registration: ServiceWorkerRegistration;
  location: Location;
  clients: {
    claim(): Promise<void>;
    matchAll(o: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
  };
}

/** Filled in by web/build.mjs: the shell's URLs and a name that changes with every build. */
declare const __PRECACHE__: string[];
declare const __BUILD__: string;

const worker = self as unknown as Worker;
const CACHE = `approdo-shell-${__BUILD__}`;
const NAVIGATION_WAIT_MS = 4000;

worker.addEventListener('install', (e) => {
  e.waitUntil(
    caches
      .open(CACHE)
      .then((c) => c.addAll(__PRECACHE__))
      .then(() => worker.skipWaiting()),
  );
});

worker.addEventListener('activate', (e) => {
  // the previous build's shell goes; open pages are taken over at once, so a reload offline works
  e.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('approdo-shell-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => worker.clients.claim()),
  );
});

worker.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== worker.location.origin) return;
  if (url.pathname.startsWith('/api/') || url.pathname === '/health') return;
  if (req.mode === 'navigate') {
    // the network first (a new build's shell), this build's shell when there is none or it is too
    // slow (a phone with one bar of reception should not stare at a blank page)
    const shell = () => caches.match('/', { cacheName: CACHE });
    const network = fetch(req);
    const slow = new Promise<Response | undefined>((ok) => setTimeout(() => void shell().then(ok), NAVIGATION_WAIT_MS));
    e.respondWith(
      Promise.race([network.catch(() => shell()), slow])
        .then((r) => r ?? network)
        .catch(() => Response.error()),
    );
    return;
  }
  e.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit ?? fetch(req)));
});

/** What a push carries (src/notifications): a title, a case code and a link, nothing about the person. */
export function notificationOf(data: unknown, origin: string): { title: string; body: string; link: string } {
  const d = (data && typeof data === 'object' ? data : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const title = str(d.title) || 'Approdo';
  const body = str(d.caseCode);
  // only this origin's pages: a push never opens a stranger's site
  let link = '/';
  try {
    const u = new URL(str(d.link) || '/', origin);
    if (u.origin === origin) link = u.pathname + u.search + u.hash;
  } catch {
    link = '/';
  }
  return { title, body, link };
}

worker.addEventListener('push', (e) => {
  let data: unknown;
  try {
    data = e.data?.json() ?? null;
  } catch {
    data = { title: e.data?.text() };
  }
  const n = notificationOf(data, worker.location.origin);
  e.waitUntil(
    worker.registration.showNotification(n.title, {
      body: n.body,
      icon: '/icons/icon-192.png',
      badge: '/icons/icon-192.png',
      tag: n.link,
      data: { link: n.link },
    }),
  );
});

worker.addEventListener('notificationclick', (e) => {
  e.notification.close();
  const { link } = notificationOf(e.notification.data, worker.location.origin);
  const url = new URL(link, worker.location.origin).href;
  e.waitUntil(
    worker.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(async (open) => {
      // a tab of Approdo already open goes to the page; otherwise a new one opens there
      const tab = open.find((c) => new URL(c.url).origin === worker.location.origin);
      if (tab)
        try {
          return await ((await tab.navigate(url)) ?? tab).focus();
        } catch {
          // a tab this worker does not control cannot be navigated from here
        }
      return worker.clients.openWindow(url);
    }),
  );
});
