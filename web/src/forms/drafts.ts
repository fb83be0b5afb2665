import { h, notice } from '../core/dom.js';
import { t, time } from '../words/i18n.js';
import { go } from '../core/nav.js';
import { session } from '../core/session.js';

/** What a person typed, kept in this browser per signed-in user until the form is sent: an expired
 * session, a reload or a closed tab does not lose it. Kept a day at most (profiles are special-category). */

const MAX_AGE_MS = 24 * 3600 * 1000;

/** The signed-in person's id: the one place that knows where the session keeps it. */
export function currentUserId(): string | null {
  return session.claims()?.sub ?? null;
}

type Values = Record<string, string[]>;
interface Stored {
  savedAt: number;
  values: Values;
}
const keyOf = (name: string) => {
  const user = currentUserId();
  return user ? `approdo.draft.${user}.${name}` : null;
};

function read(form: HTMLFormElement): Values {
  const d = new FormData(form);
  const out: Values = {};
  for (const el of Array.from(form.elements) as HTMLInputElement[]) {
    // unticked boxes too, so that a box ticked by default comes back unticked
    if (el.name && !(el.name in out)) out[el.name] = d.getAll(el.name).map(String);
  }
  return out;
}

function write(form: HTMLFormElement, values: Values): void {
  for (const [name, vs] of Object.entries(values)) {
    form.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(`[name="${name}"]`).forEach((el) => {
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) el.checked = vs.includes(el.value);
      else el.value = vs[0] ?? '';
      // pickers that draw from a hidden field (languages) redraw themselves
      el.dispatchEvent(new Event('sync'));
    });
  }
}

export interface Draft {
  /** When the restored draft was saved; null when the form started empty. */
  restoredAt: Date | null;
  save(): void;
  clear(): void;
}

/**
 * Restores the form's draft (if any) and keeps it as she types. `store`: sessionStorage for a draft
 * that must not outlive the tab (a decline's reason and note: kept across a sign-in, not for days).
 */
export function keepDraft(form: HTMLFormElement, name: string, store: Storage = localStorage): Draft {
  const key = keyOf(name);
  let restoredAt: Date | null = null;
  if (key) {
    try {
      const stored = JSON.parse(store.getItem(key) ?? 'null') as Stored | null;
      if (stored && Date.now() - stored.savedAt < MAX_AGE_MS) {
        write(form, stored.values);
        restoredAt = new Date(stored.savedAt);
      } else store.removeItem(key);
    } catch {
      store.removeItem(key);
    }
  }
  const save = () => {
    if (!key) return;
    try {
      store.setItem(key, JSON.stringify({ savedAt: Date.now(), values: read(form) } satisfies Stored));
    } catch {
      // a full storage loses the draft, not the form
    }
  };
  form.addEventListener('input', save);
  form.addEventListener('change', save);
  return { restoredAt, save, clear: () => key && store.removeItem(key) };
}

/** A draft that is not a form (the bed board's numbers): kept, read back, dropped. */
export const drafts = {
  put(name: string, value: unknown): void {
    const key = keyOf(name);
    if (!key) return;
    try {
      localStorage.setItem(key, JSON.stringify({ savedAt: Date.now(), value }));
    } catch {
      // a full storage loses the draft, not the page
    }
  },
  get<T>(name: string): { savedAt: Date; value: T } | null {
    const key = keyOf(name);
    try {
      const x = key ? (JSON.parse(localStorage.getItem(key) ?? 'null') as { savedAt: number; value: T } | null) : null;
      return x && Date.now() - x.savedAt < MAX_AGE_MS ? { savedAt: new Date(x.savedAt), value: x.value } : null;
    } catch {
      return null;
    }
  },
  drop(name: string): void {
    const key = keyOf(name);
    if (key) localStorage.removeItem(key);
  },
};

/** Every draft of the signed-in person: for an explicit sign-out (never for an expired session, whose
 * drafts wait for her to sign in again). */
export function forgetDrafts(): void {
  const user = currentUserId();
  if (!user) return;
  const mine = `approdo.draft.${user}.`;
  for (const store of [localStorage, sessionStorage]) for (const k of Object.keys(store)) if (k.startsWith(mine)) store.removeItem(k);
}

/** Whether a draft is waiting for this form (a background refresh must not navigate away from it). */
export const hasDraft = (name: string, store: Storage = localStorage) => {
  const key = keyOf(name);
  return key !== null && store.getItem(key) !== null;
};

/** "Restored what you typed at 10:04" with a way to start again; nothing when the form started empty. */
export function draftNotice(draft: Draft): HTMLElement | null {
  if (!draft.restoredAt) return null;
  return notice(
    'info',
    t('draft.restored', { time: time(draft.restoredAt.toISOString()) }),
    ' ',
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost',
        'data-act': 'discard-draft',
        onclick: () => (draft.clear(), go(location.hash.replace(/^#/, ''))),
      },
      t('draft.discard'),
    ),
  );
}
