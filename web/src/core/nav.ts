import { ApiError } from './api.js';
import { type MessageKey, readable, t } from '../words/i18n.js';

/** Moves to a page route (after `#`); the same route again redraws it. */
export function go(path: string): void {
  if (location.hash === `#${path}`) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = `#${path}`;
}

/** What a person reads when a call fails. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    // the session ended: the banner above offers to sign in again, and what she typed is kept
    if (e.status === 401) return t('signin.sessionEnded');
    if (e.status === 404) return t('error.notFound');
    if (e.status === 403) return t('error.forbidden');
    // a code the pages explain in words (`error.code.discharge_date_in_future`), its details filled in
    const key = `error.code.${e.code}` as MessageKey;
    if (t(key) !== key)
      return t(
        key,
        // a day in words ("7 dicembre 2026", not 2026-12-07), as everywhere else in the pages
        readable(
          Object.fromEntries(
            Object.entries(e.body ?? {}).filter(
              (kv): kv is [string, string | number] => typeof kv[1] === 'string' || typeof kv[1] === 'number',
            ),
          ),
        ),
      );
    return t('error.generic', { code: e.code });
  }
  return t('error.generic', { code: 'client' });
}
