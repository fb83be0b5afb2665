import { h, notice, put } from '../core/dom.js';
import { t } from '../words/i18n.js';
import { session } from '../core/session.js';

/**
 * Why the page shows no session: the last sign-in came back without one (the service's /auth/callback
 * says it in `?signin=`), or she has just signed out (of the provider too: `?state=signed_out` from
 * its post-logout redirect; of Approdo only: `?signedout=approdo`).
 */
export type SignInOutcome = 'not_member' | 'disabled' | 'failed' | 'unavailable' | 'signed_out' | 'signed_out_local' | null;

/**
 * Sign-in: one button to the network's identity provider (the service runs the flow and keeps the
 * session; this page never sees a token). A person the provider knows but Approdo does not is told
 * whom to ask (a disabled member, that she was disabled); "another account" makes the provider ask
 * who again (`prompt=login`): its session of her lives on, so a plain sign-in would bring her back here.
 */
export async function signInPage(root: HTMLElement, opts: { expired: boolean; outcome: SignInOutcome; returnTo: string }): Promise<void> {
  const start = () => location.assign(session.signInUrl(opts.returnTo));
  if (opts.outcome === 'not_member' || opts.outcome === 'disabled') {
    const disabled = opts.outcome === 'disabled';
    put(
      root,
      h('h1', {}, t(disabled ? 'signin.disabledTitle' : 'signin.notMemberTitle')),
      h(
        'section',
        { class: 'card' },
        ...(disabled ? [h('p', {}, t('signin.disabled'))] : [h('p', {}, t('signin.notMember')), h('p', {}, t('signin.notMemberWho'))]),
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-outline',
            id: 'signin-other',
            onclick: () => location.assign(session.signInUrl(opts.returnTo, true)),
          },
          t('signin.otherAccount'),
        ),
        h('p', { class: 'help' }, t('signin.otherAccountHelp')),
      ),
    );
    return;
  }
  put(
    root,
    h('h1', {}, t('signin.title')),
    opts.outcome === 'signed_out' ? notice('ok', t('signout.done')) : null,
    opts.outcome === 'signed_out_local' ? notice('info', t('signout.doneLocal')) : null,
    opts.expired ? notice('error', t('signin.expired')) : null,
    opts.outcome === 'failed' ? notice('error', t('signin.failed')) : null,
    opts.outcome === 'unavailable' ? notice('error', t('signin.unavailable')) : null,
    h(
      'section',
      { class: 'card signin' },
      h('p', {}, t('signin.intro')),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'signin', onclick: start }, t('signin.submit')),
      h('p', { class: 'help' }, t('signin.help')),
    ),
  );
}
