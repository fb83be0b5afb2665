/**
 * Whether the pages can reach the service, and since when not: a banner "offline since 14:05"
 * outside the page's own content (so a redraw keeps it), and `data-offline` on <body> so what the
 * page shows is marked as possibly out of date. The browser's online/offline events are the first
 * sign; the stream (live.ts) and the bed board's queue also report what the network really did,
 * since a phone in poor reception often believes it is online.
 */
import { h, notice, put } from '../core/dom.js';
import { t, time } from '../words/i18n.js';

const KEY = 'approdo.offlineSince';
let since: string | null = null;
let banner: HTMLElement | null = null;
const listeners = new Set<(offline: boolean) => void>();

export const isOffline = () => since !== null;

/** Called with true when the pages lose the service, false when they reach it again. */
export function onConnectivity(f: (offline: boolean) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

function draw(): void {
  if (!banner) return;
  document.body.toggleAttribute('data-offline', since !== null);
  if (!since) {
    banner.hidden = true;
    banner.removeAttribute('data-offline-since');
    return put(banner);
  }
  banner.hidden = false;
  banner.dataset.offlineSince = since;
  put(banner, h('strong', {}, t('offline.since', { time: time(since) })), ' ', t('offline.stale'));
}

/**
 * "Il servizio non risponde" for a tap that did not leave the phone: once the network is back it says
 * so instead, so that a red line does not stay on a page that works again.
 */
export function networkErrorNotice(): HTMLElement {
  const said = notice('error', t('error.network'));
  said.dataset.networkError = '';
  return said;
}
function sayBackOnline(): void {
  document.querySelectorAll('[data-network-error]').forEach((n) => n.replaceWith(notice('info', t('offline.backRetry'))));
}

/** The network failed (a browser event, a stream that cannot connect, a call that did not leave). */
export function wentOffline(): void {
  if (since) return;
  since = new Date().toISOString();
  sessionStorage.setItem(KEY, since);
  draw();
  listeners.forEach((f) => f(true));
}

/** The service answered. */
export function backOnline(): void {
  if (!since) return;
  since = null;
  sessionStorage.removeItem(KEY);
  draw();
  sayBackOnline();
  listeners.forEach((f) => f(false));
}

/** Once per tab: the banner, the browser's events, the page's language. */
export function startOfflineBanner(): void {
  if (banner) return;
  banner = h('div', { class: 'offline-banner', role: 'status', 'aria-live': 'polite', hidden: true });
  document.body.prepend(banner);
  // a reload while offline keeps the time the network went, not the time of the reload
  if (!navigator.onLine) since = sessionStorage.getItem(KEY) ?? new Date().toISOString();
  else sessionStorage.removeItem(KEY);
  if (since) sessionStorage.setItem(KEY, since);
  window.addEventListener('offline', wentOffline);
  window.addEventListener('online', backOnline);
  // the browser may not have noticed it was offline (the tap failed all the same): said back here too
  window.addEventListener('online', sayBackOnline);
  // the language switch sets <html lang>: the banner follows it
  new MutationObserver(draw).observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
  draw();
}
