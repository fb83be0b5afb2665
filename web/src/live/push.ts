/**
 * "Get notifications on this phone" (managers and UOR staff): asks the browser's permission,
 * subscribes with the service's VAPID key (GET /api/v1/push/key) and hands the subscription to
 * the service (POST /api/v1/push-subscriptions); the service worker (sw.ts) shows what arrives.
 */
import { api, get, post } from '../core/api.js';
import { h, notice, put } from '../core/dom.js';
import { t } from '../words/i18n.js';
import { errorText } from '../core/nav.js';
import { session } from '../core/session.js';

const idKey = () => `approdo.push.${session.claims()?.sub ?? ''}`;

/** A VAPID public key (base64url, as the service gives it) as the bytes PushManager wants. */
export function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const b64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const raw = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

async function subscribe(): Promise<void> {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('denied');
  const reg = await navigator.serviceWorker.ready;
  const { publicKey } = await get<{ publicKey: string }>('/push/key');
  const sub =
    (await reg.pushManager.getSubscription()) ??
    (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) }));
  const json = sub.toJSON();
  const { id } = await post<{ id: string }>('/push-subscriptions', {
    endpoint: json.endpoint,
    keys: { p256dh: json.keys?.p256dh, auth: json.keys?.auth },
  });
  localStorage.setItem(idKey(), id);
}

async function unsubscribe(): Promise<void> {
  const id = localStorage.getItem(idKey());
  if (id) await api('DELETE', `/push-subscriptions/${id}`).catch(() => undefined);
  localStorage.removeItem(idKey());
  const reg = await navigator.serviceWorker.getRegistration();
  await (await reg?.pushManager.getSubscription())?.unsubscribe();
}

/** The control, for the pages of the people who get pushes; it says why when it cannot work. */
export function pushControl(): HTMLElement {
  const el = h('section', { class: 'push-control', 'data-push': '' });
  const draw = (message?: HTMLElement) => {
    if (!supported()) return put(el, h('small', { class: 'help' }, t('push.unsupported')));
    if (Notification.permission === 'denied') return put(el, h('small', { class: 'help' }, t('push.denied')));
    const on = Notification.permission === 'granted' && localStorage.getItem(idKey()) !== null;
    put(
      el,
      on
        ? [
            h('p', { class: 'help', 'data-push-on': '' }, t('push.on')),
            h(
              'button',
              { type: 'button', class: 'btn btn-ghost', 'data-act': 'push-off', onclick: () => void act(unsubscribe) },
              t('push.disable'),
            ),
          ]
        : [
            h(
              'button',
              { type: 'button', class: 'btn btn-outline', 'data-act': 'push-on', onclick: () => void act(subscribe) },
              t('push.enable'),
            ),
            h('small', { class: 'help' }, t('push.help')),
          ],
      message,
    );
  };
  const act = async (f: () => Promise<void>) => {
    try {
      await f();
      draw();
    } catch (e) {
      if (e instanceof Error && e.message === 'denied') return draw(notice('info', t('push.denied')));
      draw(notice('error', e instanceof Error && e.name !== 'Error' ? t('push.failed', { code: e.name }) : errorText(e)));
    }
  };
  draw();
  return el;
}
