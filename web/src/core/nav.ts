import { ApiError } from './api.js';
import { type MessageKey, label, readable, t } from '../words/i18n.js';

/** Moves to a page route (after `#`); the same route again redraws it. */
export function go(path: string): void {
  if (location.hash === `#${path}`) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = `#${path}`;
}

/** Whether the page holds something she typed and has not sent (a field changed from how the page drew it). */
export function unsavedInput(): boolean {
  const fields = document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
    '#main input:not([type=hidden]):not([type=button]):not([type=submit]), #main textarea, #main select',
  );
  return Array.from(fields).some((f) =>
    f instanceof HTMLSelectElement
      ? // a single select with no default shows its first option
        Array.from(f.options).some(
          (o, i) => o.selected !== (o.defaultSelected || (!f.multiple && i === 0 && !Array.from(f.options).some((d) => d.defaultSelected))),
        )
      : f instanceof HTMLInputElement && (f.type === 'checkbox' || f.type === 'radio')
        ? f.checked !== f.defaultChecked
        : f.value !== f.defaultValue,
  );
}

/** Why the API answered 401, in her words: disabled, or expired (and "what you wrote stays" only when she wrote something). */
export function sessionEndedText(code: string): string {
  if (code === 'member_disabled') return t('signin.disabled');
  return unsavedInput() ? t('signin.sessionEnded') : t('signin.sessionEndedPlain');
}

/** What a person reads when a call fails. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network');
    // the session ended: the banner above offers to sign in again, and what she typed is kept
    if (e.status === 401) return sessionEndedText(e.code);
    if (e.status === 404) return t('error.notFound');
    if (e.status === 403) return t('error.forbidden');
    // a code the pages explain in words (`error.code.discharge_date_in_future`), its details filled in
    const key = `error.code.${e.code}` as MessageKey;
    if (t(key) !== key) return t(key, errorDetails(e));
    return t('error.generic', { code: e.code });
  }
  return t('error.generic', { code: 'client' });
}

/** What a refusal carries, in words: a day as a day, a `status` as its name, `reasons` as a list of reasons. */
export function errorDetails(e: ApiError): Record<string, string | number> {
  const body = e.body ?? {};
  const reasons = Array.isArray(body.reasons) ? body.reasons.filter((r): r is string => typeof r === 'string') : [];
  return {
    // a day in words ("7 dicembre 2026", not 2026-12-07), as everywhere else in the pages
    ...readable(
      Object.fromEntries(
        Object.entries(body).filter((kv): kv is [string, string | number] => typeof kv[1] === 'string' || typeof kv[1] === 'number'),
      ),
    ),
    ...(typeof body.status === 'string' ? { status: label('status', body.status).toLocaleLowerCase() } : {}),
    reasons: reasons.map((r) => label('reason', r)).join(', ') || '—',
  };
}
