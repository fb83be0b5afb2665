import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { memberListScope, requireAccess, requireVisible } from '../auth/access.js';
import { scopeNeeds, type Principal, type Role } from '../auth/principal.js';
import { ApiKeysService } from '../api-keys/api-keys.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { Transactions, type Tx } from '../database/transactions.repository.js';
import { conflict, forbidden, invalidInput, ruleBroken } from '../domain/errors.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import type { Invitation } from '../notifications/templates.js';
import { REGIONS } from '../regions/regions.data.js';
import type { InviteMemberDto, MemberDto, UpdateMemberDto } from './dto/member.dto.js';
import { MembersRepository, type MemberChange, type MemberRow } from './members.repository.js';

const present = (m: MemberRow): MemberDto => ({
  id: m.id,
  email: m.email,
  name: m.name,
  fiscalCode: m.fiscalCode,
  role: m.role,
  regionCode: m.regionCode,
  facilityIds: m.facilityIds,
  status: m.status,
  service: m.service,
  bound: m.bound,
  lastSignInAt: m.lastSignInAt ? new Date(m.lastSignInAt).toISOString() : null,
  createdAt: new Date(m.createdAt).toISOString(),
});

interface Shape {
  role: Role;
  regionCode: string | null;
  facilityIds: string[];
}

/** The roles as the invitation names them (the pages' words). */
const ROLE_WORDS: Record<Role, { it: string; en: string }> = {
  uor: { it: 'unità operativa regionale', en: 'regional operating unit' },
  shelter_manager: { it: 'responsabile di struttura', en: 'shelter manager' },
  national: { it: 'referente della rete nazionale', en: 'national network officer' },
  admin: { it: 'amministratrice', en: 'administrator' },
};
/** The inviter's office: with its article when it stands alone ("l’amministrazione…"), without beside her name. */
const OFFICE: Record<Role, (region: string) => [string, string, string]> = {
  uor: (r) => ['l’', `Unità operativa regionale della regione ${r}`, `the regional operating unit of ${r}`],
  admin: () => ['l’', 'amministrazione di Approdo', 'the Approdo administration'],
  national: () => ['la ', 'rete nazionale', 'the national network'],
  shelter_manager: () => ['la ', 'rete nazionale', 'the national network'],
};
const regionName = (code: string | null | undefined) => REGIONS.find((r) => r.code === code)?.name.split('/')[0] ?? null;
/** "A, B e C" / "A, B and C". */
const joined = (xs: string[], and: string) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} ${and} ${xs.at(-1)}`);

/**
 * The members registry: who may do what in Approdo. Invitations go out through the outbox; every
 * change is audited in its own transaction; disabling ends her sessions at once.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly repo: MembersRepository,
    private readonly db: Transactions,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    private readonly apiKeys: ApiKeysService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async invite(p: Principal, dto: InviteMemberDto): Promise<{ id: string; status: 'invited' | 'active' }> {
    const shape = await this.checkShape({ role: dto.role, regionCode: dto.regionCode ?? null, facilityIds: dto.facilityIds ?? [] });
    requireAccess(p, 'member.manage', { role: shape.role, facilityRegions: shape.facilityRegions });
    if (dto.service) return this.addService(p, dto, shape);
    const invitation = await this.invitation(p, shape);
    const email = dto.email.trim().toLowerCase();
    const fiscalCode = dto.fiscalCode?.toUpperCase() ?? null;
    const id = randomUUID();
    await this.db.run(async (tx) => {
      await this.refuseTaken(tx, email, fiscalCode, null);
      await this.repo.insert(tx, { id, email, name: dto.name?.trim() || null, fiscalCode, ...shape, invitedBy: p.sub }, this.clock.now());
      await this.audit.record(tx, p, 'member.invited', 'member', id, {
        role: shape.role,
        regionCode: shape.regionCode,
        facilities: shape.facilityIds,
      });
      // the link starts the sign-in; the invitation is bound by her verified e-mail or fiscal code
      await this.notifications.notify(tx, {
        event: 'member_invited',
        to: [email],
        reference: '',
        path: '/auth/login?returnTo=%2F',
        invitation: { ...invitation, spid: fiscalCode !== null },
      });
    });
    return { id, status: 'invited' };
  }

  /** A service member (issue 34): active at once, no invitation e-mail (nobody signs in as a machine client). */
  private async addService(p: Principal, dto: InviteMemberDto, shape: Shape): Promise<{ id: string; status: 'active' }> {
    requireAccess(p, 'member.service', { role: shape.role, facilityRegions: [] });
    const email = dto.email.trim().toLowerCase();
    const id = randomUUID();
    await this.db.run(async (tx) => {
      await this.refuseTaken(tx, email, null, null);
      const name = dto.name?.trim() || null;
      await this.repo.insert(tx, { id, email, name, fiscalCode: null, ...shape, invitedBy: p.sub, service: true }, this.clock.now());
      await this.audit.record(tx, p, 'member.invited', 'member', id, {
        service: true,
        role: shape.role,
        regionCode: shape.regionCode,
        facilities: shape.facilityIds,
      });
    });
    return { id, status: 'active' };
  }

  async list(p: Principal): Promise<{ items: MemberDto[] }> {
    const scope = memberListScope(p);
    if (!scope) throw forbidden('members are listed for administrators and UORs');
    const rows = await this.repo.list('all' in scope ? {} : scope, 1000);
    return { items: rows.map(present) };
  }

  async get(p: Principal, id: string): Promise<MemberDto> {
    return present(await this.visible(p, id));
  }

  async update(p: Principal, id: string, dto: UpdateMemberDto): Promise<MemberDto> {
    const before = await this.visible(p, id);
    requireAccess(p, 'member.manage', before);
    const role = dto.role ?? before.role;
    // a new role drops what the old one was scoped by, unless the change gives it again
    const after = await this.checkShape({
      role,
      regionCode: dto.regionCode !== undefined ? dto.regionCode : scopeNeeds(role).region ? before.regionCode : null,
      facilityIds: dto.facilityIds ?? (scopeNeeds(role).facilities ? before.facilityIds : []),
    });
    // a UOR keeps whom she changes within her own managers: no promotion, no facility of another region
    requireAccess(p, 'member.manage', after);
    const change: MemberChange = { role: after.role, regionCode: after.regionCode, facilityIds: after.facilityIds };
    if (dto.name !== undefined) change.name = dto.name.trim() || null;
    if (dto.fiscalCode !== undefined) change.fiscalCode = dto.fiscalCode.toUpperCase();
    return this.db.run(async (tx) => {
      if (change.fiscalCode) await this.refuseTaken(tx, null, change.fiscalCode, id);
      await this.repo.update(tx, id, change, this.clock.now());
      await this.audit.record(tx, p, 'member.changed', 'member', id, {
        fields: Object.keys(dto).sort(),
        role: after.role,
        regionCode: after.regionCode,
        facilities: after.facilityIds,
      });
      return present((await this.repo.findById(id, tx))!);
    });
  }

  /**
   * Disabled at once: her open sessions end and her API keys are revoked in the same transaction, and
   * no token of hers is honoured. Enabled again, she makes new keys; the old ones stay revoked.
   */
  async disable(p: Principal, id: string): Promise<MemberDto> {
    const m = await this.visible(p, id);
    requireAccess(p, 'member.manage', m);
    if (m.id === p.sub) throw conflict('cannot_disable_self', 'you cannot disable your own membership');
    return this.db.run(async (tx) => {
      const now = this.clock.now();
      await this.repo.update(tx, id, { status: 'disabled' }, now);
      await this.repo.endSessionsOf(tx, id, now);
      const keysRevoked = await this.apiKeys.revokeAllOf(tx, p, id, now);
      await this.audit.record(tx, p, 'member.disabled', 'member', id, { keysRevoked });
      return present((await this.repo.findById(id, tx))!);
    });
  }

  async enable(p: Principal, id: string): Promise<MemberDto> {
    const m = await this.visible(p, id);
    requireAccess(p, 'member.manage', m);
    return this.db.run(async (tx) => {
      // a service member is never bound to a person: she is active again, not invited (nobody may claim her)
      await this.repo.update(tx, id, { status: m.bound || m.service ? 'active' : 'invited' }, this.clock.now());
      await this.audit.record(tx, p, 'member.enabled', 'member', id);
      return present((await this.repo.findById(id, tx))!);
    });
  }

  /** Who invites (her name as a member, or her office), as what, for which houses or region: the invitation's words. */
  private async invitation(p: Principal, shape: Shape & { facilityNames: string[] }): Promise<Omit<Invitation, 'spid'>> {
    // a member signed in through the pages has her member id as `sub`; a local token's `sub` is any text
    const me = /^[0-9a-f-]{36}$/i.test(p.sub) ? await this.repo.findById(p.sub) : null;
    const [article, office, officeEn] = OFFICE[p.role](regionName(p.region) ?? '');
    const who = me?.name?.trim();
    const cap = (x: string) => x.charAt(0).toUpperCase() + x.slice(1);
    const by0 = who ? { it: `${who} (${office})`, en: `${who} (${officeEn})` } : { it: cap(`${article}${office}`), en: cap(officeEn) };
    const region = regionName(shape.regionCode);
    const where = shape.facilityNames.length
      ? {
          it: `per ${joined(shape.facilityNames, 'e')}`,
          en: `for ${joined(shape.facilityNames, 'and')}`,
        }
      : region
        ? { it: `per la regione ${region}`, en: `for ${region}` }
        : null;
    return { by: by0, role: ROLE_WORDS[shape.role], where };
  }

  private async visible(p: Principal, id: string): Promise<MemberRow> {
    const m = await this.repo.findById(id);
    requireVisible(p, 'member.read', m, 'member');
    return m!;
  }

  /** The role's own needs: a UOR has a region, a manager existing facilities, nobody else either. */
  private async checkShape(s: Shape): Promise<Shape & { facilityRegions: string[]; facilityNames: string[] }> {
    const needs = scopeNeeds(s.role);
    if (needs.region && !s.regionCode)
      throw invalidInput('validation_failed', 'a uor needs regionCode', {
        fields: [{ field: 'regionCode', problems: ['is required for this role'] }],
      });
    if (s.regionCode && !REGIONS.some((r) => r.code === s.regionCode)) throw ruleBroken('unknown_region', 'no region has that code');
    if (needs.facilities && !s.facilityIds.length)
      throw invalidInput('validation_failed', 'a shelter_manager needs facilityIds', {
        fields: [{ field: 'facilityIds', problems: ['is required for this role'] }],
      });
    const regionCode = needs.region ? s.regionCode : null;
    const facilityIds = needs.facilities ? [...new Set(s.facilityIds)] : [];
    const found = await this.repo.facilityRegions(facilityIds);
    if (found.length !== facilityIds.length) throw ruleBroken('unknown_facility', 'a facility of facilityIds does not exist');
    return {
      role: s.role,
      regionCode,
      facilityIds,
      facilityRegions: [...new Set(found.map((f) => f.regionCode))],
      facilityNames: found.map((f) => f.name),
    };
  }

  private async refuseTaken(tx: Tx, email: string | null, fiscalCode: string | null, exceptId: string | null): Promise<void> {
    const taken = await this.repo.taken(email, fiscalCode, exceptId, tx);
    if (taken)
      throw conflict('member_exists', taken === 'email' ? 'a member has that e-mail already' : 'a member has that fiscal code already');
  }
}
