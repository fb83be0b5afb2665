import italy from '@svg-maps/italy';
import { type Child, h, nextId, s } from '../core/dom.js';
import { fmt, t } from '../words/i18n.js';
import { ISTAT_OF } from '../words/italy-regions.js';

/**
 * Three small SVG charts of our own (see README "Reports"): a heat map (rows × months), stacked
 * bars by month, and the map of Italy coloured by region. Each is a <figure> whose SVG is an
 * image with a name, followed by its numbers as a table (the accessible form, and the one that
 * prints). A suppressed count is drawn as such: "<3" as a hatched block of 1.5, a count hidden to
 * protect another as a dotted outline of 3 (its least possible value), never as a number.
 */
export type Shown = number | '<3' | null;

/** Utilisation classes: spare beds light, the HUD band 65–105 % in the middle blues, over capacity red. */
const STEPS: { upTo: number; fill: string; key: string }[] = [
  { upTo: 0.4, fill: '#deebf7', key: 'u0' },
  { upTo: 0.65, fill: '#9ecae1', key: 'u1' },
  { upTo: 0.85, fill: '#4292c6', key: 'u2' },
  { upTo: 1.05, fill: '#08519c', key: 'u3' },
  { upTo: Infinity, fill: '#a50f15', key: 'u4' },
];
const NO_DATA = '#e8ecf0';
export const utilisationFill = (v: number | null) => (v === null ? NO_DATA : STEPS.find((x) => v < x.upTo || x.upTo === Infinity)!.fill);

/** The utilisation legend (the same for the heat map and the map). */
export function utilisationLegend(): HTMLElement {
  const item = (fill: string, text: string) =>
    h(
      'li',
      {},
      s(
        'svg',
        { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' },
        s('rect', { width: 14, height: 14, fill, stroke: '#c5cdd6' }),
      ),
      ` ${text}`,
    );
  return h(
    'ul',
    { class: 'legend' },
    ...STEPS.map((x) => item(x.fill, t(`chart.legend.${x.key}` as never))),
    item(NO_DATA, t('chart.legend.none')),
  );
}

/** A figure: the SVG (an image named by the caption) and its table. */
function figure(caption: string, svg: SVGSVGElement, table: HTMLElement, extra?: Child): HTMLElement {
  const id = nextId('chart');
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-labelledby', id);
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', { id }, caption),
    svg,
    extra,
    h('details', { class: 'chart-numbers' }, h('summary', {}, t('chart.numbers')), table),
  );
}

/** A data table with its first column as row headers (kept in view when the table scrolls on a phone). */
export function dataTable(
  caption: string,
  columns: string[],
  rows: { head: string; cells: Child[] }[],
  foot?: { head: string; cells: Child[] },
) {
  const row = (r: { head: string; cells: Child[] }, tag: 'tbody' | 'tfoot') =>
    h('tr', tag === 'tfoot' ? { 'data-total': '' } : {}, h('th', { scope: 'row' }, r.head), ...r.cells.map((c) => h('td', {}, c)));
  return h(
    'div',
    { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': caption },
    h(
      'table',
      { class: 'data-table' },
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, ...rows.map((r) => row(r, 'tbody'))),
      foot ? h('tfoot', {}, row(foot, 'tfoot')) : null,
    ),
  );
}

/** Rows (e.g. regions) × columns (months) coloured by a value in 0..n (utilisation); each cell's text as its tooltip. */
export function heatmap(o: {
  caption: string;
  columns: string[];
  /** the columns' axis labels: a short month, and its year where the year changes */
  axis: { label: string; year: string | null }[];
  rows: { label: string; values: (number | null)[] }[];
  text: (v: number | null) => string;
}): HTMLElement {
  const [labelW, cellW, cellH, top] = [172, 27, 20, 34];
  const width = labelW + cellW * o.columns.length;
  const height = top + cellH * o.rows.length;
  const svg = s(
    'svg',
    { class: 'chart-svg heatmap', viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'xMinYMin meet' },
    // on a phone every other month is labelled (the most recent always): twelve side by side ran together ("aprmaggiu")
    ...o.axis.map((a, j) =>
      s(
        'g',
        {},
        s(
          'text',
          {
            x: labelW + cellW * j + cellW / 2,
            y: 28,
            'text-anchor': 'middle',
            class: `axis month${(o.axis.length - 1 - j) % 2 ? ' thin' : ''}`,
          },
          a.label,
        ),
        a.year ? s('text', { x: labelW + cellW * j + 1, y: 12, class: 'axis year' }, a.year) : null,
      ),
    ),
    ...o.rows.map((r, i) =>
      s(
        'g',
        {},
        s('text', { x: labelW - 6, y: top + cellH * i + cellH / 2 + 4, 'text-anchor': 'end', class: 'axis' }, r.label),
        ...r.values.map((v, j) =>
          s(
            'rect',
            { x: labelW + cellW * j + 1, y: top + cellH * i + 1, width: cellW - 2, height: cellH - 2, rx: 2, fill: utilisationFill(v) },
            s('title', {}, `${r.label}, ${o.columns[j]}: ${o.text(v)}`),
          ),
        ),
      ),
    ),
  );
  const table = dataTable(
    o.caption,
    ['', ...o.columns],
    o.rows.map((r) => ({ head: r.label, cells: r.values.map((v) => o.text(v)) })),
  );
  table.querySelector('thead th')!.textContent = t('chart.row');
  return figure(o.caption, svg, table, utilisationLegend());
}

/** Bars by category (months), stacked by series; suppressed parts drawn as such; the totals above when known. */
export function stackedBars(o: {
  caption: string;
  categories: string[];
  /** short labels under the bars (default: the categories) */
  axis?: string[];
  series: { name: string; fill: string; values: Shown[] }[];
  text: (v: Shown) => string;
  /** a tick or a bar's total as text (default: the number) */
  tick?: (v: number) => string;
  totalLabel: string;
  /** no legend of series (a single one, named by the caption) */
  single?: boolean;
}): HTMLElement {
  const tick = o.tick ?? ((v: number) => fmt().number(v));
  const height = (v: Shown) => (v === null ? 3 : v === '<3' ? 1.5 : v);
  const stacks = o.categories.map((_, j) => o.series.reduce((a, x) => a + height(x.values[j]), 0));
  const max = Math.max(4, ...stacks);
  const step = niceStep(max);
  const top1 = Math.ceil(max / step) * step;
  // room on the left for the longest tick ("100 %" must not be cut to "0 %")
  const longest = Math.max(...Array.from({ length: Math.floor(top1 / step) + 1 }, (_, i) => tick(i * step).length));
  const [left, top, barW, gap, plotH, bottom] = [Math.max(36, 14 + longest * 10), 18, 30, 14, 180, 26];
  const y = (v: number) => top + plotH - (v / top1) * plotH;
  const width = left + o.categories.length * (barW + gap) + gap;
  const pid = nextId('hatch');
  const ticks: number[] = [];
  for (let v = 0; v <= top1; v += step) ticks.push(v);
  const totals = o.categories.map((_, j) =>
    o.series.every((x) => typeof x.values[j] === 'number') ? o.series.reduce((a, x) => a + (x.values[j] as number), 0) : null,
  );
  const svg = s(
    'svg',
    { class: 'chart-svg bars', viewBox: `0 0 ${width} ${top + plotH + bottom}`, preserveAspectRatio: 'xMinYMin meet' },
    s(
      'defs',
      {},
      s(
        'pattern',
        { id: pid, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, fill: '#fff6e0' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#8a4b00', 'stroke-width': 2 }),
      ),
    ),
    ...ticks.map((v) =>
      s(
        'g',
        {},
        s('line', { x1: left, x2: width, y1: y(v), y2: y(v), class: 'grid' }),
        s('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, tick(v)),
      ),
    ),
    ...o.categories.map((c, j) => {
      let base = 0;
      const x = left + gap + j * (barW + gap);
      const parts = o.series.map((ser) => {
        const v = ser.values[j];
        const hgt = height(v);
        if (!hgt) return null;
        const rect = s(
          'rect',
          {
            x,
            y: y(base + hgt),
            width: barW,
            height: Math.max(1, y(base) - y(base + hgt)),
            fill: v === '<3' ? `url(#${pid})` : v === null ? '#fff' : ser.fill,
            class: v === null ? 'hidden-part' : v === '<3' ? 'small-part' : null,
          },
          s('title', {}, `${c}, ${ser.name}: ${o.text(v)}`),
        );
        base += hgt;
        return rect;
      });
      return s(
        'g',
        {},
        ...parts,
        totals[j] !== null && totals[j]! > 0
          ? s('text', { x: x + barW / 2, y: y(base) - 4, 'text-anchor': 'middle', class: 'value' }, tick(totals[j]!))
          : null,
        s('text', { x: x + barW / 2, y: top + plotH + 16, 'text-anchor': 'middle', class: 'axis' }, o.axis?.[j] ?? c),
      );
    }),
  );
  const legend = o.single
    ? null
    : h(
        'ul',
        { class: 'legend' },
        ...o.series.map((x) =>
          h(
            'li',
            {},
            s(
              'svg',
              { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true' },
              s('rect', { width: 14, height: 14, fill: x.fill }),
            ),
            ` ${x.name}`,
          ),
        ),
        h('li', { class: 'muted' }, t('chart.legend.suppressed')),
      );
  const table = dataTable(
    o.caption,
    [t('chart.month'), ...o.series.map((x) => x.name), ...(o.single ? [] : [o.totalLabel])],
    o.categories.map((c, j) => ({
      head: c,
      cells: [
        ...o.series.map((x) => o.text(x.values[j])),
        ...(o.single ? [] : [totals[j] === null ? t('report.hiddenMark') : tick(totals[j]!)]),
      ],
    })),
  );
  return figure(o.caption, svg, table, legend);
}

function niceStep(max: number): number {
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= raw) ?? mag * 10;
}

/** The map of Italy, each region filled by its value (utilisation); regions outside the scope greyed. */
export function italyMap(o: {
  caption: string;
  values: Map<string, number | null>;
  names: Map<string, string>;
  text: (v: number | null) => string;
  columns: [string, string];
}): HTMLElement {
  const svg = s(
    'svg',
    { class: 'chart-svg italy', viewBox: italy.viewBox },
    ...italy.locations.map((loc) => {
      const code = ISTAT_OF[loc.id];
      const v = o.values.has(code) ? o.values.get(code)! : null;
      return s(
        'path',
        { d: loc.path, fill: utilisationFill(v), class: 'region', 'data-region': code },
        s('title', {}, `${o.names.get(code) ?? loc.name}: ${o.text(v)}`),
      );
    }),
  );
  const rows = [...o.values.entries()]
    .map(([code, v]) => ({ head: o.names.get(code) ?? code, cells: [o.text(v)] as Child[] }))
    .sort((a, b) => a.head.localeCompare(b.head));
  return figure(o.caption, svg, dataTable(o.caption, o.columns, rows), [
    utilisationLegend(),
    h('small', { class: 'muted' }, t('map.attribution')),
  ]);
}
