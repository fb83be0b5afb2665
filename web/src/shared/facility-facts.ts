import { h } from '../core/dom.js';
import type { Facility, Freshness } from '../core/types.js';
import { ago, fmt, label, t } from '../words/i18n.js';
import { phoneLink } from '../words/phone.js';

// What the manager's board and the UOR's candidates both show of a house: its freshness, its facts, a hold's countdown.

export function freshnessBadge(freshness: Freshness, confirmedAt: string | null): HTMLElement {
  return h(
    'span',
    { class: 'fresh' },
    h('span', { class: `badge badge-${freshness}` }, label('fresh', freshness)),
    confirmedAt ? h('span', { class: 'muted' }, ` ${t('fresh.confirmed', { when: ago(confirmedAt) })}`) : null,
  );
}

/** "Place held until 14:05 (5 h 3 min left)", kept ticking by the page's timer. */
export function holdText(until: string | null, now = Date.now()): string {
  if (!until) return '';
  const ms = new Date(until).getTime() - now;
  if (ms <= 0) return t('proposal.expiredHold');
  const s = Math.floor(ms / 1000);
  const left =
    s >= 3600
      ? t('proposal.left', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) })
      : t('proposal.leftMin', { m: Math.floor(s / 60), s: s % 60 });
  const when = fmt().soon(until);
  return t('proposal.heldUntil', { time: when, left });
}

/** Updates every countdown on the page once a second; returns the stopper. */
export function tickCountdowns(root: HTMLElement): () => void {
  const tick = () =>
    root.querySelectorAll<HTMLElement>('[data-hold-until]').forEach((el) => (el.textContent = holdText(el.dataset.holdUntil ?? null)));
  const timer = window.setInterval(tick, 1000);
  return () => window.clearInterval(timer);
}

/** What a referring office asks before a call: services, step-free access, LGBT+-safe, and the 24 h on-call number where the API gives it. */
export function facilityFacts(f: Facility): HTMLElement {
  const yesNo = (v: boolean | undefined) => (v === undefined ? '—' : t(v ? 'facility.yes' : 'facility.no'));
  return h(
    'dl',
    { class: 'facts', 'data-facts': f.id },
    f.onCallPhone
      ? [
          h('dt', {}, t('facility.onCall')),
          h('dd', {}, phoneLink(f.onCallPhone, { 'data-oncall': '' }), ' ', h('small', { class: 'help' }, t('facility.onCall.help'))),
        ]
      : null,
    h('dt', {}, t('facility.services')),
    h('dd', {}, f.services?.length ? f.services.map((x) => label('service', x)).join(', ') : '—'),
    h('dt', {}, t('facility.wheelchair')),
    h('dd', { 'data-wheelchair': '' }, yesNo(f.wheelchairAccessible)),
    h('dt', {}, t('facility.lgbtSafe')),
    h('dd', { 'data-lgbt': '' }, yesNo(f.lgbtSafe)),
  );
}
