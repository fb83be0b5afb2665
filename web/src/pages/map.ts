import italy from '@svg-maps/italy';
import { get, post } from '../core/api.js';
import { field, h, notice, put, s, select } from '../core/dom.js';
import { dateTime, label, t, tn } from '../words/i18n.js';
import type { Page } from '../core/page.js';
import { coalesce, follow } from '../live/live.js';
import { errorText } from '../core/nav.js';
import { draftNotice, keepDraft } from '../forms/drafts.js';
import { checkForm, isFieldRefusal, showApiProblems, summaryBox } from '../forms/form-check.js';
import { profileFields, profileProblems, readProfile } from '../forms/profile-form.js';
import { type Candidates, type Capacity, FACILITY_TYPES, PLACE_KINDS, type Region } from '../core/types.js';
import { candidateItem, excludedSummary } from '../shared/candidates.js';
import { ISTAT_OF } from '../words/italy-regions.js';

export interface RegionTotals {
  code: string;
  facilities: number;
  free: number;
  freeStale: number;
  notFresh: number;
}

/** Capacity rows (by region, province, type, kind) summed by region. */
export function byRegion(rows: Capacity['rows']): Map<string, RegionTotals> {
  const out = new Map<string, RegionTotals>();
  for (const r of rows) {
    const x = out.get(r.regionCode) ?? { code: r.regionCode, facilities: 0, free: 0, freeStale: 0, notFresh: 0 };
    x.facilities += r.facilities;
    x.free += r.free;
    x.freeStale += r.freeStale;
    x.notFresh += r.staleFacilities + r.unknownFacilities;
    out.set(r.regionCode, x);
  }
  return out;
}

/** The colour class of a region: grey when nothing is known to be free but its data is stale or unknown. */
export function shade(x: RegionTotals | undefined): string {
  if (!x || x.facilities === 0) return 'lvl-none';
  if (x.free === 0 && x.notFresh > 0) return 'lvl-grey';
  if (x.free === 0) return 'lvl-0';
  if (x.free <= 2) return 'lvl-1';
  if (x.free <= 5) return 'lvl-2';
  return 'lvl-3';
}

export const mapPage: Page = async (root) => {
  const regions = await get<Region[]>('/regions');
  const nameOf = new Map(regions.map((r) => [r.code, r.name]));
  const kind = select('kind', [['', t('map.all')], ...PLACE_KINDS.map((k) => [k, label('kind', k)] as [string, string])], '');
  const type = select('type', [['', t('map.all')], ...FACILITY_TYPES.map((k) => [k, label('type', k)] as [string, string])], '');
  const out = h('div', { class: 'map-layout' });
  let asked = 0;
  const draw = async () => {
    const mine = ++asked;
    const q = new URLSearchParams();
    if (kind.value) q.set('kind', kind.value);
    if (type.value) q.set('type', type.value);
    const cap = await get<Capacity>(`/capacity${q.size ? `?${q}` : ''}`);
    // an older read answered last (the stream's redraw with the filter she has since changed) is dropped:
    // the map never shows the numbers of another filter than the one on screen
    if (mine !== asked) return;
    const totals = byRegion(cap.rows);
    const svg = s(
      'svg',
      { viewBox: italy.viewBox, class: 'italy', role: 'img', 'aria-labelledby': 'map-figure' },
      s('title', { id: 'map-figure' }, t('map.figure')),
      ...italy.locations.map((loc) => {
        const code = ISTAT_OF[loc.id];
        const x = totals.get(code);
        const text = t('map.regionTitle', { region: nameOf.get(code) ?? loc.name, free: x?.free ?? 0 });
        // a tap opens the region's detail; keyboards reach the same detail from the table's region names
        return s(
          'path',
          { d: loc.path, class: `region ${shade(x)}`, 'data-region': code, onclick: () => showRegion(code) },
          s('title', {}, text),
        );
      }),
    );
    const legend = h(
      'ul',
      { class: 'legend', 'aria-label': t('map.legend') },
      ...(
        [
          ['lvl-0', 'map.legend.none'],
          ['lvl-1', 'map.legend.few'],
          ['lvl-2', 'map.legend.some'],
          ['lvl-3', 'map.legend.many'],
          ['lvl-grey', 'map.legend.grey'],
          ['lvl-none', 'map.legend.noHouse'],
        ] as const
      ).map(([c, k]) => h('li', {}, h('span', { class: `swatch ${c}`, 'aria-hidden': 'true' }), t(k))),
    );
    const sorted = regions.map((r) => totals.get(r.code) ?? { code: r.code, facilities: 0, free: 0, freeStale: 0, notFresh: 0 });
    const table = h(
      'table',
      { class: 'capacity', 'data-filter': `${kind.value}|${type.value}` },
      h('caption', {}, t('map.updated', { when: dateTime(cap.generatedAt) })),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, t('map.region')),
          h('th', { scope: 'col' }, t('map.free')),
          h('th', { scope: 'col' }, t('map.freeStale')),
          h('th', { scope: 'col', class: 'wide-only' }, t('map.facilities')),
          h('th', { scope: 'col', class: 'wide-only' }, t('map.notFresh')),
        ),
      ),
      h(
        'tbody',
        {},
        ...sorted.map((x) =>
          h(
            'tr',
            { 'data-region': x.code },
            h(
              'th',
              { scope: 'row' },
              h(
                'button',
                { type: 'button', class: 'linklike', 'data-act': 'region', onclick: () => showRegion(x.code) },
                h('span', { class: `swatch ${shade(x)}`, 'aria-hidden': 'true' }),
                nameOf.get(x.code) ?? x.code,
              ),
              // on a phone the last two columns fold into the region's cell
              h('small', { class: 'phone-only muted' }, `${tn('map.rowFacilities', x.facilities)} · ${tn('map.rowNotFresh', x.notFresh)}`),
            ),
            h('td', { 'data-col': 'free' }, x.free),
            h('td', {}, x.freeStale),
            h('td', { class: 'wide-only' }, x.facilities),
            h('td', { class: 'wide-only' }, x.notFresh),
          ),
        ),
      ),
    );
    put(
      out,
      h('figure', { class: 'map' }, svg, h('figcaption', {}, legend, h('small', { class: 'muted' }, t('map.attribution')))),
      // scrollable on a phone: focusable and named, so that a keyboard can scroll it too
      h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': t('map.tableLabel') }, table),
    );
    rows = cap.rows;
    if (shown) showRegion(shown, false);
  };
  let rows: Capacity['rows'] = [];
  let shown: string | null = null;
  /** One region's free places by province, house type and kind of place. */
  function showRegion(code: string, focus = true): void {
    shown = code;
    const mine = rows.filter((r) => r.regionCode === code).sort((a, b) => a.provinceCode.localeCompare(b.provinceCode) || b.free - a.free);
    put(
      detail,
      h('h2', { id: 'region-detail-title', tabindex: '-1' }, nameOf.get(code) ?? code),
      mine.length
        ? h(
            'div',
            { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'region-detail-title' },
            h(
              'table',
              { class: 'capacity region-detail', 'data-region-detail': code },
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, t('map.province')),
                  h('th', { scope: 'col', class: 'txt' }, t('map.type')),
                  h('th', { scope: 'col', class: 'txt' }, t('map.kind')),
                  h('th', { scope: 'col' }, t('map.free')),
                  h('th', { scope: 'col', class: 'wide-only' }, t('map.facilities')),
                ),
              ),
              h(
                'tbody',
                {},
                ...mine.map((r) =>
                  h(
                    'tr',
                    {},
                    h('th', { scope: 'row' }, r.provinceCode),
                    h('td', { class: 'txt' }, label('type', r.type)),
                    h('td', { class: 'txt' }, label('kind', r.kind)),
                    h('td', {}, r.free),
                    h('td', { class: 'wide-only' }, r.facilities),
                  ),
                ),
              ),
            ),
          )
        : h('p', {}, t('map.regionEmpty')),
    );
    if (focus) detail.querySelector<HTMLElement>('h2')?.focus();
  }
  const detail = h('section', { class: 'region-detail card', 'aria-live': 'polite' });
  const filters = h(
    'form',
    { class: 'filters card', 'aria-label': t('map.filters'), onchange: () => void draw(), onsubmit: (e: Event) => e.preventDefault() },
    field(t('map.kind'), kind),
    field(t('map.type'), type),
  );
  put(root, h('h1', {}, t('map.title')), filters, out, detail);
  await draw();
  // free places change with every save and hold: the stream says when (polled only while it is down)
  const redraw = coalesce(draw);
  return follow({ onEvent: (e) => e.type === 'availability' && void redraw(), resync: redraw, fallbackMs: 60_000 });
};

export const searchPage: Page = async (root, _params, claims) => {
  const regions = await get<Region[]>('/regions');
  const regionNames = new Map(regions.map((r) => [r.code, r.name]));
  const results = h('section', { 'aria-live': 'polite', 'aria-labelledby': 'results-title' });
  const summary = summaryBox();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        if (!checkForm(form, summary, profileProblems(form))) return;
        try {
          const found = await post<Candidates>('/capacity/search', { ...readProfile(form), limit: 20 });
          draft.clear();
          put(
            results,
            h('h2', { id: 'results-title' }, t('search.results'), ` (${found.candidates.length})`),
            found.candidates.length
              ? h('ul', { class: 'candidates' }, ...found.candidates.map((c) => candidateItem(c, undefined, false, { regionNames })))
              : h('p', {}, t('search.none')),
            excludedSummary(found.excluded, regionNames),
          );
        } catch (err) {
          if (isFieldRefusal(err)) showApiProblems(form, summary, err.body);
          else put(results, notice('error', errorText(err)));
        }
      },
    },
    summary,
    // the tags in use are offered to a UOR only (the API's rule): the helpline types its own
    profileFields(regions, { suggestTags: claims.role === 'uor' }),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('search.submit')),
  );
  const draft = keepDraft(form, 'search');
  put(root, h('h1', {}, t('search.title')), h('p', { class: 'help' }, t('search.help')), draftNotice(draft), form, results);
};
