import { Injectable } from '@nestjs/common';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import type { Role } from '../auth/principal.js';
import { conflict } from '../domain/errors.js';

export type MemberStatus = 'invited' | 'active' | 'disabled';

export interface MemberRow {
  id: string;
  email: string;
  name: string | null;
  fiscalCode: string | null;
  role: Role;
  regionCode: string | null;
  facilityIds: string[];
  status: MemberStatus;
  /** a machine client: made active by an administrator, never bound to a person, in only through API keys */
  service: boolean;
  /** the regions of the facilities in facilityIds (for the access policy) */
  facilityRegions: string[];
  bound: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastSignInAt: Date | null;
}

export interface NewMember {
  id: string;
  email: string;
  name: string | null;
  fiscalCode: string | null;
  role: Role;
  regionCode: string | null;
  facilityIds: string[];
  invitedBy: string;
  /** a service member: active at once, never invited (default false) */
  service?: boolean;
}

export type MemberChange = Partial<Pick<NewMember, 'name' | 'fiscalCode' | 'role' | 'regionCode' | 'facilityIds'>> & {
  status?: MemberStatus;
};

const COLUMNS = `m.id, m.email, m.name, m.fiscal_code AS "fiscalCode", m.role, m.region_code AS "regionCode",
  m.facility_ids::text[] AS "facilityIds", m.status, m.service, m.issuer IS NOT NULL AS bound,
  m.created_at AS "createdAt", m.updated_at AS "updatedAt", m.last_sign_in_at AS "lastSignInAt",
  COALESCE((SELECT array_agg(DISTINCT f.region_code::text) FROM facility f WHERE f.id = ANY(m.facility_ids)), '{}') AS "facilityRegions"`;

/** A request that raced the service's check (two invitations of one e-mail at once): 409, not 500. */
function duplicateMember(e: unknown): never {
  const d = (e as { driverError?: { code?: string; constraint?: string } }).driverError;
  if (d?.code === '23505' && (d.constraint === 'member_email_key' || d.constraint === 'member_fiscal_code_key'))
    throw conflict(
      'member_exists',
      d.constraint === 'member_email_key' ? 'a member has that e-mail already' : 'a member has that fiscal code already',
    );
  throw e;
}

/** The members registry and the pages' sessions (plain SQL: narrow rows, one statement each). */
@Injectable()
export class MembersRepository {
  constructor(private readonly db: Transactions) {}

  private async q<T>(sql: string, params: unknown[], tx?: Tx | null): Promise<T[]> {
    const out = (await this.db.manager(tx).query(sql, params)) as unknown;
    // TypeORM answers an UPDATE or DELETE as [rows, count]
    return (Array.isArray(out) && out.length === 2 && Array.isArray(out[0]) && typeof out[1] === 'number' ? out[0] : out) as T[];
  }

  async insert(tx: Tx, m: NewMember, now: Date): Promise<void> {
    await this.q(
      `INSERT INTO member (id, email, name, fiscal_code, role, region_code, facility_ids, status, service, invited_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], CASE WHEN $10 THEN 'active' ELSE 'invited' END, $10, $8, $9, $9)`,
      [m.id, m.email, m.name, m.fiscalCode, m.role, m.regionCode, m.facilityIds, m.invitedBy, now, m.service ?? false],
      tx,
    ).catch(duplicateMember);
  }

  /** Whether an e-mail or a fiscal code already belongs to another member (case-insensitive e-mail). */
  async taken(email: string | null, fiscalCode: string | null, exceptId: string | null, tx?: Tx): Promise<'email' | 'fiscal_code' | null> {
    const [row] = await this.q<{ what: 'email' | 'fiscal_code' }>(
      `SELECT CASE WHEN lower(email) = lower($1) THEN 'email' ELSE 'fiscal_code' END AS what FROM member
       WHERE (lower(email) = lower($1) OR fiscal_code = $2) AND id IS DISTINCT FROM $3 LIMIT 1`,
      [email, fiscalCode, exceptId],
      tx,
    );
    return row?.what ?? null;
  }

  async findById(id: string, tx?: Tx | null): Promise<MemberRow | null> {
    const [row] = await this.q<MemberRow>(`SELECT ${COLUMNS} FROM member m WHERE m.id = $1`, [id], tx);
    return row ?? null;
  }

  /** All members, or the shelter managers of one region's facilities; by e-mail. */
  async list(scope: { managersOfRegion?: string }, limit: number): Promise<MemberRow[]> {
    const where = scope.managersOfRegion
      ? `WHERE m.role = 'shelter_manager' AND EXISTS (SELECT 1 FROM facility f WHERE f.id = ANY(m.facility_ids) AND f.region_code = $1)`
      : 'WHERE $1::text IS NULL';
    return this.q<MemberRow>(`SELECT ${COLUMNS} FROM member m ${where} ORDER BY lower(m.email) LIMIT ${limit}`, [
      scope.managersOfRegion ?? null,
    ]);
  }

  async update(tx: Tx, id: string, c: MemberChange, now: Date): Promise<void> {
    const sets: string[] = [];
    const params: unknown[] = [id, now];
    const set = (column: string, value: unknown, cast = '') => {
      params.push(value);
      sets.push(`${column} = $${params.length}${cast}`);
    };
    if (c.name !== undefined) set('name', c.name);
    if (c.fiscalCode !== undefined) set('fiscal_code', c.fiscalCode);
    if (c.role) set('role', c.role);
    if (c.regionCode !== undefined) set('region_code', c.regionCode);
    if (c.facilityIds !== undefined) set('facility_ids', c.facilityIds, '::uuid[]');
    if (c.status !== undefined) set('status', c.status);
    await this.q(`UPDATE member SET ${[...sets, 'updated_at = $2'].join(', ')} WHERE id = $1`, params, tx).catch(duplicateMember);
  }

  /** The member bound to a provider identity. */
  async findByBinding(issuer: string, subject: string, tx?: Tx): Promise<MemberRow | null> {
    const [row] = await this.q<MemberRow>(`SELECT ${COLUMNS} FROM member m WHERE m.issuer = $1 AND m.subject = $2`, [issuer, subject], tx);
    return row ?? null;
  }

  /** Invited members (not yet bound) matching a verified e-mail or a fiscal code, locked for binding. */
  async lockInvited(tx: Tx, email: string | null, fiscalCode: string | null): Promise<{ id: string }[]> {
    return this.q<{ id: string }>(
      `SELECT id FROM member WHERE status = 'invited' AND issuer IS NULL AND NOT service
         AND ((lower(email) = lower($1)) OR (fiscal_code = $2)) FOR UPDATE`,
      [email, fiscalCode],
      tx,
    );
  }

  /** Whether a disabled invitation, never bound, matches this verified e-mail or fiscal code (as lockInvited matches). */
  async unboundDisabled(email: string | null, fiscalCode: string | null): Promise<boolean> {
    const rows = await this.q<{ one: number }>(
      `SELECT 1 AS one FROM member WHERE status = 'disabled' AND issuer IS NULL AND NOT service
         AND ((lower(email) = lower($1)) OR (fiscal_code = $2)) LIMIT 1`,
      [email, fiscalCode],
    );
    return rows.length > 0;
  }

  async bind(tx: Tx, id: string, issuer: string, subject: string, now: Date): Promise<void> {
    await this.q(
      `UPDATE member SET issuer = $2, subject = $3, status = 'active', updated_at = $4, last_sign_in_at = $4 WHERE id = $1`,
      [id, issuer, subject, now],
      tx,
    );
  }

  async touchSignIn(id: string, now: Date): Promise<void> {
    await this.q(`UPDATE member SET last_sign_in_at = $2 WHERE id = $1`, [id, now]);
  }

  /** The region of each facility id that exists (a member's facilities decide who may manage her). */
  async facilityRegions(ids: string[], tx?: Tx): Promise<{ id: string; regionCode: string; name: string }[]> {
    if (!ids.length) return [];
    return this.q(`SELECT id, region_code AS "regionCode", name FROM facility WHERE id = ANY($1::uuid[]) ORDER BY name`, [ids], tx);
  }

  /** Demo members (development only): invited, so the first sign-in binds them; those already there are left alone. */
  async seedInvited(members: NewMember[], now: Date): Promise<void> {
    for (const m of members)
      await this.q(
        `INSERT INTO member (id, email, name, fiscal_code, role, region_code, facility_ids, status, invited_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::uuid[], 'invited', $8, $9, $9) ON CONFLICT DO NOTHING`,
        [m.id, m.email, m.name, m.fiscalCode, m.role, m.regionCode, m.facilityIds, m.invitedBy, now],
      );
  }

  // ---- sessions

  async openSession(
    s: { idHash: Buffer; memberId: string; csrfToken: string; idToken: string | null; providerSid: string | null; expiresAt: Date },
    now: Date,
  ) {
    await this.q(
      `INSERT INTO web_session (id_hash, member_id, csrf_token, id_token, provider_sid, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [s.idHash, s.memberId, s.csrfToken, s.idToken, s.providerSid, now, s.expiresAt],
    );
  }

  /**
   * An open session and its active member, touched (its idle time starts again), in one statement:
   * ended, idle past `idleSince` or past its absolute expiry answers nothing.
   */
  async touchSession(idHash: Buffer, now: Date, idleSince: Date): Promise<(MemberRow & { csrfToken: string; expiresAt: Date }) | null> {
    const [row] = await this.q<MemberRow & { csrfToken: string; expiresAt: Date }>(
      `WITH s AS (
         UPDATE web_session SET last_seen_at = $2
         WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > $2 AND last_seen_at > $3
         RETURNING member_id, csrf_token, expires_at)
       SELECT ${COLUMNS}, s.csrf_token AS "csrfToken", s.expires_at AS "expiresAt"
       FROM s JOIN member m ON m.id = s.member_id AND m.status = 'active'`,
      [idHash, now, idleSince],
    );
    return row ?? null;
  }

  /** Whether the member of this session (open or ended) is disabled now. */
  async sessionMemberDisabled(idHash: Buffer): Promise<boolean> {
    const rows = await this.q<{ one: number }>(
      `SELECT 1 AS one FROM web_session s JOIN member m ON m.id = s.member_id WHERE s.id_hash = $1 AND m.status = 'disabled'`,
      [idHash],
    );
    return rows.length > 0;
  }

  /** Ends one session; answers its ID token (for the provider's logout), when it was open. */
  async endSession(idHash: Buffer, now: Date): Promise<{ memberId: string; idToken: string | null } | null> {
    const [row] = await this.q<{ memberId: string; idToken: string | null }>(
      `UPDATE web_session SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL RETURNING member_id AS "memberId", id_token AS "idToken"`,
      [idHash, now],
    );
    return row ?? null;
  }

  async endSessionsOf(tx: Tx, memberId: string, now: Date): Promise<void> {
    await this.q(`UPDATE web_session SET ended_at = $2 WHERE member_id = $1 AND ended_at IS NULL`, [memberId, now], tx);
  }

  /**
   * A logout token's `jti`, used once per issuer: false when it was used already. Rows past their
   * expiry (a token that old is refused anyway) go with each new one, so the table stays small.
   */
  async useLogoutJti(tx: Tx, issuer: string, jti: string, expiresAt: Date, now: Date): Promise<boolean> {
    const rows = await this.q<{ jti: string }>(
      `WITH gone AS (DELETE FROM logout_token_use WHERE expires_at < $4)
       INSERT INTO logout_token_use (issuer, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING jti`,
      [issuer, jti, expiresAt, now],
      tx,
    );
    return rows.length === 1;
  }

  /**
   * Ends the open sessions a provider's logout token names: those opened with its `sid`, or every
   * session of the member bound to its `sub` (both given: the `sid`'s sessions of that member only).
   * Answers the members whose sessions ended.
   */
  async endProviderSessions(tx: Tx, issuer: string, by: { sid?: string; sub?: string }, now: Date): Promise<string[]> {
    const rows = await this.q<{ memberId: string }>(
      `UPDATE web_session s SET ended_at = $4
       FROM member m
       WHERE m.id = s.member_id AND m.issuer = $1 AND s.ended_at IS NULL
         AND ($2::text IS NULL OR s.provider_sid = $2) AND ($3::text IS NULL OR m.subject = $3)
       RETURNING s.member_id AS "memberId"`,
      [issuer, by.sid ?? null, by.sub ?? null, now],
      tx,
    );
    return rows.map((r) => r.memberId);
  }

  // ---- sign-in flows

  async saveFlow(f: { idHash: Buffer; state: string; nonce: string; codeVerifier: string; returnTo: string; expiresAt: Date }, now: Date) {
    // old unfinished flows go with each new one: the table stays small without a job
    await this.q(
      `WITH gone AS (DELETE FROM sign_in_flow WHERE expires_at < $7)
       INSERT INTO sign_in_flow (id_hash, state, nonce, code_verifier, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [f.idHash, f.state, f.nonce, f.codeVerifier, f.returnTo, f.expiresAt, now],
    );
  }

  /** A flow is used once: taken and deleted in one statement. */
  async takeFlow(idHash: Buffer, now: Date): Promise<{ state: string; nonce: string; codeVerifier: string; returnTo: string } | null> {
    const [row] = await this.q<{ state: string; nonce: string; codeVerifier: string; returnTo: string }>(
      `DELETE FROM sign_in_flow WHERE id_hash = $1 AND expires_at > $2
       RETURNING state, nonce, code_verifier AS "codeVerifier", return_to AS "returnTo"`,
      [idHash, now],
    );
    return row ?? null;
  }
}
