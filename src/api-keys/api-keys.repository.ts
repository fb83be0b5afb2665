import { Injectable } from '@nestjs/common';
import type { Role } from '../auth/principal.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';

/** A key as people see it: never the key, never its hash. */
export interface ApiKeyRow {
  id: string;
  memberId: string;
  memberEmail: string;
  memberName: string | null;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** What the access policy needs of a key's member. */
export interface KeyOwner {
  memberId: string;
  role: Role;
  status: 'invited' | 'active' | 'disabled';
  service: boolean;
  facilityRegions: string[];
}

/** The member behind a usable key: what the guard turns into a principal. */
export interface KeyPrincipalRow {
  keyId: string;
  lastUsedAt: Date | null;
  id: string;
  email: string;
  role: Role;
  regionCode: string | null;
  facilityIds: string[];
}

const KEY = `k.id, k.member_id AS "memberId", m.email AS "memberEmail", m.name AS "memberName", k.name, k.prefix,
  k.created_at AS "createdAt", k.expires_at AS "expiresAt", k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt"`;
const OWNER = `m.id AS "memberId", m.role, m.status, m.service,
  COALESCE((SELECT array_agg(DISTINCT f.region_code::text) FROM facility f WHERE f.id = ANY(m.facility_ids)), '{}') AS "facilityRegions"`;

/** API keys (plain SQL: narrow rows, one statement each). Reads `member` for the key's owner, never writes it. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly db: Transactions) {}

  private async q<T>(sql: string, params: unknown[], tx?: Tx | null): Promise<T[]> {
    const out = (await this.db.manager(tx).query(sql, params)) as unknown;
    // TypeORM answers an UPDATE or DELETE as [rows, count]
    return (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number' ? out[0] : out) as T[];
  }

  async insert(
    tx: Tx,
    k: { id: string; memberId: string; name: string; prefix: string; hash: Buffer; createdBy: string; expiresAt: Date },
    now: Date,
  ): Promise<void> {
    await this.q(
      `INSERT INTO api_key (id, member_id, name, prefix, hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [k.id, k.memberId, k.name, k.prefix, k.hash, k.createdBy, now, k.expiresAt],
      tx,
    );
  }

  /** The owner a key would have (or has): her role, status and the regions of her facilities. */
  async owner(memberId: string, tx?: Tx): Promise<KeyOwner | null> {
    const [row] = await this.q<KeyOwner>(`SELECT ${OWNER} FROM member m WHERE m.id = $1`, [memberId], tx);
    return row ?? null;
  }

  /** Her keys not revoked and not yet expired (the cap counts these), locking her member row so two requests count one after the other. */
  async countUsable(tx: Tx, memberId: string, now: Date): Promise<number> {
    await this.q(`SELECT 1 FROM member WHERE id = $1 FOR UPDATE`, [memberId], tx);
    const [row] = await this.q<{ n: number }>(
      `SELECT count(*)::int AS n FROM api_key WHERE member_id = $1 AND revoked_at IS NULL AND expires_at > $2`,
      [memberId, now],
      tx,
    );
    return row.n;
  }

  /** A usable key (not revoked, not expired) of an active member, by the hash of the key. */
  async usable(hash: Buffer, now: Date): Promise<KeyPrincipalRow | null> {
    const [row] = await this.q<KeyPrincipalRow>(
      `SELECT k.id AS "keyId", k.last_used_at AS "lastUsedAt", m.id, m.email, m.role, m.region_code AS "regionCode",
              m.facility_ids::text[] AS "facilityIds"
       FROM api_key k JOIN member m ON m.id = k.member_id AND m.status = 'active'
       WHERE k.hash = $1 AND k.revoked_at IS NULL AND k.expires_at > $2`,
      [hash, now],
    );
    return row ?? null;
  }

  /** Records a use, unless one was recorded since `since` (a concurrent request may have just done it). */
  async touch(id: string, now: Date, since: Date): Promise<void> {
    await this.q(`UPDATE api_key SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`, [id, now, since]);
  }

  async findById(id: string): Promise<(ApiKeyRow & { owner: KeyOwner }) | null> {
    const [row] = await this.q<ApiKeyRow & KeyOwner>(
      `SELECT ${KEY}, ${OWNER} FROM api_key k JOIN member m ON m.id = k.member_id WHERE k.id = $1`,
      [id],
    );
    if (!row) return null;
    const { role, status, service, facilityRegions, ...key } = row;
    return { ...key, owner: { memberId: key.memberId, role, status, service, facilityRegions } };
  }

  /**
   * Keys not revoked: the caller's own, and those of the members she looks after (all for an
   * administrator, the managers of one region's facilities for a UOR); newest first.
   */
  async list(own: string | null, others: { all?: true; managersOfRegion?: string } | null, limit: number): Promise<ApiKeyRow[]> {
    const params: unknown[] = [own];
    const whose = ['k.member_id = $1'];
    if (others?.all) whose.push('true');
    else if (others?.managersOfRegion) {
      params.push(others.managersOfRegion);
      whose.push(
        `(m.role = 'shelter_manager' AND EXISTS (SELECT 1 FROM facility f WHERE f.id = ANY(m.facility_ids) AND f.region_code = $2))`,
      );
    }
    return this.q<ApiKeyRow>(
      `SELECT ${KEY} FROM api_key k JOIN member m ON m.id = k.member_id
       WHERE k.revoked_at IS NULL AND (${whose.join(' OR ')})
       ORDER BY k.created_at DESC, k.id LIMIT ${limit}`,
      params,
    );
  }

  /** Revokes every key of hers not revoked yet (expired ones too: nothing may bring them back); answers their ids. */
  async revokeAllOf(tx: Tx, memberId: string, by: string, now: Date): Promise<string[]> {
    const rows = await this.q<{ id: string }>(
      `UPDATE api_key SET revoked_at = $2, revoked_by = $3 WHERE member_id = $1 AND revoked_at IS NULL RETURNING id`,
      [memberId, now, by],
      tx,
    );
    return rows.map((r) => r.id);
  }

  /** Revokes a key once: false when it already was. */
  async revoke(tx: Tx, id: string, by: string, now: Date): Promise<boolean> {
    const rows = await this.q<{ id: string }>(
      `UPDATE api_key SET revoked_at = $2, revoked_by = $3 WHERE id = $1 AND revoked_at IS NULL RETURNING id`,
      [id, now, by],
      tx,
    );
    return rows.length === 1;
  }
}
