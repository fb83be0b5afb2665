import { download, get } from '../core/api.js';
import type { Shown } from '../shared/charts.js';
import { dataTable } from '../shared/charts.js';
import { h, notice, put } from '../core/dom.js';
import { label, t, tn } from '../words/i18n.js';
import type { Page } from '../core/page.js';
import { errorText } from '../core/nav.js';
import { fileButton } from '../shared/file-button.js';
import { countText, countWords, dimText, num, periodText, sumText } from '../words/report-format.js';
import type { Region } from '../core/types.js';
import { todayInItaly } from '../words/format.js';

type Measures = { carriedOver: Shown; newAdmissions: Shown };
interface Summary {
  from: string;
  to: string;
  filters: { regionCode: string | null };
  suppressed: boolean;
  people: { rows: ({ gender: string; age: string } & Measures)[]; totals: Measures };
  children: { rows: ({ sex: string } & Measures)[]; totals: Measures };
  exploitation: { rows: ({ exploitation: string } & Measures)[]; totals: Measures };
  exits: {
    rows: { reason: string; exits: Shown; medianStayDays: number | null }[];
    totals: { exits: Shown };
    medianStayDays: number | null;
  };
  transfers: Shown;
  proposals: { made: Shown; declined: Shown; expired: Shown; declinedByReason: { rows: { reason: string; count: Shown }[] } };
  requestsClosedUnplaced: Shown;
}

const c = (v: Shown) => countText(v);
/** A sum of shown counts, or the hidden mark when one of them is not a number (never worked out from the others). */
const sum = (vs: Shown[]) =>
  vs.every((v) => typeof v === 'number') ? num(vs.reduce<number>((a, v) => a + (v as number), 0)) : t('report.hiddenMark');
const days = (v: number | null) => (v === null ? '—' : tn('summary.days', v));

/** People by gender (rows) and adult / minor (columns) for one measure, with the row totals where every cell is shown. */
function peopleTable(caption: string, s: Summary, m: keyof Measures): HTMLElement {
  const genders = [...new Set(s.people.rows.map((r) => r.gender))];
  const of = (g: string, age: string) => s.people.rows.find((r) => r.gender === g && r.age === age)?.[m] ?? 0;
  return dataTable(
    caption,
    [t('summary.gender'), label('report.age', 'adult'), label('report.age', 'minor'), t('report.total')],
    genders.map((g) => ({
      head: g === 'unknown' ? t('report.unknown') : label('gender', g),
      cells: [c(of(g, 'adult')), c(of(g, 'minor')), sum([of(g, 'adult'), of(g, 'minor')])],
    })),
    {
      head: t('report.total'),
      cells: [sum(genders.map((g) => of(g, 'adult'))), sum(genders.map((g) => of(g, 'minor'))), c(s.people.totals[m])],
    },
  );
}

/**
 * The monitoring sheet of the anti-trafficking calls' final reports ("Scheda riassuntiva esiti
 * progetto"), laid out as the programme's sheet and printable on A4 (styles/reports.css, @media
 * print): the browser's print saves it as PDF.
 */
export const summaryPage: Page = async (root, params) => {
  const q = new URLSearchParams(params[0] ?? '');
  const today = todayInItaly();
  if (!q.get('to')) q.set('to', today);
  if (!q.get('from')) q.set('from', `${q.get('to')!.slice(0, 8)}01`);
  const [regions, s] = await Promise.all([get<Region[]>('/regions'), get<Summary>(`/reports/summary?${q.toString()}`)]);
  const names = new Map(regions.map((r) => [r.code, r.name]));
  const scope = s.filters.regionCode ? (names.get(s.filters.regionCode) ?? s.filters.regionCode) : t('report.allRegions');
  const msg = h('div', { 'aria-live': 'polite' });
  const csv = async () => {
    try {
      await download(`/reports/summary?${q.toString()}&format=csv`, 'approdo-summary.csv');
    } catch (e) {
      put(msg, notice('error', errorText(e)));
    }
  };
  const line = (key: string, value: string) =>
    h('div', { class: 'sheet-line', 'data-figure': key }, h('dt', {}, t(`summary.${key}` as never)), h('dd', {}, value));
  // in words that agree ("1 persona", "1 o 2 figli al seguito"), never "<3 persone + <3 minori"
  const peopleAndChildren = (m: keyof Measures) => {
    const girls = s.children.rows.find((r) => r.sex === 'female')?.[m] ?? 0;
    const boys = s.children.rows.find((r) => r.sex === 'male')?.[m] ?? 0;
    return t('summary.peopleAndChildren', {
      people: countWords([s.people.totals[m]], 'summary.people'),
      children: countWords([s.children.totals[m]], 'summary.children'),
      girls: sumText([girls]),
      boys: sumText([boys]),
    });
  };
  const section = (title: string, ...body: (HTMLElement | null)[]) => h('section', { class: 'sheet-section' }, h('h2', {}, title), ...body);
  put(
    root,
    h(
      'div',
      { class: 'no-print actions' },
      h('a', { class: 'btn btn-outline', href: `#/reports` }, t('summary.back')),
      h('button', { type: 'button', class: 'btn btn-primary', 'data-act': 'print', onclick: () => window.print() }, t('summary.print')),
      fileButton(`/reports/summary?${q.toString()}&format=xlsx`, 'approdo-riepilogo.xlsx', 'xlsx', t('report.xlsx'), msg),
      fileButton(`/reports/summary?${q.toString()}&format=csv-it`, 'approdo-riepilogo-it.csv', 'csv-it', t('report.csvIt'), msg),
      h('button', { type: 'button', class: 'btn btn-ghost', 'data-act': 'csv', onclick: () => void csv() }, t('report.csv')),
    ),
    msg,
    h(
      'article',
      { class: 'sheet card', 'data-sheet': 'summary' },
      h('h1', {}, t('summary.title')),
      h(
        'dl',
        { class: 'sheet-head' },
        line('period', periodText(s.from, s.to)),
        line('scope', scope),
        s.suppressed ? line('suppressedNote', t('summary.suppressedText')) : null,
      ),
      section(
        t('summary.carriedOver'),
        h('p', { class: 'sheet-total' }, peopleAndChildren('carriedOver')),
        peopleTable(t('summary.carriedOverTable'), s, 'carriedOver'),
      ),
      section(
        t('summary.newAdmissions'),
        h('p', { class: 'sheet-total' }, peopleAndChildren('newAdmissions')),
        peopleTable(t('summary.newAdmissionsTable'), s, 'newAdmissions'),
      ),
      section(
        t('summary.exploitation'),
        dataTable(
          t('summary.exploitationTable'),
          [t('report.col.exploitation'), t('summary.col.carriedOver'), t('summary.col.newAdmissions')],
          s.exploitation.rows.map((r) => ({
            head: dimText('exploitation', r.exploitation, names, 'people'),
            cells: [c(r.carriedOver), c(r.newAdmissions)],
          })),
        ),
        h('p', { class: 'help' }, t('summary.exploitationNote')),
      ),
      section(
        t('summary.exits'),
        dataTable(
          t('summary.exitsTable'),
          [t('summary.col.reason'), t('summary.col.exits'), t('summary.col.medianStay')],
          s.exits.rows.map((r) => ({ head: dimText('reason', r.reason, names, 'exits'), cells: [c(r.exits), days(r.medianStayDays)] })),
          { head: t('report.total'), cells: [c(s.exits.totals.exits), days(s.exits.medianStayDays)] },
        ),
      ),
      section(
        t('summary.proposalsAndRequests'),
        h(
          'dl',
          { class: 'sheet-figures' },
          line('transfers', c(s.transfers)),
          line('proposalsMade', c(s.proposals.made)),
          line('proposalsDeclined', c(s.proposals.declined)),
          line('proposalsExpired', c(s.proposals.expired)),
          line('closedUnplaced', c(s.requestsClosedUnplaced)),
        ),
        s.proposals.declinedByReason.rows.length
          ? dataTable(
              t('summary.declinesTable'),
              [t('summary.col.reason'), t('report.col.count')],
              s.proposals.declinedByReason.rows.map((r) => ({ head: dimText('reason', r.reason, names, 'declines'), cells: [c(r.count)] })),
            )
          : null,
      ),
      h('p', { class: 'help sheet-foot' }, t('summary.legend')),
    ),
  );
};
