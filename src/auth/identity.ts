import type { Principal } from './principal.js';

/** Who the identity provider says someone is: never what she may do (the members registry says that). */
export interface ProviderIdentity {
  issuer: string;
  subject: string;
  email?: string;
  emailVerified: boolean;
  fiscalCode?: string;
  name?: string;
}

/** A page session found by the hash of its cookie: the member's principal and the session's CSRF token. */
export interface SessionPrincipal {
  principal: Principal;
  csrfToken: string;
  name: string | null;
  /** when the session ends if nothing happens: the idle limit or the absolute one, whichever is first */
  expiresAt: Date;
}

/**
 * The members registry as the guard sees it. Implemented by the members module and wired by the
 * application module, so auth (a lower layer) never imports it.
 */
export interface IdentityDirectory {
  /** An open session (not ended, within idle and absolute time, member active), touched; null otherwise. */
  sessionPrincipal(idHash: Buffer): Promise<SessionPrincipal | null>;
  /** The active member bound to this identity (binding an invited one at first sight); throws not_a_member. */
  memberPrincipal(identity: ProviderIdentity, via: 'provider_token' | 'session'): Promise<Principal>;
  /** Whether this session's member (the session open or ended) is disabled: her 401 then says so, not "expired". */
  sessionMemberDisabled(idHash: Buffer): Promise<boolean>;
  /** Whether this provider identity is bound to a disabled member (her sign-in is refused with words of its own). */
  identityDisabled(identity: ProviderIdentity): Promise<boolean>;
  /** An active member by id, her role and scope from the registry (a local token's subject in production); null otherwise. */
  activeMember(id: string, via: 'local_token'): Promise<Principal | null>;
}
export const IDENTITY_DIRECTORY = Symbol('IDENTITY_DIRECTORY');
