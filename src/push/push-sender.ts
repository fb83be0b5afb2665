import type { Agent } from 'node:https';
import webpush from 'web-push';
import type { VapidKeys } from './vapid.js';

export const PUSH_SENDER = Symbol('PUSH_SENDER');

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** What the push service answered: 2xx sent, anything else refused (with its Retry-After, if any). */
export type PushOutcome = { ok: true } | { ok: false; status: number | null; retryAfterSeconds?: number; reason: string };

export interface PushSender {
  send(
    target: PushTarget,
    payload: string,
    options: { topic: string; ttlSeconds: number; urgency: 'normal' | 'high' },
  ): Promise<PushOutcome>;
}

/**
 * Sends through `web-push`: the payload encrypted as RFC 8291 (aes128gcm) for the subscription's
 * keys, signed with VAPID (RFC 8292). `agent` only for tests, whose push service has its own CA.
 */
export class WebPushSender implements PushSender {
  constructor(
    private readonly vapid: VapidKeys,
    private readonly agent?: Agent,
  ) {}

  async send(
    target: PushTarget,
    payload: string,
    o: { topic: string; ttlSeconds: number; urgency: 'normal' | 'high' },
  ): Promise<PushOutcome> {
    try {
      await webpush.sendNotification(target, payload, {
        vapidDetails: this.vapid,
        TTL: o.ttlSeconds,
        topic: o.topic,
        urgency: o.urgency,
        contentEncoding: 'aes128gcm',
        timeout: 15_000,
        ...(this.agent ? { agent: this.agent } : {}),
      });
      return { ok: true };
    } catch (e) {
      const err = e as { statusCode?: number; headers?: Record<string, string>; code?: string; name?: string };
      if (typeof err.statusCode === 'number') {
        const retryAfter = Number(err.headers?.['retry-after']);
        return {
          ok: false,
          status: err.statusCode,
          reason: `http ${err.statusCode}`,
          ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
        };
      }
      // the network: names only, never a message (it may quote the endpoint)
      return { ok: false, status: null, reason: err.code ?? err.name ?? 'error' };
    }
  }
}
