import en from '../messages/en.json';
import it from '../messages/it.json';

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
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

/** A message for a code of the API (`kind.adult`, `reason.conflict`), the code itself if unknown. */
export function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}` as MessageKey;
  return key in MESSAGES.it ? t(key) : code;
}

export const dateTime = (iso: string) => new Date(iso).toLocaleString(locale(), { dateStyle: 'medium', timeStyle: 'short' });
export const time = (iso: string) => new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });

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
