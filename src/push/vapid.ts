import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import webpush from 'web-push';
import type { AppConfig } from '../config/app-config.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

export const VAPID = Symbol('VAPID');

const DEV_KEYS_FILE = '.data/vapid-development.json';

/**
 * The VAPID keys: VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY when set. Outside production, when absent,
 * development keys are generated once and kept in .data (phones subscribed to this instance keep
 * working across restarts); tests keep them in memory. In production without keys: null, push is off.
 */
export function resolveVapid(config: AppConfig): VapidKeys | null {
  const { vapidPublicKey, vapidPrivateKey, vapidSubject } = config.push;
  if (vapidPublicKey && vapidPrivateKey) return { publicKey: vapidPublicKey, privateKey: vapidPrivateKey, subject: vapidSubject };
  if (config.production) return null;
  if (config.nodeEnv === 'test') return { ...webpush.generateVAPIDKeys(), subject: vapidSubject };
  if (existsSync(DEV_KEYS_FILE)) {
    const kept = JSON.parse(readFileSync(DEV_KEYS_FILE, 'utf8')) as { publicKey: string; privateKey: string };
    return { ...kept, subject: vapidSubject };
  }
  const keys = webpush.generateVAPIDKeys();
  mkdirSync(dirname(DEV_KEYS_FILE), { recursive: true });
  writeFileSync(DEV_KEYS_FILE, JSON.stringify(keys), { mode: 0o600 });
  return { ...keys, subject: vapidSubject };
}
