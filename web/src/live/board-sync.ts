/**
 * What the bed board shows about its queued changes (outbox-queue.ts): "saved on this phone",
 * and a version conflict as both sets of numbers side by side with a choice, never decided for her.
 */
import { h } from '../core/dom.js';
import { label, t, time } from '../words/i18n.js';
import type { Conflict } from './outbox-queue.js';
import type { Place } from '../core/types.js';

const FIELDS = [
  ['total', 'beds.total'],
  ['occupied', 'beds.occupied'],
  ['outOfService', 'beds.outOfService'],
] as const;

/** The numbers that differ between hers and the current ones, one row each. */
export function conflictRows(mine: Place[], current: Place[]): { kind: string; what: string; mine: number; current: number }[] {
  const rows: { kind: string; what: string; mine: number; current: number }[] = [];
  for (const m of mine) {
    const c = current.find((p) => p.kind === m.kind);
    for (const [k, key] of FIELDS) {
      const now = c ? c[k] : 0;
      if (now !== m[k]) rows.push({ kind: m.kind, what: t(key), mine: m[k], current: now });
    }
  }
  return rows;
}

/** The conflict, with both numbers and the two choices. */
export function conflictBox(conflict: Conflict, choose: (keep: 'mine' | 'current') => void, changes: HTMLElement | null): HTMLElement {
  const rows = conflictRows(conflict.change.mine, conflict.current.places);
  return h(
    'div',
    { class: 'notice notice-error conflict', role: 'alert', 'data-conflict': conflict.change.facilityId },
    h('p', {}, h('strong', {}, t('conflict.title'))),
    changes,
    rows.length
      ? h(
          'table',
          { class: 'conflict-numbers' },
          h('caption', {}, t('conflict.caption', { time: time(conflict.change.at) })),
          h(
            'thead',
            {},
            h('tr', {}, h('td', {}), h('th', { scope: 'col' }, t('conflict.mine')), h('th', { scope: 'col' }, t('conflict.current'))),
          ),
          h(
            'tbody',
            {},
            ...rows.map((r) =>
              h(
                'tr',
                { 'data-kind': r.kind },
                h('th', { scope: 'row' }, `${label('kind', r.kind)}, ${r.what.toLowerCase()}`),
                h('td', { 'data-mine': '' }, r.mine),
                h('td', { 'data-current': '' }, r.current),
              ),
            ),
          ),
        )
      : null,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', 'data-act': 'keep-mine', onclick: () => choose('mine') },
        t('conflict.keepMine'),
      ),
      h(
        'button',
        { type: 'button', class: 'btn btn-outline', 'data-act': 'keep-current', onclick: () => choose('current') },
        t('conflict.keepCurrent'),
      ),
    ),
  );
}

/** "3 changes waiting to be sent", shown on the board while anything of it is on the phone only. */
export function pendingNote(n: number): HTMLElement | null {
  return n ? h('p', { class: 'pending', 'data-pending': n }, t('outbox.pending', { n })) : null;
}

/** "Numbers as of 14:05": the board drawn from what the phone kept, without a network. */
export function keptNote(at: string): HTMLElement {
  return h('p', { class: 'notice notice-info stale-note', role: 'status' }, t('outbox.kept', { time: time(at) }));
}
