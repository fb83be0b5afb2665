import { download, get } from '../api.js';
import { type Child, field, h, notice, put, select } from '../dom.js';
import { label, locale, t } from '../i18n.js';
import type { Page } from '../main.js';
import { countryName } from '../names.js';
import { errorText } from '../nav.js';
import type { Facility, Region } from '../types.js';

/** The six reports of README "Reports", in the order a reader meets them. */
export const REPORTS = ['people', 'occupancy', 'flow', 'declines', 'unmet', 'movements'] as const;
type Cell = number | string | null | { p50: number | null; p90: number | null };
export interface ReportAnswer {
  report: string;
  from: string;
  to: string;
  dimensions: string[];
  suppressed: boolean;
  rows: Record<string, Cell>[];
  totals: Record<string, Cell>;
}

// how a dimension's codes read: the pages' own labels where they have them
const DIM_LABEL: Record<string, string> = {
  gender: 'gender',
  facilityType: 'type',
  kind: 'kind',
  urgency: 'urgency',
  referralChannel: 'referral',
  // issue 23: no code in the page
  exploitation: 'exploitation',
  ageBand: 'ageBand',
};

/** One cell as text: "<3" (1 or 2) and null (hidden to protect another cell) stay visible as such. */
export function cellText(v: Cell): string {
  if (v === null) return 'x';
  if (typeof v === 'object') return `p50 ${v.p50 ?? '—'} · p90 ${v.p90 ?? '—'}`;
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toLocaleString(locale(), { maximumFractionDigits: 2 });
  return String(v);
}

function cell(v: Cell, col: string): HTMLTableCellElement {
  const cls = v === null ? 'hidden-cell' : v === '<3' ? 'small-cell' : null;
  const utilisation =
    col === 'utilisation' && typeof v === 'number'
      ? h('meter', { min: 0, max: 1.2, low: 0.65, high: 1.05, optimum: 0.85, value: v, 'aria-hidden': 'true' })
      : null;
  return h(
    'td',
    { class: cls, 'data-col': col },
    utilisation,
    ' ',
    col === 'band' && typeof v === 'string' ? label('band', v) : cellText(v),
  );
}

function dimText(dim: string, v: Cell, names: Map<string, string>, report: string): string {
  if (typeof v !== 'string') return cellText(v);
  if (dim.toLowerCase().endsWith('regioncode') || dim === 'facilityId') return names.get(v) ?? (dim === 'facilityId' ? v.slice(0, 8) : v);
  if (dim === 'reason') return label(report === 'declines' ? 'decline' : 'reason', v);
  if (dim === 'nationality') return countryName(v);
  return DIM_LABEL[dim] ? label(DIM_LABEL[dim], v) : v;
}

/** A report as a table (`names`: regions and facilities by code): dimensions as row headers, measures as cells, the totals in the footer. */
export function reportTable(a: ReportAnswer, names: Map<string, string>): HTMLElement {
  const measures = Object.keys(a.totals);
  const head = (c: string) => h('th', { scope: 'col' }, label('report.col', c));
  return h(
    'table',
    { class: 'capacity report', 'data-report': a.report },
    h('caption', {}, t('report.period', { from: a.from, to: a.to })),
    h('thead', {}, h('tr', {}, ...a.dimensions.map(head), ...measures.map(head))),
    h(
      'tbody',
      {},
      ...a.rows.map((r) =>
        h(
          'tr',
          {},
          ...a.dimensions.map((d) => h('th', { scope: 'row', 'data-col': d }, dimText(d, r[d] ?? null, names, a.report))),
          ...measures.map((m) => cell(r[m] ?? null, m)),
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
        ...measures.map((m) => cell(a.totals[m] ?? null, m)),
      ),
    ),
  );
}

const today = () => new Date().toISOString().slice(0, 10);

export const reportsPage: Page = async (root, _params, claims) => {
  const regions = await get<Region[]>('/regions');
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const own = claims.role === 'uor' ? regions.filter((r) => r.code === claims.region) : regions;
  const from = h('input', { type: 'date', name: 'from', value: `${today().slice(0, 8)}01`, max: today(), required: true });
  const to = h('input', { type: 'date', name: 'to', value: today(), max: today(), required: true });
  const region = select(
    'regionCode',
    [
      ...(claims.role === 'uor' ? [] : [['', t('report.allRegions')] as [string, string]]),
      ...own.map((r): [string, string] => [r.code, r.name]),
    ],
    claims.role === 'uor' ? claims.region : '',
  );
  const out = h('div', { class: 'reports', 'aria-live': 'polite' });
  const query = (name: string, csv = false) => {
    const q = new URLSearchParams({
      from: from.value,
      to: to.value,
      ...(region.value ? { regionCode: region.value } : {}),
      ...(csv ? { format: 'csv' } : {}),
    });
    return `/reports/${name}?${q.toString()}`;
  };
  const draw = async () => {
    put(out, h('p', { class: 'muted' }, t('report.loading')));
    try {
      const answers = await Promise.all(REPORTS.map((n) => get<ReportAnswer>(query(n))));
      // rows by facility (a UOR, or one region): named as the person may see them
      if (answers.some((a) => a.dimensions.includes('facilityId'))) {
        const { items } = await get<{ items: Facility[] }>(`/facilities?limit=200${region.value ? `&regionCode=${region.value}` : ''}`);
        for (const f of items) names.set(f.id, f.name ?? `${label('type', f.type)} · ${f.provinceCode}`);
      }
      put(
        out,
        ...answers.map((a) => {
          const msg = h('div', { 'aria-live': 'polite' });
          const csv = async () => {
            try {
              await download(query(a.report, true), `approdo-${a.report}.csv`);
            } catch (e) {
              put(msg, notice('error', errorText(e)));
            }
          };
          const body: Child = a.rows.length
            ? h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label('report', a.report) }, reportTable(a, names))
            : h('p', { class: 'muted' }, t('report.empty'));
          return h(
            'section',
            { class: 'card report-card', 'data-report': a.report, 'aria-labelledby': `rep-${a.report}` },
            h('h2', { id: `rep-${a.report}` }, label('report', a.report)),
            h('p', { class: 'help' }, label('report.about', a.report)),
            body,
            h('button', { type: 'button', class: 'btn btn-outline', 'data-act': 'csv', onclick: () => void csv() }, t('report.csv')),
            msg,
          );
        }),
      );
    } catch (e) {
      put(out, notice('error', errorText(e)));
    }
  };
  const legend = h(
    'dl',
    { class: 'facts legend-cells', 'aria-label': t('report.legend') },
    h('dt', {}, '<3'),
    h('dd', {}, t('report.legend.small')),
    h('dt', {}, 'x'),
    h('dd', {}, t('report.legend.hidden')),
    h('dt', {}, h('meter', { min: 0, max: 1.2, low: 0.65, high: 1.05, optimum: 0.85, value: 0.85, 'aria-hidden': 'true' })),
    h('dd', {}, t('report.legend.bar')),
  );
  const filters = h(
    'form',
    { class: 'filters card', 'aria-label': t('report.filters'), onsubmit: (e: Event) => (e.preventDefault(), void draw()) },
    field(t('report.from'), from),
    field(t('report.to'), to),
    field(t('report.region'), region),
    h('button', { type: 'submit', class: 'btn btn-primary', 'data-act': 'apply' }, t('report.apply')),
  );
  put(root, h('h1', {}, t('report.title')), filters, legend, out);
  await draw();
};
