import { ApiError, whenUnauthorized } from './api.js';
import { h, notice, put } from './dom.js';
import { currentLang, setLang, t } from './i18n.js';
import { errorText, go } from './nav.js';
import { type Claims, session } from './session.js';

/** A page draws into `root`; it may return a function that stops its timers when the person leaves. */
export type Page = (root: HTMLElement, params: string[], claims: Claims) => Promise<void | (() => void)>;

interface Route {
  pattern: RegExp;
  roles: Claims['role'][] | null;
  load: () => Promise<Page>;
}

// pages load on demand: the bed board never downloads the map
const ROUTES: Route[] = [
  { pattern: /^\/beds$/, roles: ['shelter_manager', 'admin'], load: async () => (await import('./pages/beds.js')).bedsPage },
  { pattern: /^\/facilities\/([0-9a-f-]{36})$/, roles: null, load: async () => (await import('./pages/beds.js')).facilityPage },
  { pattern: /^\/proposals\/([0-9a-f-]{36})$/, roles: null, load: async () => (await import('./pages/beds.js')).proposalPage },
  { pattern: /^\/desk$/, roles: ['uor'], load: async () => (await import('./pages/desk.js')).deskPage },
  {
    pattern: /^\/desk\/new(?:\?after=([0-9a-f-]{36}))?$/,
    roles: ['uor'],
    load: async () => (await import('./pages/desk.js')).newRequestPage,
  },
  { pattern: /^\/requests\/([0-9a-f-]{36})$/, roles: ['uor'], load: async () => (await import('./pages/desk.js')).requestPage },
  { pattern: /^\/map$/, roles: ['national', 'uor', 'admin'], load: async () => (await import('./pages/map.js')).mapPage },
  { pattern: /^\/reports$/, roles: ['national', 'uor', 'admin'], load: async () => (await import('./pages/reports.js')).reportsPage },
  // issue 24: the printable monitoring sheet, its query (from, to, regionCode) after `?`
  {
    pattern: /^\/reports\/summary(?:\?(.*))?$/,
    roles: ['national', 'uor', 'admin'],
    load: async () => (await import('./pages/summary.js')).summaryPage,
  },
  { pattern: /^\/search$/, roles: ['national', 'uor'], load: async () => (await import('./pages/map.js')).searchPage },
];

const HOME: Record<Claims['role'], string> = { shelter_manager: '/beds', uor: '/desk', national: '/map', admin: '/map' };
const NAV: Record<Claims['role'], [string, Parameters<typeof t>[0]][]> = {
  shelter_manager: [['/beds', 'nav.beds']],
  uor: [
    ['/desk', 'nav.desk'],
    ['/map', 'nav.map'],
    ['/search', 'nav.search'],
    ['/reports', 'nav.reports'],
  ],
  national: [
    ['/map', 'nav.map'],
    ['/search', 'nav.search'],
    ['/reports', 'nav.reports'],
  ],
  admin: [
    ['/map', 'nav.map'],
    ['/reports', 'nav.reports'],
  ],
};

let stop: (() => void) | void;
let expired = false;

function signOut(): void {
  session.clear();
  go('/sign-in');
}

whenUnauthorized(() => {
  session.clear();
  expired = true;
  go('/sign-in');
});

function header(claims: Claims | null, path: string): HTMLElement {
  const langBtn = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost',
      lang: currentLang() === 'it' ? 'en' : 'it',
      'aria-label': t('lang.switchLabel'),
      onclick: () => (setLang(currentLang() === 'it' ? 'en' : 'it'), void render()),
    },
    t('lang.switch'),
  );
  return h(
    'header',
    { class: 'top' },
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: claims ? `#${HOME[claims.role]}` : '#/sign-in' }, t('app.name')),
      h('span', { class: 'tagline' }, t('app.tagline')),
      h('span', { class: 'spacer' }),
      langBtn,
    ),
    claims
      ? h(
          'nav',
          { 'aria-label': t('nav.label') },
          h(
            'ul',
            {},
            ...NAV[claims.role].map(([p, key]) =>
              h('li', {}, h('a', { href: `#${p}`, 'aria-current': path.startsWith(p) ? 'page' : null }, t(key))),
            ),
          ),
          h('span', { class: 'who' }, t('signedInAs', { user: claims.sub })),
          h('button', { type: 'button', class: 'btn btn-ghost', onclick: signOut }, t('signout')),
        )
      : null,
  );
}

async function render(): Promise<void> {
  if (stop) stop();
  stop = undefined;
  document.documentElement.lang = currentLang();
  const path = location.hash.replace(/^#/, '') || '/';
  const claims = session.claims();
  const app = document.getElementById('app')!;
  const main = h('main', { id: 'main', tabindex: '-1' });
  put(
    app,
    h('a', { class: 'skip', href: '#main', onclick: (e: Event) => (e.preventDefault(), main.focus()) }, t('app.skip')),
    header(claims, path),
    main,
  );

  if (!claims || path === '/sign-in') {
    if (claims && path === '/sign-in') return go(HOME[claims.role]);
    if (path !== '/sign-in' && path !== '/') sessionStorage.setItem('approdo.after', path);
    const { signInPage } = await import('./pages/sign-in.js');
    await signInPage(main, expired, (c) => {
      expired = false;
      const after = sessionStorage.getItem('approdo.after');
      sessionStorage.removeItem('approdo.after');
      go(after ?? HOME[c.role]);
    });
    document.title = `${t('signin.title')} · ${t('app.name')}`;
    return;
  }
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route || (route.roles && !route.roles.includes(claims.role))) return go(HOME[claims.role]);
  const params = route.pattern.exec(path)!.slice(1);
  put(main, h('p', { class: 'loading' }, t('loading')));
  try {
    const page = await route.load();
    stop = await page(main, params, claims);
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    put(main, notice('error', errorText(e)));
  }
  const h1 = main.querySelector('h1');
  document.title = `${h1?.textContent ?? ''} · ${t('app.name')}`;
}

window.addEventListener('hashchange', () => void render());
void render();
