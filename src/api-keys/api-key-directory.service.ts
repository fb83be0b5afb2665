import { Inject, Injectable } from '@nestjs/common';
import type { ApiKeyDirectory } from '../auth/api-key.js';
import { memberPrincipal, type Principal } from '../auth/principal.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { ApiKeysRepository } from './api-keys.repository.js';

/** A key's last use is written at most this often: a client calling many times a second costs no write per call. */
export const LAST_USE_PRECISION_MS = 60_000;

/** The guard's side of API keys: a key's hash to its member's principal, her role and scope read from the registry at every request. */
@Injectable()
export class ApiKeyDirectoryService implements ApiKeyDirectory {
  constructor(
    private readonly repo: ApiKeysRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async principalOf(hash: Buffer): Promise<Principal | null> {
    const now = this.clock.now();
    const row = await this.repo.usable(hash, now);
    if (!row) return null;
    const since = new Date(now.getTime() - LAST_USE_PRECISION_MS);
    if (!row.lastUsedAt || new Date(row.lastUsedAt) < since) await this.repo.touch(row.keyId, now, since);
    return { ...memberPrincipal(row, 'api_key'), apiKeyId: row.keyId };
  }
}
