/**
 * How numbers, dates and counted words read in a language, with Intl only (NumberFormat,
 * DateTimeFormat, PluralRules, ListFormat): "7 dicembre 2026", "3,3", "1 riga" / "2 righe".
 * The one place the pages format a value; pure (no DOM, no storage), so it is unit-tested in
 * Italian and English (format.spec.ts). i18n.ts binds it to the page's language.
 */
import { dayOf } from '../../../src/domain/italian-day.js';

export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export interface Format {
  locale: string;
  /** 1234.5 → "1.234,5" (at most `digits` decimals) */
  number(v: number, digits?: number): string;
  /** 0.83 → "83%" */
  percent(v: number): string;
  /** "25 / 25", "3,3 / 5": a score of a maximum (no-break spaces: it never wraps) */
  ratio(v: number, max: number, digits?: number): string;
  /** 2026-12-07 → "7 dicembre 2026" (a calendar day: the same day in every time zone) */
  day(iso: string): string;
  /** an instant → "7 dicembre 2026, 14:05" */
  dateTime(iso: string | Date): string;
  /** an instant → "14:05" */
  time(iso: string | Date): string;
  /** an instant soon → "ven 11 dic, 14:05" (a countdown's end: the weekday matters more than the year) */
  soon(iso: string | Date): string;
  /** 2026-03 → "marzo 2026" (`long`) or "mar 2026" */
  month(ym: string, long?: boolean): string;
  /** 2026-03 → "mar": a chart's axis, whose caption gives the year */
  monthShort(ym: string): string;
  /** the form of a word that agrees with `n`, `{n}` filled in with the number as written here */
  plural(n: number, forms: PluralForms, vars?: Record<string, string | number>): string;
  /** ["a", "b", "c"] → "a, b e c" */
  list(items: string[]): string;
}

const cache = new Map<string, Format>();

/** The formatter of a locale (`it-IT`, `en-GB`), made once. */
export function formatFor(locale: string, timeZone?: string): Format {
  const key = `${locale}|${timeZone ?? ''}`;
  const known = cache.get(key);
  if (known) return known;
  const numbers = new Map<number, Intl.NumberFormat>();
  const numberOf = (digits: number) => {
    let f = numbers.get(digits);
    if (!f) numbers.set(digits, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
    return f;
  };
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const dateTime = new Intl.DateTimeFormat(locale, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone });
  const soon = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  });
  const monthLong = new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  const monthShort = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const monthOnly = new Intl.DateTimeFormat(locale, { month: 'short', timeZone: 'UTC' });
  const rules = new Intl.PluralRules(locale);
  const list = new Intl.ListFormat(locale, { style: 'long', type: 'conjunction' });
  const at = (iso: string | Date) => (iso instanceof Date ? iso : new Date(iso));
  // noon UTC: a calendar day or a month is the same in every time zone
  const noon = (isoDay: string) => new Date(`${isoDay}T12:00:00Z`);
  const f: Format = {
    locale,
    number: (v, digits = 0) => numberOf(digits).format(v),
    percent: (v) => percent.format(v),
    ratio: (v, max, digits = 1) => `${numberOf(digits).format(v)}\u00a0/\u00a0${numberOf(digits).format(max)}`,
    day: (iso) => day.format(noon(iso.slice(0, 10))),
    dateTime: (iso) => dateTime.format(at(iso)),
    time: (iso) => time.format(at(iso)),
    soon: (iso) => soon.format(at(iso)),
    month: (ym, long = false) => (long ? monthLong : monthShort).format(noon(`${ym.slice(0, 7)}-15`)),
    // "mar", "set", "Sept": without the abbreviation's full stop
    monthShort: (ym) => monthOnly.format(noon(`${ym.slice(0, 7)}-15`)).replace(/\.$/, ''),
    plural: (n, forms, vars = {}) => {
      const text = forms[rules.select(n)] ?? forms.other;
      const all: Record<string, string | number> = { n: numberOf(1).format(n), ...vars };
      return text.replace(/\{(\w+)\}/g, (_, k: string) => String(all[k] ?? `{${k}}`));
    },
    list: (items) => list.format(items),
  };
  cache.set(key, f);
  return f;
}

/** Whether a value is a calendar day as the API writes it (2026-12-07): messages show it in words. */
export const isIsoDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v);

/** Today (YYYY-MM-DD) in Italy, where the network's days begin and end: at 00:30 in Rome it is already the new day, though UTC's is not. */
export const todayInItaly = (now = new Date()): string => dayOf(now);

const MONTHS_IT =
  'gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|gen|feb|mar|apr|mag|giu|lug|ago|set|ott|nov|dic';
const ELIDED: Record<string, string> = { il: "l'", del: "dell'", dal: "dall'", al: "all'", nel: "nell'" };
/**
 * Italian elides the article before a day said with a vowel (uno, otto, undici): "dell'8 dicembre",
 * "l'11 marzo", never "del 8". Messages put the article before `{when}`; the day is known only then.
 */
// built once: t() runs it on every Italian message
const ARTICLE_DAY = new RegExp(`\\b(il|del|dal|al|nel) (1|8|11) (${MONTHS_IT})\\b`, 'gi');
export const elideItalianDays = (text: string): string =>
  text.replace(ARTICLE_DAY, (_, art: string, d: string, m: string) => {
    const e = ELIDED[art.toLowerCase()];
    return `${art[0] === art[0].toUpperCase() ? e[0].toUpperCase() + e.slice(1) : e}${d} ${m}`;
  });
