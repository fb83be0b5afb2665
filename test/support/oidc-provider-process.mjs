/**
 * A real OpenID Provider (panva's oidc-provider, as deployed providers behave) in its own process,
 * for test/e2e/conformant-provider.spec.ts. Its DEFAULTS are kept wherever they decide what the
 * relying party sees: claims asked for by scope come from UserInfo only (conformIdTokenClaims is left
 * on), the client authenticates with client_secret_basic, and the login and consent pages are the
 * provider's own (devInteractions: any login, any password). Set here only what a deployment must:
 * the client, the `email` scope's claims, accounts, PKCE required, back-channel logout on, and a
 * `fetch` that may call loopback (the provider refuses private addresses by default, and the relying
 * party under test listens on 127.0.0.1).
 *
 * Input (environment): OP_CLIENT = JSON {client_id, client_secret, redirect_uri, post_logout_redirect_uri,
 * backchannel_logout_uri}. Output: one line on stdout, `ISSUER <url>`, once it listens.
 */
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const client = JSON.parse(process.env.OP_CLIENT ?? '{}');
const server = createServer();
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: client.client_id,
      client_secret: client.client_secret,
      redirect_uris: [client.redirect_uri],
      post_logout_redirect_uris: [client.post_logout_redirect_uri],
      backchannel_logout_uri: client.backchannel_logout_uri,
      backchannel_logout_session_required: true,
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // the login is her e-mail (devInteractions accept any login); the provider has verified it
  findAccount: (_ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, email: id, email_verified: true, name: id.split('@')[0] }),
  }),
  pkce: { required: () => true },
  features: { backchannelLogout: { enabled: true } },
  fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined }),
});
provider.on('backchannel.error', (_ctx, err) => process.stderr.write(`backchannel.error ${err.message}\n`));
provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error ${err.stack}\n`));
server.on('request', provider.callback());
process.stdout.write(`ISSUER ${issuer}\n`);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
