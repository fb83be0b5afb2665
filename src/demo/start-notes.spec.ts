import { startNotes } from './start-notes.js';

const accounts = [
  { user: 'uor-liguria', role: 'uor', email: 'uor.liguria@example.org', password: 'pw-uor-1' },
  { user: 'uor-toscana', role: 'uor', email: 'uor.toscana@example.org', password: 'pw-uor-2' },
  { user: 'manager-liguria', role: 'shelter_manager', email: 'r@example.org', password: 'pw-manager' },
  { user: 'national-helpline', role: 'national', email: 'n@example.org', password: 'pw-national' },
  { user: 'admin', role: 'admin', email: 'a@example.org', password: 'pw-admin' },
];
const config = { publicBaseUrl: 'http://localhost:3000', host: '127.0.0.1', port: 3000, oidc: { issuer: undefined } } as never;

describe('the start log (issue 30 point 8)', () => {
  it('says where to go and what to press first, then the accounts by role, each role’s first account first', () => {
    const lines = startNotes(config, { enabled: true, accounts }, null);
    expect(lines[0]).toBe('Approdo: open http://localhost:3000/ and choose "Accedi".');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    // roles in order, each followed by its accounts
    expect([at('UOR'), at('uor-liguria'), at('uor-toscana'), at('Responsabile di struttura'), at('manager-liguria')]).toEqual(
      [...[at('UOR'), at('uor-liguria'), at('uor-toscana'), at('Responsabile di struttura'), at('manager-liguria')]].sort((a, b) => a - b),
    );
    expect(at('Rete nazionale')).toBeLessThan(at('national-helpline'));
    expect(at('Amministrazione')).toBeLessThan(at('pw-admin'));
    expect(lines.find((l) => l.includes('uor-liguria'))).toContain('pw-uor-1');
  });

  it('prints no token unless asked, and says how to get one', () => {
    const plain = startNotes(config, { enabled: true, accounts }, null).join('\n');
    expect(plain).not.toMatch(/eyJ/);
    expect(plain).toContain('PRINT_DEMO_TOKENS=true');
    expect(plain).toContain('npm run token');
    const asked = startNotes(config, { enabled: true, accounts }, [{ user: 'admin', role: 'admin', token: 'eyJhbGciOi.x.y' }]).join('\n');
    expect(asked).toContain('eyJhbGciOi.x.y');
  });

  it('on 127.0.0.1 says how to open the demo to a room; on 0.0.0.0 it does not', () => {
    expect(startNotes(config, { enabled: true, accounts }, null).join('\n')).toContain('HOST=0.0.0.0 PUBLIC_BASE_URL=http://');
    expect(startNotes({ ...(config as object), host: '0.0.0.0' } as never, { enabled: true, accounts }, null).join('\n')).not.toContain(
      'HOST=0.0.0.0',
    );
  });
});
