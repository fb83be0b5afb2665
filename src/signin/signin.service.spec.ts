import { SigninService } from './signin.service.js';

/** The back-channel logout's log line: after every "Esci" the provider reports a session already ended here (0), which is normal. */
describe('back-channel logout in the log', () => {
  const said = (ended: number) => {
    const lines: [string, string][] = [];
    const provider = { verifyLogoutToken: async () => ({ issuer: 'i', jti: 'j', sid: 's', usableUntil: new Date() }) };
    const directory = { endProviderSessions: async () => ended };
    const service = new SigninService(provider as never, directory as never, {} as never, {} as never);
    (service as unknown as { logger: object }).logger = {
      log: (m: string) => lines.push(['log', m]),
      debug: (m: string) => lines.push(['debug', m]),
      warn: (m: string) => lines.push(['warn', m]),
    };
    return service.backchannelLogout(new URLSearchParams({ logout_token: 'a.b.c' })).then(() => lines);
  };

  it('0 sessions ended (she pressed "Esci" here first) is said at debug level only', async () => {
    expect(await said(0)).toEqual([['debug', expect.stringContaining('already ended here')]]);
  });

  it('sessions the provider ended are said at log level, with their number', async () => {
    expect(await said(2)).toEqual([['log', 'back-channel logout: 2 session(s) ended']]);
  });
});
