/** The caller's token lives in this tab only (sessionStorage); its claims drive the menu, the API decides. */
export interface Claims {
  sub: string;
  role: 'uor' | 'shelter_manager' | 'national' | 'admin';
  region?: string;
  facilities?: string[];
  exp?: number;
}
const KEY = 'approdo.token';

export function decode(token: string): Claims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const json = atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'));
    const c = JSON.parse(json) as Claims;
    return typeof c.sub === 'string' && typeof c.role === 'string' ? c : null;
  } catch {
    return null;
  }
}

export const session = {
  token: (): string | null => sessionStorage.getItem(KEY),
  claims: (): Claims | null => {
    const t = sessionStorage.getItem(KEY);
    return t ? decode(t) : null;
  },
  signIn: (token: string) => sessionStorage.setItem(KEY, token),
  clear: () => sessionStorage.removeItem(KEY),
};
