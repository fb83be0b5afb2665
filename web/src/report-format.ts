import { label, locale, t } from './i18n.js';

/**
 * How the reports' codes and numbers read in the page's language (the reports page, the printable
 * summary, the charts): never a raw code (`18_24`, `sexual`, `NG`, `low`), percentages as percent,
 * dates spelled out. One place for every page that shows a report.
 */
export type Percentiles = { p50: number | null; p90: number | null };
export type Cell = number | string | null | Percentiles;

export const num = (v: number, digits = 0) => v.toLocaleString(locale(), { maximumFractionDigits: digits });
export const percent = (v: number) => v.toLocaleString(locale(), { style: 'percent', maximumFractionDigits: 0 });

/** 2026-03-01 → "1 marzo 2026" (noon UTC: the same day in every time zone). */
export const longDate = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString(locale(), { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
/** 2026-03 → "mar 2026" (a chart's axis) or "marzo 2026" (`long`). */
export const monthName = (ym: string, long = false) =>
  new Date(`${ym}-15T12:00:00Z`).toLocaleDateString(locale(), { month: long ? 'long' : 'short', year: 'numeric', timeZone: 'UTC' });

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
