import { h } from '../core/dom.js';
import type { Candidate, Candidates } from '../core/types.js';
import { fmt, label, t, tn } from '../words/i18n.js';
import { freshnessBadge } from './facility-facts.js';

// A candidate house as the UOR's request page and the national search both draw it, and why the others were left out.

// the API's score notes are English words for developers: the page says them in its own language
const NOTES: Record<string, string> = {
  'no language given': 'no_language',
  'italian only': 'italian_only',
  'no shared language': 'no_shared_language',
  'no exploitation type given': 'no_exploitation',
  'not requested': 'not_requested',
  'below required': 'below_required',
  'more protection than required': 'more_protection',
  pregnant: 'pregnant',
  'single adult in a mother-child unit': 'single_in_mother_child',
  'call first': 'call_first',
  stale: 'stale',
};
export function scoreNote(note: string | undefined): string {
  if (!note) return '';
  const missing = /^(\d+) of (\d+) wanted missing$/.exec(note);
  if (missing) return tn('scoreNote.missing', Number(missing[1]), { wanted: fmt().number(Number(missing[2])) });
  return NOTES[note] ? label('scoreNote', NOTES[note]) : '';
}

function breakdown(c: Candidate): HTMLElement {
  return h(
    'details',
    { class: 'breakdown' },
    h('summary', {}, t('request.breakdown')),
    h(
      'table',
      {},
      h(
        'tbody',
        {},
        ...c.breakdown.map((b) =>
          h(
            'tr',
            {},
            h('th', { scope: 'row' }, label('criterion', b.criterion)),
            h('td', { class: 'score-cell' }, fmt().ratio(b.points, b.max)),
            h('td', { class: 'muted' }, scoreNote(b.note)),
          ),
        ),
      ),
    ),
  );
}

/** "Perché le altre no": each reason with its count; where her role may see them, it opens to the houses it excludes. */
export function excludedSummary(excluded: Candidates['excluded'], regionNames = new Map<string, string>()): HTMLElement | null {
  const houses = (x: Candidates['excluded'][number]) =>
    h(
      'ul',
      { class: 'excluded-houses' },
      ...(x.facilities ?? []).map((f) =>
        h(
          'li',
          { 'data-facility': f.facilityId },
          `${f.facilityName ?? label('reason', x.reason)} · ${f.provinceCode} (${regionNames.get(f.regionCode) ?? f.regionCode})`,
        ),
      ),
      x.count > (x.facilities ?? []).length
        ? h('li', { class: 'muted' }, t('request.excludedMore', { n: x.count - x.facilities!.length }))
        : null,
    );
  const opens = excluded.some((x) => x.facilities?.length);
  return excluded.length
    ? h(
        'section',
        { class: 'excluded', 'aria-labelledby': 'excluded-title' },
        h('h3', { id: 'excluded-title' }, t('request.excluded')),
        opens ? h('p', { class: 'help' }, t('request.excludedHint')) : null,
        h(
          'ul',
          {},
          ...excluded.map((x) =>
            h(
              'li',
              { 'data-reason': x.reason },
              x.facilities?.length
                ? h('details', {}, h('summary', {}, h('strong', {}, x.count), ` ${label('reason', x.reason)}`), houses(x))
                : [h('strong', {}, x.count), ` ${label('reason', x.reason)}`],
            ),
          ),
        ),
      )
    : null;
}

/** What a candidate's card says beyond the search: the regions' names, and whether the house already declined this request. */
export interface CandidateContext {
  regionNames?: Map<string, string>;
  /** the house declined this request: with its reason when the proposal says it ('' when it does not) */
  declined?: string | null;
}

export function candidateItem(c: Candidate, choose?: HTMLInputElement, current = false, more: CandidateContext = {}): HTMLElement {
  const name = c.facilityName ?? `${label('type', c.type)} · ${c.provinceCode}`;
  const region = more.regionNames?.get(c.regionCode) ?? c.regionCode;
  const declined = more.declined ?? null;
  return h(
    'li',
    {
      class: `card candidate${current ? ' current' : ''}${declined !== null ? ' declined-before' : ''}`,
      'data-facility': c.facilityId,
      'data-current': current ? 'true' : null,
      'data-declined': declined !== null ? 'true' : null,
    },
    h(
      'div',
      { class: 'cand-head' },
      choose && !current
        ? h('label', { class: 'check big' }, choose, h('span', { class: 'cand-name' }, name))
        : h('span', { class: 'cand-name' }, name),
      current ? h('span', { class: 'badge badge-current' }, t('request.currentHouse')) : null,
      h('span', { class: 'score' }, t('request.score', { score: Math.round(c.score) })),
    ),
    h(
      'p',
      { class: 'meta' },
      `${label('type', c.type)} · ${c.provinceCode} (${region}) · ${label('kind', c.placeKind)} `,
      freshnessBadge(c.freshness, null),
    ),
    h(
      'p',
      { class: 'distances' },
      // the distance that matters for her safety first; where she is now counts for the journey
      c.exploitationDistanceKm !== null && c.exploitationDistanceKm !== undefined
        ? [
            h(
              'strong',
              { 'data-exploitation-km': Math.round(c.exploitationDistanceKm) },
              t('request.exploitationKm', { km: fmt().number(Math.round(c.exploitationDistanceKm)) }),
            ),
            ' · ',
          ]
        : null,
      t('request.distance', { km: fmt().number(Math.round(c.distanceKm)) }),
    ),
    ...(c.warnings ?? []).map((w) => h('p', { class: 'notice notice-warn', 'data-warning': w }, label('warning', w))),
    c.placeKindFallback ? h('p', { class: 'notice notice-info', 'data-fallback': 'mother_child' }, t('request.motherChildFallback')) : null,
    current ? h('p', { class: 'help' }, t('request.currentHouse.help')) : null,
    declined !== null
      ? h(
          'p',
          { class: 'notice notice-info declined-before-note', 'data-declined-reason': declined || null },
          h('strong', {}, t('request.declinedBefore')),
          declined ? `: ${label('decline', declined)}` : null,
        )
      : null,
    breakdown(c),
  );
}
