import { h, notice, put } from '../dom.js';
import { label, t } from '../i18n.js';
import { type Claims, decode, session } from '../session.js';

interface DemoUser {
  user: string;
  role: Claims['role'];
  region: string | null;
  token: string;
}

/** Demo users (only served when the demo network is on), else a pasted token. */
async function demoUsers(): Promise<DemoUser[]> {
  try {
    const res = await fetch('/api/v1/demo/users');
    if (!res.ok) return [];
    return ((await res.json()) as { items: DemoUser[] }).items;
  } catch {
    return [];
  }
}

export async function signInPage(root: HTMLElement, expired: boolean, done: (c: Claims) => void): Promise<void> {
  const enter = (token: string) => {
    const claims = decode(token);
    if (!claims) return false;
    session.signIn(token);
    done(claims);
    return true;
  };
  const users = await demoUsers();
  const input = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 3,
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    'aria-describedby': 'token-help',
  });
  const status = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    {
      class: 'card',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (!enter(input.value.trim())) put(status, notice('error', t('signin.badToken')));
      },
    },
    h('h2', {}, t('signin.tokenTitle')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'token' }, t('signin.tokenLabel')),
      input,
      h('small', { class: 'help', id: 'token-help' }, t('signin.tokenHelp')),
    ),
    status,
    h('button', { type: 'submit', class: 'btn btn-primary' }, t('signin.submit')),
  );
  const byRole = (role: Claims['role']) => users.filter((u) => u.role === role);
  const demo = users.length
    ? h(
        'section',
        { class: 'card', 'aria-labelledby': 'demo-title' },
        h('h2', { id: 'demo-title' }, t('signin.demoTitle')),
        h('p', { class: 'help' }, t('signin.demoHelp')),
        ...(['shelter_manager', 'uor', 'national', 'admin'] as const).map((role) =>
          byRole(role).length
            ? h(
                'div',
                { class: 'demo-group' },
                h('h3', {}, label('role', role)),
                h(
                  'ul',
                  { class: 'demo-users' },
                  ...byRole(role).map((u) =>
                    h(
                      'li',
                      {},
                      h(
                        'button',
                        {
                          type: 'button',
                          class: 'btn btn-outline',
                          'data-user': u.user,
                          'aria-label': t('signin.as', { user: u.user }),
                          onclick: () => enter(u.token),
                        },
                        u.user,
                      ),
                    ),
                  ),
                ),
              )
            : null,
        ),
      )
    : null;
  put(
    root,
    h('h1', {}, t('signin.title')),
    expired ? notice('error', t('signin.expired')) : null,
    h('div', { class: 'grid-2' }, demo, form),
  );
}
