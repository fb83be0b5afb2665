export const ROLES = ['uor', 'shelter_manager', 'national', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The caller, from verified token claims. */
export interface Principal {
  sub: string;
  role: Role;
  /** ISTAT region code, for uor */
  region?: string;
  /** facility ids, for shelter_manager */
  facilities: string[];
  email?: string;
  /** how the caller was recognised: a local token (role claims outside production), a provider token, a page session or an API key (the members registry) */
  via?: 'local_token' | 'provider_token' | 'session' | 'api_key';
  /** the API key she came with: every audit row of her request names it */
  apiKeyId?: string;
}

/** What a role is scoped by: a uor by its region, a shelter_manager by its facilities, the others by nothing. */
export function scopeNeeds(role: Role): { region: boolean; facilities: boolean } {
  return { region: role === 'uor', facilities: role === 'shelter_manager' };
}

/** The principal of a member of the registry: her role and scope from the registry, never from a token. */
export function memberPrincipal(
  m: { id: string; role: Role; regionCode: string | null; facilityIds: string[]; email: string },
  via: Principal['via'],
): Principal {
  const needs = scopeNeeds(m.role);
  return {
    sub: m.id,
    role: m.role,
    region: needs.region ? (m.regionCode ?? undefined) : undefined,
    facilities: needs.facilities ? m.facilityIds : [],
    email: m.email,
    via,
  };
}
