import { createHash, randomBytes } from 'node:crypto';
import type { Principal } from './principal.js';

/**
 * API keys for machine clients: `apk_` and 32 random bytes (base64url, 43 characters). The database
 * keeps only the SHA-256 of the key: with 256 bits of entropy there is nothing to guess, so a slow
 * password hash would only cost CPU on every request without making a stolen table any less useless.
 */
export const API_KEY_PREFIX = 'apk_';
export const API_KEY_SHAPE = /^apk_[A-Za-z0-9_-]{43}$/;

export const newApiKey = (): string => API_KEY_PREFIX + randomBytes(32).toString('base64url');
export const apiKeyHash = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();
/** What people see to tell keys apart: `apk_` and the first 8 characters (48 of the 256 bits). */
export const apiKeyPrefix = (key: string): string => key.slice(0, API_KEY_PREFIX.length + 8);

/**
 * The keys as the guard sees them. Implemented by the api-keys module and wired by the application
 * module, so auth (a lower layer) never imports it.
 */
export interface ApiKeyDirectory {
  /** The principal of the key's member (active, key neither revoked nor expired), its use recorded; null otherwise. */
  principalOf(hash: Buffer): Promise<Principal | null>;
}
export const API_KEY_DIRECTORY = Symbol('API_KEY_DIRECTORY');
