import en from '../../messages/en.json';
import it from '../../messages/it.json';
import { elideItalianDays, type Format, formatFor, isIsoDay, type PluralForms } from './format.js';

export type Lang = 'it' | 'en';
export type MessageKey = keyof typeof it;
const MESSAGES: Record<Lang, Record<MessageKey, string>> = { it, en };
const KEY = 'approdo.lang';

let lang: Lang = localStorage.getItem(KEY) === 'en' ? 'en' : 'it';

export const currentLang = () => lang;
export const locale = () => (lang === 'it' ? 'it-IT' : 'en-GB');

export function setLang(l: Lang): void {
  lang = l;
  localStorage.setItem(KEY, l);
  document.documentElement.lang = l;
}

/** A message in the current language, `{name}` placeholders filled in. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text = MESSAGES[lang][key] ?? MESSAGES.it[key] ?? key;
  const said = text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
  return lang === 'it' ? elideItalianDays(said) : said;
}

/** A message for a code of the API (`kind.adult`, `reason.conflict`), the code itself if unknown. */
export function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}` as MessageKey;
  return key in MESSAGES.it ? t(key) : code;
}

/** The page language's formatter (format.ts): numbers, days, times, plurals. */
export const fmt = (): Format => formatFor(locale());
export const dateTime = (iso: string) => fmt().dateTime(iso);
export const time = (iso: string) => fmt().time(iso);

/**
 * A message whose words agree with `n` ("1 riga", "2 righe"): the keys `key.one`, `key.other`
 * (and any other plural category of the language), `{n}` the number as the language writes it.
 */
export function tn(key: string, n: number, vars: Record<string, string | number> = {}): string {
  const forms: Record<string, string> = {};
  for (const m of [MESSAGES[lang], MESSAGES.it] as Record<string, string>[])
    for (const c of ['zero', 'one', 'two', 'few', 'many', 'other'])
      if (!(c in forms) && m[`${key}.${c}`] !== undefined) forms[c] = m[`${key}.${c}`];
  if (!forms.other) return key;
  return fmt().plural(n, forms as PluralForms, vars);
}

/** A message's values as people read them: a calendar day in words ("7 dicembre 2026"), a number with the language's separators. */
export function readable(vars: Record<string, string | number>): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, isIsoDay(v) ? fmt().day(v) : typeof v === 'number' ? fmt().number(v, 1) : v]),
  );
}

/** "3 hours ago", "in 2 days". */
export function ago(iso: string, now = Date.now()): string {
  const secs = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(secs);
  if (abs < 60) return t('ago.now');
  if (abs < 3600) return rtf.format(Math.round(secs / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(secs / 3600), 'hour');
  return rtf.format(Math.round(secs / 86400), 'day');
}
