import { randomBytes } from 'node:crypto';
import { sessionIdHash } from '../auth/authenticator.js';
import { Inject, Injectable } from '@nestjs/common';
import type { IdentityDirectory, ProviderIdentity, SessionPrincipal } from '../auth/identity.js';
import { memberPrincipal, type Principal, type Role } from '../auth/principal.js';
import { AuditService } from '../audit/audit.service.js';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { Transactions } from '../database/transactions.repository.js';
import { logoutTokenRefused, notAMember } from '../domain/errors.js';
import { MembersRepository, type MemberRow } from './members.repository.js';

/** The opaque id a browser holds; the database keeps only its hash (auth's one definition). */
export const hashOf = sessionIdHash;
export const newSecret = (): string => randomBytes(32).toString('base64url');
/** Who acts in the audit when the identity provider ends sessions (back-channel logout). */
const IDENTITY_PROVIDER = { sub: 'identity-provider', role: 'none' as Role };

/** The principal of a member (her scope as the access policy reads it). */
export const principalOf = (m: MemberRow, via: Principal['via']): Principal => memberPrincipal(m, via);

/**
 * Who a provider identity or a page session is, in the members registry: the guard's side of it.
 * Binding: an invited member is bound to the provider's issuer + subject at the first sign-in (or
 * bearer token) whose verified e-mail or fiscal code is hers; from then on only the binding counts.
 */
@Injectable()
export class DirectoryService implements IdentityDirectory {
  constructor(
    private readonly repo: MembersRepository,
    private readonly db: Transactions,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sessionPrincipal(idHash: Buffer): Promise<SessionPrincipal | null> {
    const now = this.clock.now();
    const idleSince = new Date(now.getTime() - this.config.session.idleMinutes * 60_000);
    const row = await this.repo.touchSession(idHash, now, idleSince);
    if (!row) return null;
    const idleEnd = now.getTime() + this.config.session.idleMinutes * 60_000;
    return {
      principal: principalOf(row, 'session'),
      csrfToken: row.csrfToken,
      name: row.name,
      expiresAt: new Date(Math.min(idleEnd, new Date(row.expiresAt).getTime())),
    };
  }

  async memberPrincipal(identity: ProviderIdentity, via: 'provider_token' | 'session'): Promise<Principal> {
    const bound = await this.repo.findByBinding(identity.issuer, identity.subject);
    if (bound) {
      if (bound.status !== 'active') throw notAMember();
      return principalOf(bound, via);
    }
    const email = identity.emailVerified && identity.email ? identity.email : null;
    if (!email && !identity.fiscalCode) throw notAMember();
    const member = await this.db.run(async (tx) => {
      const invited = await this.repo.lockInvited(tx, email, identity.fiscalCode ?? null);
      // her parallel first request may have bound her while this one waited for the lock: she is that member
      if (!invited.length) return this.repo.findByBinding(identity.issuer, identity.subject, tx);
      // two different invitations matching one person (one by e-mail, one by fiscal code) is not for us to pick
      if (invited.length !== 1) return null;
      const now = this.clock.now();
      await this.repo.bind(tx, invited[0].id, identity.issuer, identity.subject, now);
      const m = await this.repo.findById(invited[0].id, tx);
      if (m)
        await this.audit.record(tx, { sub: m.id, role: m.role }, 'member.bound', 'member', m.id, {
          via,
          by: email ? 'email' : 'fiscal_code',
        });
      return m;
    });
    if (member?.status !== 'active') throw notAMember();
    return principalOf(member, via);
  }

  sessionMemberDisabled(idHash: Buffer): Promise<boolean> {
    return this.repo.sessionMemberDisabled(idHash);
  }

  /** Disabled as memberPrincipal finds her: her binding, or (never signed in) the invitation her verified e-mail or fiscal code matches. */
  async identityDisabled(identity: ProviderIdentity): Promise<boolean> {
    const bound = await this.repo.findByBinding(identity.issuer, identity.subject);
    if (bound) return bound.status === 'disabled';
    const email = identity.emailVerified && identity.email ? identity.email : null;
    return (!!email || !!identity.fiscalCode) && this.repo.unboundDisabled(email, identity.fiscalCode ?? null);
  }

  async activeMember(id: string, via: 'local_token'): Promise<Principal | null> {
    const m = await this.repo.findById(id);
    return m?.status === 'active' ? principalOf(m, via) : null;
  }

  /** A new session for a member who just signed in: a new random id every time. */
  async openSession(
    memberId: string,
    provider: { idToken: string | null; sid: string | null } | null,
  ): Promise<{ cookie: string; maxAgeSeconds: number }> {
    const cookie = newSecret();
    const now = this.clock.now();
    const maxAgeSeconds = this.config.session.maxHours * 3600;
    await this.repo.openSession(
      {
        idHash: hashOf(cookie),
        memberId,
        csrfToken: newSecret(),
        idToken: provider?.idToken ?? null,
        providerSid: provider?.sid ?? null,
        expiresAt: new Date(now.getTime() + maxAgeSeconds * 1000),
      },
      now,
    );
    await this.repo.touchSignIn(memberId, now);
    return { cookie, maxAgeSeconds };
  }

  /** Ends the session of this cookie: answers the ID token for the provider's logout, when there was one. */
  endSession(cookie: string) {
    return this.repo.endSession(hashOf(cookie), this.clock.now());
  }

  /**
   * A verified logout token from the provider (back-channel logout): its `jti` is taken (once), then
   * the sessions it names end, in one transaction, audited. A replayed `jti` ends nothing: audited
   * as denied, then refused (400 invalid_logout_token).
   */
  async endProviderSessions(t: { issuer: string; jti: string; sid?: string; sub?: string; usableUntil: Date }): Promise<number> {
    const now = this.clock.now();
    const by = t.sid && t.sub ? 'sid_and_sub' : t.sid ? 'sid' : 'sub';
    const ended = await this.db.run(async (tx) => {
      if (!(await this.repo.useLogoutJti(tx, t.issuer, t.jti, t.usableUntil, now))) return null;
      const members = await this.repo.endProviderSessions(tx, t.issuer, { sid: t.sid, sub: t.sub }, now);
      await this.audit.record(tx, IDENTITY_PROVIDER, 'auth.backchannel_logout', 'session', null, {
        by,
        ended: members.length,
        members: [...new Set(members)],
      });
      return members.length;
    });
    if (ended === null) {
      await this.audit.record(
        null,
        IDENTITY_PROVIDER,
        'auth.backchannel_logout',
        'session',
        null,
        { by, reason: 'replayed_jti' },
        'denied',
      );
      throw logoutTokenRefused('the logout token was used already');
    }
    return ended;
  }

  saveFlow(cookie: string, f: { state: string; nonce: string; codeVerifier: string; returnTo: string }, ttlSeconds: number) {
    const now = this.clock.now();
    return this.repo.saveFlow({ idHash: hashOf(cookie), ...f, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) }, now);
  }

  takeFlow(cookie: string) {
    return this.repo.takeFlow(hashOf(cookie), this.clock.now());
  }
}
