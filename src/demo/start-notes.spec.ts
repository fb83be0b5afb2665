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

  it('names the port when it is not the default, so the room reaches the address PUBLIC_BASE_URL names', () => {
    const line = (port: number) =>
      startNotes({ ...(config as object), port } as never, { enabled: true, accounts }, null).find((l) => l.includes('HOST=0.0.0.0'))!;
    expect(line(3411)).toBe("  HOST=0.0.0.0 PORT=3411 PUBLIC_BASE_URL=http://<this computer's address>:3411 npm start");
    expect(line(3000)).toBe("  HOST=0.0.0.0 PUBLIC_BASE_URL=http://<this computer's address>:3000 npm start");
  });

  it('warns that the demo login page signs anyone in as any account, admin included, before opening it to a room', () => {
    const lines = startNotes(config, { enabled: true, accounts }, null);
    const at = lines.findIndex((l) => l.includes('HOST=0.0.0.0'));
    expect(lines.slice(at + 1, at + 3).join(' ')).toMatch(
      /anyone in as any demo account with one tap, admin included.*only to people who may be admins/,
    );
    // with a real provider there is no such page to warn about
    expect(startNotes(config, { enabled: false, accounts: [] }, null).join('\n')).not.toMatch(/one tap/);
  });
});
