import { ApiError } from './api.js';
import { t } from './i18n.js';

/** Moves to a page route (after `#`); the same route again redraws it. */
export function go(path: string): void {
  if (location.hash === `#${path}`) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = `#${path}`;
}

/** What a person reads when a call fails. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    if (e.status === 404) return t('error.notFound');
    if (e.status === 403) return t('error.forbidden');
    return t('error.generic', { code: e.code });
  }
  return t('error.generic', { code: 'client' });
}
