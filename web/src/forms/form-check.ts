import { ApiError } from '../core/api.js';
import { h, put } from '../core/dom.js';
import { type MessageKey, t } from '../words/i18n.js';

/** Checks a form where the person types: each error in words beside its field (aria-invalid,
 * aria-describedby), a summary at the top with links to the fields, focus on the first one. */

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
export type Problem = [Control, string];

const has = (key: string): key is MessageKey => t(key as MessageKey) !== key;

/** The words a person reads for a field's own constraint. */
function why(c: Control): string | null {
  const v = c.validity;
  if (v.valid) return null;
  const own = `check.${c.name}`;
  if (v.valueMissing) return t('check.required');
  if (v.rangeUnderflow || v.rangeOverflow || v.stepMismatch)
    return c instanceof HTMLInputElement && c.min && c.max ? t('check.range', { min: c.min, max: c.max }) : t('check.number');
  if (v.tooLong) return t('check.tooLong', { max: (c as HTMLInputElement).maxLength });
  if (v.badInput) return t('check.number');
  return has(own) ? t(own) : t('check.format');
}

/** The name a person reads for a control: its label, or its group's legend. */
function nameOf(c: Control): string {
  const lab = c.id ? c.form?.querySelector(`label[for="${c.id}"]`) : null;
  return (lab ?? c.closest('fieldset')?.querySelector('legend'))?.textContent?.trim() ?? c.name;
}

function describe(c: Control, id: string, on: boolean): void {
  const ids = (c.getAttribute('aria-describedby') ?? '').split(' ').filter((x) => x && x !== id);
  if (on) ids.unshift(id);
  if (ids.length) c.setAttribute('aria-describedby', ids.join(' '));
  else c.removeAttribute('aria-describedby');
}

/** Marks one control (message) or clears it (null). */
export function markField(c: Control, message: string | null): void {
  const id = `${c.id}-err`;
  document.getElementById(id)?.remove();
  if (!message) {
    c.removeAttribute('aria-invalid');
    describe(c, id, false);
    return;
  }
  c.setAttribute('aria-invalid', 'true');
  describe(c, id, true);
  // after the label, before the control: read first, and seen above the phone's keyboard
  const err = h('p', { class: 'field-error', id }, message);
  const label = c.id ? c.form?.querySelector(`label[for="${c.id}"]`) : null;
  // a choice among radios is said once, under the group's legend (data-error-at)
  const at = c.dataset.errorAt ? document.getElementById(c.dataset.errorAt) : null;
  if (at) at.after(err);
  else if (label && label.parentElement === c.parentElement) label.after(err);
  else c.before(err);
}

export function clearMarks(form: HTMLFormElement, summary: HTMLElement): void {
  form.querySelectorAll<Control>('[aria-invalid="true"]').forEach((c) => markField(c, null));
  put(summary);
  summary.hidden = true;
}

/** Shows the problems (none: clears); returns whether the form may be sent. */
export function showProblems(form: HTMLFormElement, summary: HTMLElement, problems: Problem[], loose: string[] = []): boolean {
  clearMarks(form, summary);
  if (!problems.length && !loose.length) return true;
  for (const [c, m] of problems) markField(c, m);
  summary.hidden = false;
  put(
    summary,
    h('h2', {}, t('check.summary', { n: problems.length + loose.length })),
    h(
      'ul',
      {},
      ...problems.map(([c, m]) =>
        h('li', {}, h('a', { href: `#${c.id}`, onclick: (e: Event) => (e.preventDefault(), c.focus()) }, `${nameOf(c)}: ${m}`)),
      ),
      ...loose.map((m) => h('li', {}, m)),
    ),
  );
  if (problems.length) problems[0][0].focus();
  else summary.focus();
  return false;
}

/** The form's own constraints (required, min/max, pattern) plus the page's extra checks (`loose`: problems of no one control). */
export function checkForm(form: HTMLFormElement, summary: HTMLElement, extra: Problem[] = [], loose: string[] = []): boolean {
  const own: Problem[] = [];
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) continue;
    if (el.type === 'hidden' || el.disabled) continue;
    const m = why(el);
    if (m) own.push([el, m]);
  }
  // in the order of the page, the first one first
  const all = [...own, ...extra.filter(([c]) => !own.some(([o]) => o === c))].sort((a, b) =>
    a[0].compareDocumentPosition(b[0]) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
  );
  return showProblems(form, summary, all, loose);
}

/** The control an API field path names: "person.children.0.age" → children, "origin.provinceCode" → origin. */
export function controlFor(form: HTMLFormElement, path: string): Control | null {
  const parts = path.split('.').filter((p) => !/^\d+$/.test(p));
  const candidates = path.startsWith('origin') ? ['origin'] : [parts[parts.length - 1], parts[1], parts[0]];
  for (const n of candidates) {
    if (!n) continue;
    const el = form.querySelector<Control>(`[name="${n}"]:not([type="hidden"]), [data-name="${n}"]`);
    if (el) return el;
  }
  return null;
}

/** The API's refusals that name the fields to fix: a 400 validation_failed, a 422 personal_data_in_text. */
export const isFieldRefusal = (e: unknown): e is ApiError =>
  e instanceof ApiError && (e.code === 'validation_failed' || e.code === 'personal_data_in_text');

/** What the free-text guard found, in words: the rule, then what it saw ("sembra un numero di telefono"). */
export function personalDataText(problems: unknown, rule: MessageKey = 'check.personalData'): string {
  const seen = Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string') : [];
  const what = seen.map((p) => `personal.${p}`).filter(has);
  return what.length ? `${t(rule)} ${t('check.personalDataSeen', { what: what.map((k) => t(k)).join(', ') })}` : t(rule);
}

/** A refusal of the API (isFieldRefusal), its fields put back on the form in words; what she typed stays. */
export function showApiProblems(form: HTMLFormElement, summary: HTMLElement, body: Record<string, unknown> | null): void {
  const personal = body?.code === 'personal_data_in_text';
  const listed = Array.isArray(body?.fields) ? (body.fields as { field?: string; problems?: unknown }[]) : [];
  // a 422 names its first field alone, too
  const fields = listed.length ? listed : typeof body?.field === 'string' ? [{ field: body.field }] : [];
  const problems: Problem[] = [];
  const loose: string[] = [];
  for (const { field: path = '', problems: found } of fields) {
    const c = controlFor(form, path);
    const own = c ? `check.api.${c.dataset.name ?? c.name}` : '';
    const words = personal ? personalDataText(found) : has(own) ? t(own as MessageKey) : t('check.refused');
    if (c && !problems.some(([x]) => x === c)) problems.push([c, words]);
    else if (!c) loose.push(personal ? words : t('check.refusedField', { field: path }));
  }
  if (!problems.length && !loose.length) loose.push(t('check.refusedField', { field: String(body?.message ?? '') }));
  showProblems(form, summary, problems, loose);
}

/** The summary box a checked form shows at its top. */
export const summaryBox = () => h('div', { class: 'form-summary', role: 'alert', tabindex: '-1', hidden: true });
