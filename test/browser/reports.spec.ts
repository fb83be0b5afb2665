/**
 * The reports page and the printable monitoring sheet in a real Chromium, on the demo network plus
 * a year of history written the way the service's triggers and facts have it (availability events
 * through the report trigger, anonymous facts), so that the charts have twelve months to draw.
 * Phone and desktop: SVG charts each with its table, words for every code, nothing wider than the
 * phone's screen, axe clean; the sheet fits A4 when printed.
 */
import type { Page } from 'playwright-core';
import { Browser, DESKTOP, PHONE, type Problems } from './harness.js';
import { dayOf } from '../../src/domain/italian-day.js';

type Json = Record<string, any>;
const b = new Browser();

/** A year of history before today: bed use changing month by month, admissions, exits, proposals. */
async function aYearOfHistory(): Promise<void> {
  await b.t.sql(`SELECT setseed(0.24)`);
  // every place of the demo network existed a year ago, occupancy moving on the first of each month
  await b.t.sql(`INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta)
    SELECT p.facility_id, p.kind, 'created', 'history', 'shelter_manager', date_trunc('month', now()) - interval '12 months' + interval '8 hours',
           jsonb_build_object('total', p.total, 'occupied', 0, 'outOfService', 0, 'held', 0)
    FROM facility_place p`);
  await b.t.sql(`INSERT INTO availability_event (facility_id, kind, type, actor_sub, actor_role, at, delta)
    SELECT facility_id, kind, 'admission', 'history', 'shelter_manager', at, jsonb_build_object('total', 0, 'occupied', occ - coalesce(lag(occ) OVER w, 0), 'outOfService', 0, 'held', 0)
    FROM (SELECT p.facility_id, p.kind, m.at,
                 least(p.total + 1, round(p.total * (0.35 + 0.6 * abs(sin(ascii(f.region_code) + m.k / 2.0)) + random() * 0.15)))::int AS occ
          FROM facility_place p JOIN facility f ON f.id = p.facility_id
          CROSS JOIN LATERAL (SELECT k, date_trunc('month', now()) - make_interval(months => 12 - k) + interval '9 hours' AS at FROM generate_series(0, 11) k) m) x
    WINDOW w AS (PARTITION BY facility_id, kind ORDER BY at)`);
  // admissions, exits and proposals: anonymous facts, as the services write them
  await b.t
    .sql(`INSERT INTO report_fact (event, at, day, region_code, facility_region_code, facility_id, facility_type, kind, urgency, gender, age_band, exploitation, children, children_female, children_male, transfer, reason, stay_days)
    SELECT e.event, a.at, (a.at AT TIME ZONE 'Europe/Rome')::date, f.region_code, f.region_code, f.id, f.type, 'adult', 'within_24h',
           a.gender, a.age_band, a.exploitation, a.children, a.children - a.children / 2, a.children / 2, false,
           CASE e.event WHEN 'discharge' THEN (ARRAY['completed','left','assisted_return','transferred'])[1 + floor(random() * 4)::int]
                        WHEN 'decline' THEN (ARRAY['staff_capacity','profile_not_suitable','safety_risk'])[1 + floor(random() * 3)::int] END,
           CASE WHEN e.event = 'discharge' THEN 20 + floor(random() * 200)::int END
    FROM (SELECT now() - make_interval(days => 2 + floor(random() * 360)::int) AS at,
                 (ARRAY['female','female','female','female','male','transgender'])[1 + floor(random() * 6)::int] AS gender,
                 (ARRAY['minor','18_24','25_34','35_plus'])[1 + floor(random() * 4)::int] AS age_band,
                 CASE floor(random() * 5)::int WHEN 0 THEN ARRAY['sexual'] WHEN 1 THEN ARRAY['labour'] WHEN 2 THEN ARRAY['labour','sexual']
                   WHEN 3 THEN ARRAY['begging'] ELSE ARRAY['domestic_servitude'] END AS exploitation,
                 floor(random() * random() * 3)::int AS children, random() AS fate, floor(random() * 1000)::int AS pick
          FROM generate_series(1, 420)) a
    JOIN LATERAL (SELECT id, region_code, type FROM facility ORDER BY id OFFSET a.pick % (SELECT count(*) FROM facility) LIMIT 1) f ON true
    CROSS JOIN LATERAL (VALUES ('admission', true), ('proposal', true), ('discharge', a.fate < 0.5), ('decline', a.fate > 0.8), ('expiry', a.fate > 0.93)) e(event, happens)
    WHERE e.happens`);
}

beforeAll(async () => {
  await b.start();
  await aYearOfHistory();
}, 180_000);
afterAll(async () => {
  await b.stop();
});

/** Codes of the API that must never reach a person's eyes on these pages. */
const CODES = [
  '18_24',
  '25_34',
  '35_plus',
  'sexual',
  'labour',
  'begging',
  'domestic_servitude',
  'forced_crime',
  'mother_child',
  'casa_di_fuga',
  'high_intensity_community',
  'within_24h',
  'staff_capacity',
  'profile_not_suitable',
  'no_free_place',
  'assisted_return',
  'carriedOver',
  'newAdmissions',
  'utilisation',
  'bedNights',
  'regionCode',
  'NaN',
  'undefined',
  'null',
  '[object',
];
/** Whole words of the list found in a text (so "labour" would not hide in "laboured", nor "null" in "nullo"). */
const rawCodes = (text: string) =>
  CODES.filter((c) => new RegExp(`(^|[^\\p{L}_])${c.replace(/[[\]]/g, '\\$&')}($|[^\\p{L}_])`, 'u').test(text));
/** Dates as the API writes them (2026-12-01) and ratios written as 0,4 beside a percent legend. */
const isoDates = (text: string) => text.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? [];

function clean(problems: Problems): void {
  expect({ console: problems.console, pageErrors: problems.pageErrors, failed: problems.failed }).toEqual({
    console: [],
    pageErrors: [],
    failed: [],
  });
}

/** The reports page drawn: headline, three charts, the six report cards. */
async function drawn(page: Page): Promise<void> {
  await page.waitForSelector('section.headline [data-kpi="unplaced"]');
  await page.waitForSelector('section[data-chart="map"] svg path[data-region]');
  await page.waitForSelector('section.report-card[data-report="movements"]');
}

/** What the page's text says, tables and SVG titles included (hidden <details> too: a person may open them). */
const allText = (page: Page) =>
  page.evaluate(
    "[document.querySelector('main').textContent, ...[...document.querySelectorAll('svg title')].map((x) => x.textContent)].join(' ')",
  ) as Promise<string>;

describe('reports page', () => {
  it('desktop: three SVG charts each with its table, the numbers as the API gives them, words for every code, axe clean', async () => {
    const { page, problems } = await b.page(DESKTOP);
    await b.signIn(page, 'national-helpline', '/#/reports');
    await drawn(page);
    const charts = page.locator('section.chart-card');
    expect(await charts.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const figure = charts.nth(i).locator('figure.chart');
      expect(await figure.locator('svg[role="img"]').count()).toBe(1);
      // the SVG is named by the caption, and its numbers are a table with row headers
      const labelledBy = await figure.locator('svg[role="img"]').getAttribute('aria-labelledby');
      expect(await figure.locator(`figcaption#${labelledBy}`).count()).toBe(1);
      expect(await figure.locator('table.data-table tbody th[scope="row"]').count()).toBeGreaterThan(0);
    }
    // twelve months of utilisation for the twenty regions, as the API has them
    const token = b.tokens.get('national-helpline')!;
    const to = await page.inputValue('input[name="to"]');
    const heatRows = page.locator('[data-chart="utilisation"] table tbody tr');
    expect(await heatRows.count()).toBe(20);
    expect(await page.locator('[data-chart="utilisation"] svg.heatmap rect').count()).toBe(240);
    const months = await page.locator('[data-chart="utilisation"] table thead th').allTextContents();
    expect(months.length).toBe(13);
    const yearFrom = (() => {
      const d = new Date(Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 12, 1));
      return d.toISOString().slice(0, 10);
    })();
    const use = (await b.api(token).get(`/reports/occupancy?from=${yearFrom}&to=${to}&by=regionCode&groupBy=month`)).body;
    const liguria = use.rows.filter((r: Json) => r.regionCode === '07');
    const ligRow = page.locator('[data-chart="utilisation"] table tbody tr', { hasText: 'Liguria' });
    const ligCells = await ligRow.locator('td').allTextContents();
    const asPercent = (v: number) => v.toLocaleString('it-IT', { style: 'percent', maximumFractionDigits: 0 });
    for (const r of liguria) expect(ligCells).toContain(asPercent(r.utilisation));
    // admissions by month: suppressed parts drawn as such, never as numbers
    const people = (await b.api(token).get(`/reports/people?from=${yearFrom}&to=${to}&by=gender&groupBy=month`)).body;
    const small = people.rows.filter((r: Json) => r.admissions === '<3').length;
    expect(await page.locator('[data-chart="admissions"] svg rect.small-part').count()).toBe(small);
    expect(await page.locator('[data-chart="admissions"] svg rect.hidden-part').count()).toBe(
      people.rows.filter((r: Json) => r.admissions === null).length,
    );
    expect(people.rows.length).toBeGreaterThan(12);
    // the map: a region per path, coloured, its table
    expect(await page.locator('[data-chart="map"] svg path[data-region]').count()).toBe(20);

    const text = await allText(page);
    expect(rawCodes(text)).toEqual([]);
    expect(isoDates(text)).toEqual([]);
    expect(await b.axe(page)).toEqual([]);
    await b.shot(page, 'reports-desktop');
    clean(problems);
    await page.close();
  });

  it('the code check can fail: a raw code in the text is found', () => {
    expect(rawCodes('Fascia 18_24 · sfruttamento sexual')).toEqual(['18_24', 'sexual']);
    expect(rawCodes('18–24 anni · sessuale · lavorativo')).toEqual([]);
    expect(isoDates('Dal 2026-12-01')).toEqual(['2026-12-01']);
  });

  it('phone: the first screen says the period, the scope and three numbers, nothing scrolls sideways, the tables fold into cards', async () => {
    const { page, problems } = await b.page(PHONE);
    await b.signIn(page, 'uor-liguria', '/#/reports');
    await drawn(page);
    const head = page.locator('section.headline');
    const box = (await head.boundingBox())!;
    expect(box.y + box.height).toBeLessThanOrEqual(PHONE.height);
    expect(await head.locator('h2').textContent()).toMatch(
      /^(?:Dal (?!(?:1|8|11) )|Dall'(?=(?:1|8|11) ))\d{1,2} \p{L}+ \d{4} (?:al (?!(?:1|8|11) )|all'(?=(?:1|8|11) ))\d{1,2} \p{L}+ \d{4}$/u,
    );
    expect(await head.locator('.scope').textContent()).toBe('Liguria');
    expect(await head.locator('.tile .tile-value').count()).toBe(3);
    // the UOR's summary (Liguria) gives the first tile's parts
    const uor = b.api(b.tokens.get('uor-liguria')!);
    const from = await page.inputValue('input[name="from"]');
    const to = await page.inputValue('input[name="to"]');
    const summary = (await uor.get(`/reports/summary?from=${from}&to=${to}&regionCode=07`)).body;
    expect(await page.locator('[data-kpi="unplaced"] .tile-value').textContent()).toBe(String(summary.requestsClosedUnplaced));
    // nothing wider than the screen: the page never scrolls sideways, on the first screen or below
    const widths = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as number[];
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    // a report's rows fold into cards: each cell says which column it is
    await page.locator('section[data-report="occupancy"] details summary').click();
    const firstRow = page.locator('table[data-report="occupancy"] tbody tr').first();
    const display = await firstRow.evaluate((tr: unknown) => (globalThis as any).getComputedStyle(tr).display as string);
    expect(display).toBe('block');
    expect(await firstRow.locator('[data-label]').first().getAttribute('data-label')).toBe('Regione');
    const after = (await page.evaluate('[document.documentElement.scrollWidth, window.innerWidth]')) as number[];
    expect(after[0]).toBeLessThanOrEqual(after[1]);
    expect(rawCodes(await allText(page))).toEqual([]);
    expect(await b.axe(page)).toEqual([]);
    await page.locator('section[data-report="occupancy"] details summary').click();
    await b.shot(page, 'reports-phone');
    if (process.env.SCREENSHOTS) {
      const { resolve } = await import('node:path');
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: resolve(process.env.SCREENSHOTS, 'reports-phone-first-screen.png') });
      await page
        .locator('section[data-chart="admissions"]')
        .screenshot({ path: resolve(process.env.SCREENSHOTS, 'reports-phone-chart.png') });
    }
    clean(problems);
    await page.close();
  });

  it('the monitoring sheet: the API numbers, words, axe clean, and printed on A4 nothing is wider than the page', async () => {
    const { page, problems } = await b.page(DESKTOP);
    // the last six months: people admitted before them are carried over
    const to = dayOf(new Date());
    const from = new Date(Date.UTC(+to.slice(0, 4), +to.slice(5, 7) - 6, 1)).toISOString().slice(0, 10);
    await b.signIn(page, 'national-helpline', `/#/reports/summary?from=${from}&to=${to}`);
    await page.waitForSelector('article.sheet [data-figure="closedUnplaced"]');
    const a = (await b.api(b.tokens.get('national-helpline')!).get(`/reports/summary?from=${from}&to=${to}`)).body;
    const shown = (v: unknown) => (v === null ? 'x' : String(v));
    expect(await page.locator('[data-figure="proposalsMade"] dd').textContent()).toBe(shown(a.proposals.made));
    const tables = page.locator('article.sheet table.data-table');
    expect(await tables.count()).toBeGreaterThanOrEqual(4);
    const carried = await tables.nth(0).locator('tfoot td').allTextContents();
    expect(carried[2]).toBe(shown(a.people.totals.carriedOver));
    expect(rawCodes(await allText(page))).toEqual([]);
    expect(isoDates(await allText(page))).toEqual([]);
    expect(await b.axe(page)).toEqual([]);

    // print emulation at A4's printable width (210 mm less 2 × 14 mm margins = 182 mm = 688 CSS px)
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 688, height: 1000 });
    const tooWide = (await page.evaluate(`(() => {
      const limit = document.documentElement.clientWidth;
      return [...document.querySelectorAll('main *')].filter((el) => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && (r.right > limit + 0.5 || r.left < -0.5);
      }).map((el) => el.tagName + '.' + el.className);
    })()`)) as string[];
    expect(tooWide).toEqual([]);
    expect(await page.locator('header.top').isVisible()).toBe(false);
    expect(await page.locator('[data-act="print"]').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    if (process.env.SCREENSHOTS) {
      const { writeFileSync } = await import('node:fs');
      const { resolve } = await import('node:path');
      writeFileSync(resolve(process.env.SCREENSHOTS, 'summary-print.pdf'), pdf);
      await b.shot(page, 'summary-print');
    }
    clean(problems);
    await page.close();
  });
});
