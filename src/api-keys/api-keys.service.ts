import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { can, memberListScope, requireAccess, requireVisible } from '../auth/access.js';
import { apiKeyHash, apiKeyPrefix, newApiKey } from '../auth/api-key.js';
import type { Principal } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { conflict, invalidInput, notAMember, notFound, signInRequired } from '../domain/errors.js';
import type { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './dto/api-key.dto.js';
import { ApiKeysRepository, type ApiKeyRow, type KeyOwner } from './api-keys.repository.js';

const DAY = 86_400_000;
export const DEFAULT_DAYS = 90;
export const MAX_DAYS = 365;
/** usable keys per member: enough for every system of a region, few enough to review */
export const MAX_KEYS = 20;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** who may ask for someone else's key but does not exist: refused like a person who is not a service member */
const NOBODY: KeyOwner = { memberId: '', role: 'national', status: 'disabled', service: false, facilityRegions: [] };

const present = (k: ApiKeyRow): ApiKeyDto => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  memberId: k.memberId,
  memberEmail: k.memberEmail,
  memberName: k.memberName,
  createdAt: new Date(k.createdAt).toISOString(),
  expiresAt: new Date(k.expiresAt).toISOString(),
  lastUsedAt: k.lastUsedAt ? new Date(k.lastUsedAt).toISOString() : null,
  revokedAt: k.revokedAt ? new Date(k.revokedAt).toISOString() : null,
});

/**
 * API keys for machine clients: made by a member for herself (or by an administrator for a service
 * member), shown once, kept as a hash; revoked by her, an administrator, or the UOR of her region
 * when she is a shelter manager. Each change audited with the key's id.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repo: ApiKeysRepository,
    private readonly db: Transactions,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async create(p: Principal, dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    // a key lives up to a year: it is made only by someone signed in to the pages, never from a credential
    // that is short-lived (a provider's or local token) or one that must not outlive its revocation (a key)
    if (p.via !== 'session') throw signInRequired('API keys are made only from a signed-in page session: sign in to make one');
    const now = this.clock.now();
    const expiresAt = this.expiry(dto.expiresAt, now);
    const memberId = await this.ownerFor(p, dto.memberId);
    const key = newApiKey();
    const id = randomUUID();
    const name = dto.name.trim();
    await this.db.run(async (tx) => {
      if ((await this.repo.countUsable(tx, memberId, now)) >= MAX_KEYS)
        throw conflict('too_many_api_keys', `a member has at most ${MAX_KEYS} usable API keys: revoke one first`);
      await this.repo.insert(
        tx,
        { id, memberId, name, prefix: apiKeyPrefix(key), hash: apiKeyHash(key), createdBy: p.sub, expiresAt },
        now,
      );
      await this.audit.record(tx, p, 'api_key.created', 'api_key', id, {
        memberId,
        expiresAt: expiresAt.toISOString(),
        via: p.via,
      });
    });
    const made = await this.repo.findById(id);
    return { ...present(made!), key };
  }

  async list(p: Principal, memberId?: string): Promise<{ items: ApiKeyDto[] }> {
    const own = UUID.test(p.sub) ? p.sub : null;
    const rows = await this.repo.list(own, memberListScope(p), 1000);
    return { items: rows.filter((k) => !memberId || k.memberId === memberId).map(present) };
  }

  async revoke(p: Principal, id: string): Promise<ApiKeyDto> {
    const k = await this.repo.findById(id);
    // someone else's key is not found, as is a key already revoked: there is nothing to do with either
    requireVisible(p, 'apiKey.revoke', k && !k.revokedAt ? k.owner : null, 'API key');
    await this.db.run(async (tx) => {
      if (!(await this.repo.revoke(tx, id, p.sub, this.clock.now()))) throw notFound('API key');
      await this.audit.record(tx, p, 'api_key.revoked', 'api_key', id, { memberId: k!.memberId });
    });
    return present((await this.repo.findById(id))!);
  }

  /**
   * Every key of a member being disabled, revoked in the caller's transaction (the disable's): enabling
   * her again must not bring back keys made for a membership that was ended. Each audited with its id.
   */
  async revokeAllOf(tx: Tx, p: Principal, memberId: string, now: Date): Promise<number> {
    const ids = await this.repo.revokeAllOf(tx, memberId, p.sub, now);
    for (const id of ids) await this.audit.record(tx, p, 'api_key.revoked', 'api_key', id, { memberId, reason: 'member_disabled' });
    return ids.length;
  }

  /** Default 90 days; given, in the future and at most a year away. */
  private expiry(given: string | undefined, now: Date): Date {
    if (given === undefined) return new Date(now.getTime() + DEFAULT_DAYS * DAY);
    const at = new Date(given);
    if (Number.isNaN(at.getTime()) || at.getTime() <= now.getTime() || at.getTime() > now.getTime() + MAX_DAYS * DAY)
      throw invalidInput('validation_failed', `expiresAt must be in the future and at most ${MAX_DAYS} days away`, {
        fields: [{ field: 'expiresAt', problems: [`must be in the future and at most ${MAX_DAYS} days away`] }],
      });
    return at;
  }

  /** Whose key it is: her own (she must be an active member), or a service member's for an administrator. */
  private async ownerFor(p: Principal, memberId: string | undefined): Promise<string> {
    if (!memberId || memberId === p.sub) {
      const self = UUID.test(p.sub) ? await this.repo.owner(p.sub) : null;
      if (self?.status !== 'active') throw notAMember();
      return p.sub;
    }
    const owner = await this.repo.owner(memberId);
    if (!owner && can(p, 'member.service', NOBODY)) throw notFound('member');
    requireAccess(p, 'apiKey.createFor', owner ?? NOBODY);
    if (owner!.status !== 'active') throw conflict('member_not_active', 'the service member is disabled');
    return memberId;
  }
}
