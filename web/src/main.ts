import { ApiError, whenUnauthorized } from './core/api.js';
import { forgetDrafts } from './forms/drafts.js';
import { forgetBoards } from './live/outbox-queue.js';
import { h, notice, put } from './core/dom.js';
import { currentLang, setLang, t } from './words/i18n.js';
import { errorText, go, sessionEndedText } from './core/nav.js';
import type { SignInOutcome } from './pages/sign-in.js';
import { type Claims, session } from './core/session.js';
import './live/pwa.js';
import type { Page } from './core/page.js';

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
  { pattern: /^\/members$/, roles: ['admin', 'uor'], load: async () => (await import('./pages/members.js')).membersPage },
  // issue 34: a manager's or the national network's own API keys (admin and UOR find theirs on the People page)
  {
    pattern: /^\/api-keys$/,
    roles: ['shelter_manager', 'national', 'admin', 'uor'],
    load: async () => (await import('./pages/api-keys.js')).apiKeysPage,
  },
];

const HOME: Record<Claims['role'], string> = { shelter_manager: '/beds', uor: '/desk', national: '/map', admin: '/map' };
const NAV: Record<Claims['role'], [string, Parameters<typeof t>[0]][]> = {
  shelter_manager: [
    ['/beds', 'nav.beds'],
    ['/api-keys', 'nav.apiKeys'],
  ],
  uor: [
    ['/desk', 'nav.desk'],
    ['/map', 'nav.map'],
    ['/search', 'nav.search'],
    ['/reports', 'nav.reports'],
    ['/members', 'nav.members'],
  ],
  national: [
    ['/map', 'nav.map'],
    ['/search', 'nav.search'],
    ['/reports', 'nav.reports'],
    ['/api-keys', 'nav.apiKeys'],
  ],
  admin: [
    ['/map', 'nav.map'],
    ['/reports', 'nav.reports'],
    ['/members', 'nav.members'],
  ],
};

/** The name of her home page in the menu ("Posti letto", "Scrivania"). */
const homeName = (claims: Claims) => NAV[claims.role].find(([p]) => p === HOME[claims.role])![1];

let stop: (() => void) | void;

/**
 * Why there is no session, from `/?signin=…` (the last sign-in), `/?state=signed_out` (back from the
 * provider's sign-out) or `/?signedout=approdo` (a provider without one): read once, then dropped
 * from the address.
 */
const outcome = ((): SignInOutcome => {
  const q = new URLSearchParams(location.search);
  const v = q.get('signin');
  if (q.has('signin') || q.has('state') || q.has('signedout')) history.replaceState(null, '', `/${location.hash}`);
  if (q.get('state') === 'signed_out') return 'signed_out';
  if (q.get('signedout') === 'approdo') return 'signed_out_local';
  return v === 'not_member' || v === 'disabled' || v === 'failed' || v === 'unavailable' ? v : null;
})();

const currentPath = () => location.hash.replace(/^#/, '') || '/';

/**
 * A 401 while she works: the page stays as it is (nothing she typed is thrown away) and a banner
 * offers to sign in again, coming back to this same page. Disabled, she is told so, and the button
 * lets another person sign in on this phone (the provider asks who again).
 */
const signInAgain = (code: string) => {
  const disabled = code === 'member_disabled';
  return h(
    'a',
    { class: 'btn btn-primary', href: session.signInUrl(disabled ? '/' : currentPath(), disabled) },
    t(disabled ? 'signin.otherAccount' : 'signin.again'),
  );
};
whenUnauthorized((code) => {
  if (document.getElementById('session-ended')) return;
  const banner = h(
    'div',
    { id: 'session-ended', class: 'session-ended', role: 'alert' },
    h('span', {}, sessionEndedText(code)),
    signInAgain(code),
  );
  document.getElementById('app')?.prepend(banner);
});

/**
 * The header: on a phone (≤ 600 px) one row, the brand, the current page's name and a "Menu"
 * button that opens the links (three rows of links and the user line took 30 % of the screen);
 * wider, the links in a row under the brand.
 */
function header(claims: Claims | null, path: string): HTMLElement {
  const other = currentLang() === 'it' ? 'en' : 'it';
  const langBtn = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-ghost lang-btn',
      lang: other,
      onclick: () => (setLang(other), void render()),
    },
    // its name says what it does and holds what is shown ("English" wide, "EN" on a phone)
    h('span', { class: 'sr-only' }, `${t('lang.switchLabel')}: `),
    h('span', { class: 'long' }, t('lang.switch')),
    h('span', { class: 'short' }, other.toUpperCase()),
  );
  // a request belongs to the desk, a house's or a proposal's page to the beds: the header names the section
  const section = path.replace(/^\/requests\b/, '/desk').replace(/^\/(facilities|proposals)\b/, '/beds');
  const here = claims ? NAV[claims.role].find(([p]) => section.startsWith(p)) : undefined;
  const top = h('header', { class: 'top' });
  const menuBtn = claims
    ? h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost menu-btn',
          'data-act': 'menu',
          'aria-expanded': 'false',
          'aria-controls': 'site-nav',
          onclick: () => {
            const open = !top.classList.contains('open');
            top.classList.toggle('open', open);
            menuBtn!.setAttribute('aria-expanded', String(open));
          },
        },
        t('nav.menu'),
      )
    : null;
  put(
    top,
    h(
      'div',
      { class: 'bar' },
      h('a', { class: 'brand', href: claims ? `#${HOME[claims.role]}` : '#/sign-in' }, t('app.name')),
      h('span', { class: 'tagline' }, t('app.tagline')),
      here ? h('span', { class: 'here', 'aria-hidden': 'true' }, t(here[1])) : null,
      h('span', { class: 'spacer' }),
      menuBtn,
      langBtn,
    ),
    claims
      ? h(
          'nav',
          { id: 'site-nav', 'aria-label': t('nav.label') },
          h(
            'ul',
            {},
            ...NAV[claims.role].map(([p, key]) =>
              h(
                'li',
                {},
                h(
                  'a',
                  {
                    href: `#${p}`,
                    'aria-current': path.startsWith(p) ? 'page' : null,
                    // the page she is on again: no route change redraws the header, so the menu closes here
                    onclick: () => (top.classList.remove('open'), menuBtn?.setAttribute('aria-expanded', 'false')),
                  },
                  t(key),
                ),
              ),
            ),
          ),
          h('span', { class: 'who' }, t('signedInAs', { user: claims.name ?? claims.email ?? '' })),
          h(
            'button',
            { type: 'button', class: 'btn btn-ghost', onclick: () => (forgetDrafts(), forgetBoards(), void session.signOut()) },
            t('signout'),
          ),
        )
      : null,
  );
  return top;
}

/** `moved`: a route change (not the language switch): focus goes to the new page's heading, not back to the top of the header. */
/** Which render is the current one: a page still loading when she moves on must not take over the tab afterwards. */
let rendering = 0;

async function render(moved = false): Promise<void> {
  if (stop) stop();
  stop = undefined;
  const mine = ++rendering;
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
    const { signInPage } = await import('./pages/sign-in.js');
    await signInPage(main, { expired: false, outcome, returnTo: path === '/sign-in' ? '/' : path });
    if (mine !== rendering) return;
    document.title = `${main.querySelector('h1')?.textContent ?? t('signin.title')} · ${t('app.name')}`;
    return;
  }
  document.getElementById('session-ended')?.remove();
  if (path === '/') return go(HOME[claims.role]);
  const route = ROUTES.find((r) => r.pattern.test(path));
  const home = () =>
    h('p', {}, h('a', { class: 'btn btn-primary', href: `#${HOME[claims.role]}` }, t('page.home', { page: t(homeName(claims)) })));
  if (!route || (route.roles && !route.roles.includes(claims.role))) {
    // a mistyped or stale link (or another role's page) says so, with the way home; no silent jump elsewhere
    put(
      main,
      h('h1', {}, t(route ? 'page.notForRole.title' : 'page.notFound.title')),
      h('p', {}, t(route ? 'page.notForRole' : 'page.notFound.text')),
      home(),
    );
    return settle(main, moved);
  }
  const params = route.pattern.exec(path)!.slice(1);
  put(main, h('p', { class: 'loading' }, t('loading')));
  try {
    const page = await route.load();
    const stopped = await page(main, params, claims);
    // she moved on while it loaded: its live updates end, and the title and focus stay the new page's
    if (mine !== rendering) return void stopped?.();
    stop = stopped;
  } catch (e) {
    if (mine !== rendering) return;
    // a page whose load failed says why, never "Caricamento…" for ever; refused for her session, the
    // page itself says it with the button (nothing typed on it to keep, so no banner above it)
    if (e instanceof ApiError && e.status === 401) {
      document.getElementById('session-ended')?.remove();
      put(main, notice('error', errorText(e)), h('p', {}, signInAgain(e.code)));
    } else {
      // a heading that says what happened, the reason, and the way home: never a bare red line
      const gone = e instanceof ApiError && e.status === 404;
      put(main, h('h1', {}, t(gone ? 'page.notFound.title' : 'page.failed.title')), notice('error', errorText(e)), home());
    }
  }
  settle(main, moved);
}

/** The new page's name in the tab's title; on a route change, focus on its heading. */
function settle(main: HTMLElement, moved: boolean): void {
  const h1 = main.querySelector('h1');
  document.title = `${h1?.textContent ?? ''} · ${t('app.name')}`;
  if (moved) {
    // a keyboard or screen-reader user lands on what changed, not on the header's nine stops again
    const target = h1 ?? main;
    target.setAttribute('tabindex', '-1');
    target.focus();
  }
}

window.addEventListener('hashchange', () => void render(true));
// Back after "Esci" may restore this page from the back-forward cache as it was: show nothing of it
// until the service says who (if anyone) is signed in now
window.addEventListener('pageshow', (e) => {
  if (!e.persisted) return;
  document.getElementById('app')?.replaceChildren();
  void session.load().then(() => render());
});
// who is signed in is asked once at start; a 401 later shows the banner above
void session.load().then(() => render());
