import { startFailure } from './pg-server.js';

// what PostgreSQL 18 writes when its port is taken (LC_MESSAGES=C), as `npm start` saw it
const PORT_TAKEN = `2026-12-07 19:40:01.123 UTC [4242] LOG:  starting PostgreSQL 18.0 on x86_64-pc-linux-gnu
2026-12-07 19:40:01.124 UTC [4242] LOG:  could not bind IPv4 address "127.0.0.1": Address already in use
2026-12-07 19:40:01.124 UTC [4242] HINT:  Is another postmaster already running on port 54329? If not, wait a few seconds and retry.
2026-12-07 19:40:01.124 UTC [4242] WARNING:  could not create listen socket for "127.0.0.1"
2026-12-07 19:40:01.124 UTC [4242] FATAL:  could not create any TCP/IP sockets
2026-12-07 19:40:01.125 UTC [4242] LOG:  database system is shut down
`;

describe('startFailure: why the embedded PostgreSQL stopped while starting', () => {
  it('a taken port names the port and EMBEDDED_PG_PORT', () => {
    expect(startFailure(PORT_TAKEN, 1, 54329)).toBe(
      'PostgreSQL stopped while starting: port 54329 is in use (could not create any TCP/IP sockets): ' +
        'set EMBEDDED_PG_PORT to a free port, or stop what uses 54329',
    );
  });

  it('any other failure keeps PostgreSQL own last words, without the port advice', () => {
    const tail = `2026-12-07 19:40:01.124 UTC [4242] FATAL:  lock file "postmaster.pid" already exists\n`;
    const text = startFailure(tail, 1, 54329);
    expect(text).toBe('PostgreSQL stopped while starting: lock file "postmaster.pid" already exists');
    expect(text).not.toContain('EMBEDDED_PG_PORT');
    expect(startFailure('', 3, 54329)).toBe('PostgreSQL stopped while starting: exit code 3');
  });
});
