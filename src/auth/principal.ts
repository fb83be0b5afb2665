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
  /** how the caller was recognised: a local token (role claims), a provider token or a page session (the members registry) */
  via?: 'local_token' | 'provider_token' | 'session';
}
