import { download, get } from '../core/api.js';
import { dataTable, heatmap, italyMap, stackedBars, type Shown } from '../shared/charts.js';
import { type Child, field, h, notice, put, select } from '../core/dom.js';
import { fmt, label, t, tn } from '../words/i18n.js';
import type { Page } from '../core/page.js';
import { fileButton } from '../shared/file-button.js';
import { errorText } from '../core/nav.js';
import { type Cell, columnText, countText, countWords, dimText, monthName, percent, periodText, sumText } from '../words/report-format.js';
import type { Facility, Region } from '../core/types.js';
import { todayInItaly } from '../words/format.js';

/** The six reports of README "Reports", in the order a reader meets them. */
export const REPORTS = ['people', 'occupancy', 'flow', 'declines', 'unmet', 'movements'] as const;
export interface ReportAnswer {
  report: string;
  from: string;
  to: string;
  dimensions: string[];
  suppressed: boolean;
  rows: Record<string, Cell>[];
  totals: Record<string, Cell>;
}
/** The parts of the summary (GET /reports/summary) the first screen shows. */
interface SummaryHead {
  people: { totals: { carriedOver: Shown; newAdmissions: Shown } };
  requestsClosedUnplaced: Shown;
  proposals: { made: Shown };
}

const GENDER_FILL: Record<string, string> = { female: '#0066cc', male: '#5c6f82', transgender: '#00704a' };

function cell(v: Cell, col: string): HTMLTableCellElement {
  const cls = v === null ? 'hidden-cell' : v === '<3' ? 'small-cell' : null;
  const utilisation =
    col === 'utilisation' && typeof v === 'number'
      ? h('meter', { min: 0, max: 1.2, low: 0.65, high: 1.05, optimum: 0.85, value: v, 'aria-hidden': 'true' })
      : null;
  return h('td', { class: cls, 'data-col': col }, utilisation, ' ', countText(v, col));
}

/** A report as a table: dimensions as row headers, measures as cells, the totals in the footer; on a phone each row folds into a card. */
export function reportTable(a: ReportAnswer, names: Map<string, string>): HTMLElement {
  const measures = Object.keys(a.totals);
  const head = (c: string) => h('th', { scope: 'col' }, columnText(a.report, c));
  return h(
    'table',
    { class: 'capacity report', 'data-report': a.report },
    h('caption', {}, periodText(a.from, a.to)),
    h('thead', {}, h('tr', {}, ...a.dimensions.map(head), ...measures.map(head))),
    h(
      'tbody',
      {},
      ...a.rows.map((r) =>
        h(
          'tr',
          {},
          ...a.dimensions.map((d) =>
            h(
              'th',
              { scope: 'row', 'data-col': d, 'data-label': columnText(a.report, d) },
              dimText(d, (r[d] as string | null) ?? null, names, a.report),
            ),
          ),
          ...measures.map((m) => {
            const c = cell(r[m] ?? null, m);
            c.setAttribute('data-label', columnText(a.report, m));
            return c;
          }),
        ),
      ),
    ),
    h(
      'tfoot',
      {},
      h(
        'tr',
        { 'data-total': '' },
        h('th', { scope: 'row', colspan: Math.max(1, a.dimensions.length) }, t('report.total')),
        ...measures.map((m) => {
          const c = cell(a.totals[m] ?? null, m);
          c.setAttribute('data-label', columnText(a.report, m));
          return c;
        }),
      ),
    ),
  );
}

/**
 * The utilisation report on a phone: a short table first, one line per region (or per type of
 * house within one region), bed-nights added up (they are not people: nothing to protect); the
 * full table, tens of cards, on demand under it.
 */
function useSummary(a: ReportAnswer, names: Map<string, string>): HTMLElement | null {
  const by = a.dimensions.find((d) => d !== 'facilityId' && new Set(a.rows.map((r) => r[d])).size > 1) ?? a.dimensions[0];
  if (!by || a.rows.length < 6) return null;
  const sums = new Map<string, { available: number; occupied: number }>();
  for (const r of a.rows) {
    const key = (r[by] as string | null) ?? '';
    const x = sums.get(key) ?? { available: 0, occupied: 0 };
    x.available += typeof r.bedNightsAvailable === 'number' ? r.bedNightsAvailable : 0;
    x.occupied += typeof r.bedNightsOccupied === 'number' ? r.bedNightsOccupied : 0;
    sums.set(key, x);
  }
  const rows = [...sums.entries()]
    .map(([key, x]) => ({ head: dimText(by, key || null, names, a.report), use: x.available ? x.occupied / x.available : null }))
    .sort((p, q) => p.head.localeCompare(q.head));
  const what = columnText(a.report, by);
  return h(
    'div',
    { class: 'use-summary', 'data-use-summary': by },
    dataTable(
      t('report.useSummary', { what: what.toLowerCase() }),
      [what, columnText('occupancy', 'utilisation')],
      rows.map((r) => ({ head: r.head, cells: [r.use === null ? '—' : percent(r.use)] })),
    ),
  );
}

/** 2026-03 → "mar": the axis of a chart whose caption gives the years. */
const shortMonth = (ym: string) => fmt().monthShort(ym);
/** The twelve months ending with `to`'s: the first day of the first, and the months as YYYY-MM. */
function twelveMonths(to: string): { from: string; months: string[] } {
  const [y, m] = [+to.slice(0, 4), +to.slice(5, 7)];
  const months = Array.from({ length: 12 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 12 + i, 1));
    return d.toISOString().slice(0, 7);
  });
  return { from: `${months[0]}-01`, months };
}

/** The first screen's numbers: people hosted, bed use, requests closed without a place. */
function headline(scope: string, from: string, to: string, summary: SummaryHead, occupancy: ReportAnswer): HTMLElement {
  const { carriedOver, newAdmissions } = summary.people.totals;
  // a hidden or small part is never added into a total that would give it away
  const hosted = sumText([carriedOver, newAdmissions]);
  const use = occupancy.totals.utilisation;
  const tile = (key: string, value: string, sub: string) =>
    h(
      'div',
      { class: 'tile', 'data-kpi': key },
      h('span', { class: 'tile-label' }, t(`report.kpi.${key}` as never)),
      h('strong', { class: 'tile-value' }, value),
      h('span', { class: 'tile-sub' }, sub),
    );
  return h(
    'section',
    { class: 'headline card', 'aria-labelledby': 'rep-head' },
    h('h2', { id: 'rep-head' }, periodText(from, to)),
    h('p', { class: 'scope' }, scope),
    h(
      'div',
      { class: 'tiles' },
      tile('hosted', hosted, t('report.kpi.hostedSub', { carried: sumText([carriedOver]), fresh: sumText([newAdmissions]) })),
      tile(
        'utilisation',
        typeof use === 'number' ? percent(use) : '—',
        t('report.kpi.utilisationSub', {
          occupied: countText(occupancy.totals.bedNightsOccupied),
          available: countText(occupancy.totals.bedNightsAvailable),
        }),
      ),
      tile('unplaced', countText(summary.requestsClosedUnplaced), countWords([summary.proposals.made], 'report.kpi.unplacedSub')),
    ),
    // people come from the arrivals recorded here, bed-nights from what the houses report: they differ where a house hosts guests not placed through Approdo
    h('p', { class: 'help' }, t('report.kpi.note')),
  );
}

export const reportsPage: Page = async (root, _params, claims) => {
  const regions = await get<Region[]>('/regions');
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const own = claims.role === 'uor' ? regions.filter((r) => r.code === claims.region) : regions;
  const today = todayInItaly();
  const from = h('input', { type: 'date', name: 'from', value: `${today.slice(0, 8)}01`, max: today, required: true });
  const to = h('input', { type: 'date', name: 'to', value: today, max: today, required: true });
  const region = select(
    'regionCode',
    [
      ...(claims.role === 'uor' ? [] : [['', t('report.allRegions')] as [string, string]]),
      ...own.map((r): [string, string] => [r.code, r.name]),
    ],
    claims.role === 'uor' ? claims.region : '',
  );
  const head = h('div', { 'aria-live': 'polite' });
  const charts = h('div', { class: 'charts' });
  const out = h('div', { class: 'reports' });
  const params = (extra: Record<string, string> = {}, period = { from: from.value, to: to.value }) =>
    new URLSearchParams({ ...period, ...(region.value ? { regionCode: region.value } : {}), ...extra }).toString();
  const query = (name: string, extra: Record<string, string> = {}, period?: { from: string; to: string }) =>
    `/reports/${name}?${params(extra, period)}`;
  const summaryLink = h('a', { class: 'btn btn-outline', 'data-act': 'summary' }, t('report.summary.open'));

  const drawCharts = (occupancy: ReportAnswer, monthlyUse: ReportAnswer, monthlyPeople: ReportAnswer, months: string[]) => {
    const shown = region.value ? [region.value] : own.map((r) => r.code);
    const use = (r: Record<string, Cell>) => (typeof r.utilisation === 'number' ? r.utilisation : null);
    const useText = (v: number | null) => (v === null ? t('chart.noData') : percent(v));
    const useOf = (code: string, m: string) => {
      const r = monthlyUse.rows.find((x) => x.month === m && x.regionCode === code);
      return r ? use(r) : null;
    };
    const utilisationCaption = t('chart.utilisation.caption', { from: monthName(months[0], true), to: monthName(months[11], true) });
    // several regions: a heat map, a row each; one region: its months as bars, in percent
    const heat =
      shown.length > 1
        ? heatmap({
            caption: utilisationCaption,
            columns: months.map((m) => monthName(m)),
            axis: months.map((m, j) => ({ label: shortMonth(m), year: j === 0 || m.endsWith('-01') ? m.slice(0, 4) : null })),
            // the Italian half of the bilingual names (Valle d'Aosta/Vallée d'Aoste): the axis is narrow
            rows: shown.map((code) => ({ label: (names.get(code) ?? code).split('/')[0], values: months.map((m) => useOf(code, m)) })),
            text: useText,
          })
        : stackedBars({
            caption: `${utilisationCaption} · ${names.get(shown[0]) ?? shown[0]}`,
            categories: months.map((m) => monthName(m)),
            axis: months.map(shortMonth),
            series: [
              {
                name: columnText('occupancy', 'utilisation'),
                fill: '#08519c',
                values: months.map((m) => {
                  const v = useOf(shown[0], m);
                  return v === null ? 0 : Math.round(v * 100);
                }),
              },
            ],
            text: (v) => (typeof v === 'number' ? percent(v / 100) : countText(v)),
            tick: (v) => percent(v / 100),
            totalLabel: t('report.total'),
            single: true,
          });
    const genders = ['female', 'male', 'transgender'];
    const bars = stackedBars({
      caption: t('chart.admissions.caption', { from: monthName(months[0], true), to: monthName(months[11], true) }),
      categories: months.map((m) => monthName(m)),
      axis: months.map(shortMonth),
      series: genders.map((g) => ({
        name: label('gender', g),
        fill: GENDER_FILL[g],
        values: months.map((m) => {
          const r = monthlyPeople.rows.find((x) => x.month === m && x.gender === g);
          return r ? (r.admissions as Shown) : 0;
        }),
      })),
      text: (v) => countText(v),
      totalLabel: t('report.total'),
    });
    const map = italyMap({
      caption: t('chart.map.caption', { period: periodText(from.value, to.value) }),
      values: new Map(shown.map((code) => [code, use(occupancy.rows.find((r) => r.regionCode === code) ?? {})])),
      names,
      text: useText,
      columns: [columnText('occupancy', 'regionCode'), columnText('occupancy', 'utilisation')],
    });
    put(
      charts,
      h('section', { class: 'card chart-card', 'data-chart': 'utilisation' }, h('h2', {}, t('chart.utilisation')), heat),
      h('section', { class: 'card chart-card', 'data-chart': 'admissions' }, h('h2', {}, t('chart.admissions')), bars),
      h('section', { class: 'card chart-card', 'data-chart': 'map' }, h('h2', {}, t('chart.map')), map),
    );
  };

  const draw = async () => {
    put(head, h('p', { class: 'muted' }, t('report.loading')));
    put(charts);
    put(out);
    summaryLink.setAttribute('href', `#/reports/summary?${params()}`);
    try {
      const { from: yearFrom, months } = twelveMonths(to.value);
      const year = { from: yearFrom, to: to.value };
      const [summary, occupancy, monthlyUse, monthlyPeople, ...answers] = await Promise.all([
        get<SummaryHead>(query('summary')),
        get<ReportAnswer>(query('occupancy', { by: 'regionCode' })),
        get<ReportAnswer>(query('occupancy', { by: 'regionCode', groupBy: 'month' }, year)),
        get<ReportAnswer>(query('people', { by: 'gender', groupBy: 'month' }, year)),
        ...REPORTS.map((n) => get<ReportAnswer>(query(n))),
      ]);
      const scope = region.value ? (names.get(region.value) ?? region.value) : t('report.allRegions');
      put(head, headline(scope, from.value, to.value, summary, occupancy));
      drawCharts(occupancy, monthlyUse, monthlyPeople, months);
      // rows by facility (a UOR, or one region): named as the person may see them
      if (answers.some((a) => a.dimensions.includes('facilityId'))) {
        const { items } = await get<{ items: Facility[] }>(`/facilities?limit=200${region.value ? `&regionCode=${region.value}` : ''}`);
        for (const f of items) names.set(f.id, f.name ?? `${label('type', f.type)} · ${f.provinceCode}`);
      }
      put(
        out,
        h('h2', { class: 'group-title' }, t('report.tables')),
        ...answers.map((a) => {
          const msg = h('div', { 'aria-live': 'polite' });
          const csv = async () => {
            try {
              await download(query(a.report, { format: 'csv' }), `approdo-${a.report}.csv`);
            } catch (e) {
              put(msg, notice('error', errorText(e)));
            }
          };
          const short = a.report === 'occupancy' ? useSummary(a, names) : null;
          const body: Child = a.rows.length
            ? h(
                'details',
                { class: 'report-details' },
                h('summary', {}, short ? tn('report.showAllRows', a.rows.length) : tn('report.showTable', a.rows.length)),
                h(
                  'div',
                  { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label('report', a.report) },
                  reportTable(a, names),
                ),
              )
            : h('p', { class: 'muted' }, t('report.empty'));
          return h(
            'section',
            { class: 'card report-card', 'data-report': a.report, 'aria-labelledby': `rep-${a.report}` },
            h('h3', { id: `rep-${a.report}` }, label('report', a.report)),
            h('p', { class: 'help' }, label('report.about', a.report)),
            short,
            body,
            h(
              'div',
              { class: 'actions downloads' },
              fileButton(query(a.report, { format: 'xlsx' }), `approdo-${a.report}.xlsx`, 'xlsx', t('report.xlsx'), msg),
              fileButton(query(a.report, { format: 'csv-it' }), `approdo-${a.report}-it.csv`, 'csv-it', t('report.csvIt'), msg),
              h('button', { type: 'button', class: 'btn btn-ghost', 'data-act': 'csv', onclick: () => void csv() }, t('report.csv')),
            ),
            msg,
          );
        }),
      );
    } catch (e) {
      put(head, notice('error', errorText(e)));
    }
  };
  const legend = h(
    'dl',
    { class: 'facts legend-cells', 'aria-label': t('report.legend') },
    h('dt', {}, t('report.smallMark')),
    h('dd', {}, t('report.legend.small')),
    h('dt', {}, t('report.hiddenMark')),
    h('dd', {}, t('report.legend.hidden')),
  );
  const filters = h(
    'form',
    { class: 'filters card', 'aria-label': t('report.filters'), onsubmit: (e: Event) => (e.preventDefault(), void draw()) },
    field(t('report.from'), from),
    field(t('report.to'), to),
    field(t('report.region'), region),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', 'data-act': 'apply' }, t('report.apply')),
      summaryLink,
    ),
  );
  put(root, h('h1', {}, t('report.title')), head, filters, charts, legend, out);
  await draw();
};
