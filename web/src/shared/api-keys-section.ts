import { api, ApiError, get, post } from '../core/api.js';
import { field, h, notice, put, select } from '../core/dom.js';
import { dateTime, t } from '../words/i18n.js';
import { errorText } from '../core/nav.js';
import { checkForm, summaryBox } from '../forms/form-check.js';
import type { Claims } from '../core/session.js';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  memberId: string;
  memberEmail: string;
  memberName: string | null;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
}

/**
 * API keys (issue 34): she makes a key for a system that calls Approdo as her, sees it once (with a
 * copy button), and revokes it; an administrator or a UOR also sees and revokes the keys of the
 * people she looks after. A section of the People page, and a page of its own for the other roles.
 */
export async function apiKeysSection(claims: Claims, standalone = false): Promise<HTMLElement> {
  // on a page of its own the page's h1 says "API keys": the form is the new key, the lists are h2
  const sub = standalone ? 'h2' : 'h3';
  const status = h('div', { 'aria-live': 'polite', tabindex: '-1' });
  const mine = h('div', {});
  const others = h('div', {});
  const managesOthers = claims.role === 'admin' || claims.role === 'uor';

  async function refresh(): Promise<void> {
    const { items } = await get<{ items: ApiKey[] }>('/api-keys');
    put(mine, list(items.filter((k) => k.memberId === claims.sub)));
    if (managesOthers) put(others, list(items.filter((k) => k.memberId !== claims.sub)));
  }

  const list = (keys: ApiKey[]) =>
    keys.length ? h('ul', { class: 'members' }, ...keys.map((k) => card(k))) : h('p', { class: 'help' }, t('apiKeys.none'));

  function card(k: ApiKey): HTMLElement {
    const expired = new Date(k.expiresAt).getTime() <= Date.now();
    const actions = h('div', { class: 'actions' });
    const li = h(
      'li',
      { class: 'card member', 'data-api-key': k.prefix },
      h('h3', {}, k.name, ' ', expired ? h('span', { class: 'badge badge-disabled' }, t('apiKeys.expired')) : null),
      h('p', { class: 'help' }, h('code', {}, `${k.prefix}…`)),
      h(
        'dl',
        { class: 'facts' },
        k.memberId === claims.sub ? null : [h('dt', {}, t('apiKeys.owner')), h('dd', {}, k.memberName ?? k.memberEmail)],
        h('dt', {}, t('apiKeys.createdAt')),
        h('dd', {}, dateTime(k.createdAt)),
        h('dt', {}, t('apiKeys.lastUsed')),
        h('dd', {}, k.lastUsedAt ? dateTime(k.lastUsedAt) : t('apiKeys.never')),
        h('dt', {}, t('apiKeys.expires')),
        h('dd', {}, dateTime(k.expiresAt)),
      ),
      actions,
    );
    // revoking asks in the page, beside the button, not in a browser dialog
    const ask = () =>
      put(
        actions,
        h('p', {}, t('apiKeys.confirmRevoke', { name: k.name })),
        h('button', { type: 'button', class: 'btn btn-danger', onclick: () => void revoke(k, li) }, t('apiKeys.yesRevoke')),
        ' ',
        h('button', { type: 'button', class: 'btn btn-ghost', onclick: idle }, t('apiKeys.cancel')),
      );
    const idle = () => put(actions, h('button', { type: 'button', class: 'btn btn-outline', onclick: ask }, t('apiKeys.revoke')));
    idle();
    return li;
  }

  async function revoke(k: ApiKey, li: HTMLElement): Promise<void> {
    try {
      await api('DELETE', `/api-keys/${k.id}`);
      // the card goes before the words say so: "revoked" beside a key still listed would not be true
      li.remove();
      // the button she tapped is gone with its card: her place is the words that say what happened
      put(status, notice('ok', t('apiKeys.revoked', { name: k.name })));
      status.focus();
      await refresh();
    } catch (e) {
      put(status, notice('error', errorText(e)));
      status.focus();
    }
  }

  const name = h('input', { name: 'apiKeyName', required: true, maxlength: 80, autocomplete: 'off' });
  const days = select(
    'apiKeyDays',
    [30, 90, 180, 365].map((n): [string, string] => [String(n), n === 365 ? t('apiKeys.oneYear') : t('apiKeys.days', { n })]),
    '90',
  );
  // the key, once: in a read-only field she can select, with a copy button
  const shown = h('div', { class: 'form-result', tabindex: '-1' });
  function showOnce(made: ApiKey & { key: string }): void {
    const said = h('p', { 'aria-live': 'polite' });
    const value = h('input', { readonly: true, value: made.key, id: 'new-api-key', spellcheck: 'false', autocomplete: 'off' });
    const copy = async () => {
      try {
        await navigator.clipboard.writeText(made.key);
        put(said, t('apiKeys.copied'));
      } catch {
        value.select();
        put(said, t('apiKeys.copyFailed'));
      }
    };
    put(
      shown,
      notice('ok', t('apiKeys.created', { name: made.name })),
      field(t('apiKeys.keyLabel'), value),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => void copy() }, t('apiKeys.copy')),
      said,
    );
    shown.focus({ preventScroll: true });
    value.select();
  }
  const summary = summaryBox();
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'card',
      novalidate: true,
      'aria-labelledby': 'api-keys-title',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        put(shown);
        put(status);
        if (!checkForm(form, summary)) return;
        const expiresAt = new Date(Date.now() + Number(days.value) * 86_400_000).toISOString();
        try {
          const made = await post<ApiKey & { key: string }>('/api-keys', { name: name.value.trim(), expiresAt });
          form.reset();
          // the list first, then "created": the new key is listed when the words say so (a failed re-read
          // must not cost her the key, which is shown only this once)
          await refresh().catch(() => undefined);
          showOnce(made);
        } catch (err) {
          put(shown, notice('error', err instanceof ApiError && err.code === 'too_many_api_keys' ? t('apiKeys.tooMany') : errorText(err)));
          shown.focus({ preventScroll: true });
        }
      },
    },
    h('h2', { id: 'api-keys-title' }, t(standalone ? 'apiKeys.new' : 'apiKeys.title')),
    h('p', { class: 'help' }, t('apiKeys.help')),
    summary,
    field(t('apiKeys.name'), name, t('apiKeys.nameHelp')),
    field(t('apiKeys.expiry'), days),
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('apiKeys.create')),
    shown,
  );

  const section = h(
    'section',
    { class: 'api-keys', 'aria-labelledby': 'api-keys-title' },
    form,
    status,
    h(sub, {}, t('apiKeys.mine')),
    mine,
    managesOthers ? [h(sub, {}, t('apiKeys.others')), others] : null,
  );
  await refresh();
  return section;
}
