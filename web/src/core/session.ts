/**
 * Who is signed in, as the service's /auth/session says: the page holds no token (the session is an
 * HttpOnly cookie) and keeps only what it shows and the CSRF token its changes must carry. The
 * claims drive the menu; the API decides.
 */
export interface Claims {
  /** the member's id */
  sub: string;
  role: 'uor' | 'shelter_manager' | 'national' | 'admin';
  region?: string;
  facilities?: string[];
  name?: string | null;
  email?: string | null;
  expiresAt?: string;
}

interface SessionAnswer {
  user: { id: string; name: string | null; email: string | null };
  role: Claims['role'];
  regionCode: string | null;
  facilityIds: string[];
  csrfToken: string;
  expiresAt: string;
}

// the last claims (no token, no CSRF token) for a reload without network: the offline pages still know their menu
const LAST = 'approdo.lastClaims';
let claims: Claims | null = null;
let csrf: string | undefined;

export const session = {
  /** Asks the service who is signed in; without network, the last answer stands. */
  async load(): Promise<Claims | null> {
    let res: Response;
    try {
      res = await fetch('/auth/session', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    } catch {
      claims = JSON.parse(localStorage.getItem(LAST) ?? 'null') as Claims | null;
      return claims;
    }
    if (!res.ok) {
      // read to the end: a response left unread is cut off (and reported failed) by the next navigation
      await res.text().catch(() => '');
      session.clear();
      return null;
    }
    const s = (await res.json()) as SessionAnswer;
    claims = {
      sub: s.user.id,
      role: s.role,
      region: s.regionCode ?? undefined,
      facilities: s.facilityIds,
      name: s.user.name,
      email: s.user.email,
      expiresAt: s.expiresAt,
    };
    csrf = s.csrfToken;
    localStorage.setItem(LAST, JSON.stringify(claims));
    return claims;
  },
  claims: (): Claims | null => claims,
  /** sent as X-CSRF-Token with every change */
  csrf: (): string | undefined => csrf,
  clear: () => {
    claims = null;
    csrf = undefined;
    localStorage.removeItem(LAST);
  },
  /**
   * The service's sign-in (the identity provider's page), coming back to `returnTo` (a page route after `#`).
   * `anotherAccount`: the provider must ask who again (OIDC `prompt=login`), not sign in whoever it remembers.
   */
  signInUrl: (returnTo: string, anotherAccount = false): string =>
    `/auth/login?returnTo=${encodeURIComponent(`/#${returnTo}`)}${anotherAccount ? '&prompt=login' : ''}`,
  async signOut(): Promise<void> {
    let to = '/';
    try {
      const res = await fetch('/auth/logout', { method: 'POST', credentials: 'same-origin', headers: { 'x-csrf-token': csrf ?? '' } });
      if (res.ok) to = ((await res.json()) as { redirectTo?: string }).redirectTo ?? '/';
    } catch {
      // signed out here at least; the service ends the session at its idle time
    }
    session.clear();
    // nothing of what was on screen stays in this document (nor in a back-forward cache snapshot of it),
    // and replace(): Back does not return to the page she signed out of
    document.getElementById('app')?.replaceChildren();
    location.replace(to);
  },
};
