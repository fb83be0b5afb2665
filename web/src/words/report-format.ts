import { fmt, label, locale, t, tn } from './i18n.js';

/**
 * How the reports' codes and numbers read in the page's language (the reports page, the printable
 * summary, the charts): never a raw code (`18_24`, `sexual`, `NG`, `low`), percentages as percent,
 * dates spelled out. One place for every page that shows a report.
 */
export type Percentiles = { p50: number | null; p90: number | null };
export type Cell = number | string | null | Percentiles;

// the formatting itself is format.ts's (one module for every page); these names are the reports' own
export const num = (v: number, digits = 0) => fmt().number(v, digits);
export const percent = (v: number) => fmt().percent(v);
/** 2026-03-01 → "1 marzo 2026". */
export const longDate = (iso: string) => fmt().day(iso);
/** 2026-03 → "mar 2026" or "marzo 2026" (`long`). */
export const monthName = (ym: string, long = false) => fmt().month(ym, long);

export const periodText = (from: string, to: string) => t('report.period', { from: longDate(from), to: longDate(to) });

/** A count as text: "<3" (1 or 2) stays, a hidden count (null) reads as the legend's mark. */
export function countText(v: Cell, measure = ''): string {
  if (v === null) return measure === 'utilisation' || measure === 'staleShare' ? '—' : t('report.hiddenMark');
  if (typeof v === 'object')
    return t('report.percentiles', { p50: v.p50 === null ? '—' : num(v.p50, 1), p90: v.p90 === null ? '—' : num(v.p90, 1) });
  if (typeof v === 'string') return v === '<3' ? t('report.smallMark') : band(v);
  if (measure === 'utilisation' || measure === 'staleShare') return percent(v);
  return num(v, 1);
}
const band = (v: string) => label('report.band', v);

/**
 * Shown counts added up in plain words, never "0 + <3": the sum when every part is a number,
 * "1 o 2" or "da 6 a 7" when some are "<3" (each is 1 or 2, so the sum's range says no more than
 * the parts), "nascosto" when a part is hidden (a sum would give it away).
 */
export function sumText(values: Cell[]): string {
  if (values.some((v) => v === null || typeof v === 'object')) return t('report.hiddenWord');
  const few = values.filter((v) => v === '<3').length;
  const known = values.reduce<number>((a, v) => a + (typeof v === 'number' ? v : 0), 0);
  if (!few) return num(known);
  const [lo, hi] = [known + few, known + 2 * few];
  return lo === 1 && hi === 2 ? t('report.fewWords') : t('report.range', { lo: num(lo), hi: num(hi) });
}

/**
 * A count with its noun agreeing ("1 persona", "1 o 2 persone", "da 6 a 7 persone"): the messages
 * `key.one` / `key.other` (plural forms) and `key.hidden` (a hidden count).
 */
export function countWords(values: Cell[], key: string): string {
  const text = sumText(values);
  if (values.some((v) => v === null || typeof v === 'object')) return t(`${key}.hidden` as never);
  if (values.every((v) => typeof v === 'number'))
    return tn(
      key,
      values.reduce<number>((a, v) => a + (v as number), 0),
    );
  return tn(key, 2, { n: text });
}

let nations: Intl.DisplayNames | null = null;
/** NG → "Nigeria" in the page's language. */
function nation(code: string): string {
  try {
    nations ??= new Intl.DisplayNames([locale()], { type: 'region' });
    return nations.of(code) ?? code;
  } catch {
    return code;
  }
}

/** Labels of a report's dimension values (`names`: regions and facilities by code). */
export function dimText(dim: string, v: string | null, names: Map<string, string>, report: string): string {
  if (v === null) return t('report.unknown');
  switch (dim) {
    case 'regionCode':
    case 'fromRegionCode':
    case 'toRegionCode':
      return names.get(v) ?? v;
    case 'facilityId':
      return names.get(v) ?? t('report.facility');
    case 'month':
      return monthName(v, true);
    case 'gender':
      return label('gender', v);
    case 'ageBand':
      return label('report.age', v);
    case 'age':
      return label('report.age', v);
    case 'sex':
      return label('report.sex', v);
    case 'exploitation':
      return v === 'none'
        ? t('report.exploitation.none')
        : v
            .split('+')
            .map((x) => label('exploitation', x))
            .join(' + ');
    case 'nationality':
      return nation(v);
    case 'referralChannel':
      return label('referral', v);
    case 'facilityType':
      return label('type', v);
    case 'kind':
      return label('kind', v);
    case 'urgency':
      return label('urgency', v);
    case 'reason':
      if (report === 'declines') return label('decline', v);
      if (report === 'exits') return label('discharge', v);
      return v === 'none' ? t('report.reason.none') : label('reason', v);
    default:
      return v;
  }
}

/** A column's header: the report's own words where a plain one would be ambiguous ("Regione" of what). */
export function columnText(report: string, col: string): string {
  const own = label(`report.col.${report}`, col);
  return own !== col ? own : label('report.col', col);
}
