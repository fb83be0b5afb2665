import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import type { DenialRecorder } from '../auth/denials.js';
import type { Principal } from '../auth/principal.js';
import type { SqlPart } from '../database/sql-parts.js';
import type { Tx } from '../database/transactions.repository.js';
import { AuditFilter, AuditRepository } from './audit.repository.js';

/** A caller who came with an API key: every row of her request names the key (its id, never the key). */
const withKey = (who: Pick<Principal, 'sub' | 'role'>, details?: Record<string, unknown>) => {
  const apiKeyId = (who as Principal).apiKeyId;
  return apiKeyId ? { ...details, apiKeyId } : details;
};

/** Records who read or changed what. Details hold ids and codes, never personal data or addresses. */
@Injectable()
export class AuditService implements DenialRecorder {
  constructor(
    private readonly repo: AuditRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  record(
    tx: Tx | null,
    who: Pick<Principal, 'sub' | 'role'>,
    action: string,
    objectType: string,
    objectId?: string | null,
    details?: Record<string, unknown>,
    outcome = 'ok',
  ): Promise<void> {
    return this.repo.append(
      tx,
      { actorSub: who.sub, actorRole: who.role, action, objectType, objectId, details: withKey(who, details), outcome },
      this.clock.now(),
    );
  }

  /** `record` as a part of the caller's one write statement. */
  part(
    who: Pick<Principal, 'sub' | 'role'>,
    action: string,
    objectType: string,
    objectId: string,
    details?: Record<string, unknown>,
  ): SqlPart {
    return this.repo.appendPart(
      { actorSub: who.sub, actorRole: who.role, action, objectType, objectId, details: withKey(who, details) },
      this.clock.now(),
    );
  }

  /** A refusal by role or by the access policy: the route template and the code, outside any transaction. */
  denied(who: Principal, route: string, code: string): Promise<void> {
    return this.record(null, who, 'auth.denied', 'route', route, { code }, 'denied');
  }

  /** One entry per object, written together (a bulk import). */
  recordMany(tx: Tx, who: Pick<Principal, 'sub' | 'role'>, action: string, objectType: string, objectIds: string[]): Promise<void> {
    return this.repo.appendMany(
      tx,
      objectIds.map((objectId) => ({ actorSub: who.sub, actorRole: who.role, action, objectType, objectId, details: withKey(who) })),
      this.clock.now(),
    );
  }

  async list(filter: AuditFilter) {
    const rows = await this.repo.find(filter);
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actor: { sub: r.actorSub, role: r.actorRole },
        action: r.action,
        objectType: r.objectType,
        objectId: r.objectId,
        outcome: r.outcome,
        details: r.details,
      })),
      nextBeforeId: rows.length === filter.limit ? rows[rows.length - 1].id : null,
    };
  }
}
