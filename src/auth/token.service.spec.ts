import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../config/app-config.js';
import { DomainError } from '../domain/errors.js';
import { TokenService } from './token.service.js';

const SECRET = 'x'.repeat(40);
const service = (env: Record<string, string> = {}) => new TokenService(loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, ...env }));
const claims = { role: 'uor', region: '07' };
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).kind).toBe('unauthenticated');
    return;
  }
  throw new Error('expected a refusal');
};

describe('TokenService', () => {
  it('round-trips a local token', () => {
    const s = service();
    const p = s.verify(s.sign({ sub: 'u1', role: 'shelter_manager', facilities: ['11111111-1111-4111-8111-111111111111'] }));
    expect(p).toEqual({
      sub: 'u1',
      role: 'shelter_manager',
      region: undefined,
      facilities: ['11111111-1111-4111-8111-111111111111'],
      email: undefined,
    });
  });

  it.each([
    ['alg none', () => jwt.sign(claims, '', { algorithm: 'none', subject: 'u', expiresIn: 60 })],
    ['HS512', () => jwt.sign(claims, SECRET, { algorithm: 'HS512', subject: 'u', expiresIn: 60 })],
    ['another secret', () => jwt.sign(claims, 'y'.repeat(40), { subject: 'u', expiresIn: 60 })],
    ['expired', () => jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, SECRET, { subject: 'u' })],
    ['no exp', () => jwt.sign(claims, SECRET, { subject: 'u' })],
    ['no sub', () => jwt.sign(claims, SECRET, { expiresIn: 60 })],
    ['unknown role', () => jwt.sign({ role: 'root' }, SECRET, { subject: 'u', expiresIn: 60 })],
    ['uor without region', () => jwt.sign({ role: 'uor' }, SECRET, { subject: 'u', expiresIn: 60 })],
    ['facilities not ids', () => jwt.sign({ role: 'shelter_manager', facilities: ["' OR 1=1"] }, SECRET, { subject: 'u', expiresIn: 60 })],
  ])('refuses a token with %s', (_, make) => refused(() => service().verify(make())));

  it('checks issuer and audience when configured', () => {
    const s = service({ JWT_ISSUER: 'https://idp.example.org', JWT_AUDIENCE: 'approdo' });
    expect(s.verify(s.sign({ sub: 'u', role: 'national', facilities: [] })).role).toBe('national');
    refused(() =>
      s.verify(
        jwt.sign({ role: 'national' }, SECRET, { subject: 'u', expiresIn: 60, issuer: 'https://evil.example', audience: 'approdo' }),
      ),
    );
    refused(() =>
      s.verify(
        jwt.sign({ role: 'national' }, SECRET, { subject: 'u', expiresIn: 60, issuer: 'https://idp.example.org', audience: 'other' }),
      ),
    );
    refused(() => s.verify(jwt.sign({ role: 'national' }, SECRET, { subject: 'u', expiresIn: 60 })));
  });

  it("verifies an identity provider's RS256 tokens and refuses HS256 ones signed with the public key", () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const s = service({ JWT_PUBLIC_KEY: pem, JWT_ALGORITHMS: 'RS256' });
    expect(s.verify(jwt.sign({ role: 'admin' }, privateKey, { algorithm: 'RS256', subject: 'a', expiresIn: 60 })).role).toBe('admin');
    // the classic confusion attack: HS256 keyed with the public key
    refused(() => s.verify(jwt.sign({ role: 'admin' }, SECRET, { algorithm: 'HS256', subject: 'a', expiresIn: 60 })));
    // …with the public key's own text as the HMAC secret, as an attacker who read it would sign
    refused(() => s.verify(hs256({ sub: 'a', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 }, pem)));
  });

  it('with both algorithms allowed, each token is checked with its own key and the public key never serves as an HMAC secret', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const s = service({ JWT_PUBLIC_KEY: pem, JWT_ALGORITHMS: 'HS256,RS256' });
    const exp = Math.floor(Date.now() / 1000) + 60;
    expect(s.verify(jwt.sign({ role: 'admin' }, privateKey, { algorithm: 'RS256', subject: 'a', expiresIn: 60 })).role).toBe('admin');
    // local tokens (demo, CLI) still verify beside the identity provider's
    expect(s.verify(s.sign({ sub: 'u', role: 'national', facilities: [] })).role).toBe('national');
    // HS256 is allowed here: only the key decides, and the public key's text is not it
    refused(() => s.verify(hs256({ sub: 'a', role: 'admin', exp }, pem)));
    // an RS256 header on an HMAC signature made with the secret
    refused(() => s.verify(hs256({ sub: 'a', role: 'admin', exp }, SECRET, 'RS256')));
    // a header naming no allowed algorithm, or none at all
    refused(() => s.verify(hs256({ sub: 'a', role: 'admin', exp }, SECRET, 'HS512')));
    refused(() => s.verify(`x.${Buffer.from('{}').toString('base64url')}.y`));
  });

  it('verifies once per request and token, and gives the same answer again', () => {
    const s = service();
    let calls = 0;
    const verify = s.verify.bind(s);
    s.verify = (token: string) => {
      calls++;
      return verify(token);
    };
    const good = s.sign({ sub: 'u', role: 'national', facilities: [] });
    const [req, other] = [{}, {}];
    expect(s.verifyFor(req, good).sub).toBe('u');
    expect(s.verifyFor(req, good).sub).toBe('u');
    expect(calls).toBe(1);
    expect(s.verifyFor(other, good).sub).toBe('u');
    expect(calls).toBe(2);
    // a refusal is remembered too, and another token on the same request is verified anew
    refused(() => s.verifyFor(req, `${good}x`));
    refused(() => s.verifyFor(req, `${good}x`));
    expect(calls).toBe(3);
  });

  it('verifies the same token again and again, and refuses it with its payload changed', () => {
    const s = service();
    const token = s.sign({ sub: 'u', role: 'national', facilities: [] });
    for (let i = 0; i < 100; i++) expect(s.verify(token).sub).toBe('u');
    const [h, , sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u', role: 'admin', exp: Math.floor(Date.now() / 1000) + 60 })).toString('base64url');
    refused(() => s.verify(`${h}.${forged}.${sig}`));
  });

  it.each([
    ['not a key', () => 'not a key', /JWT_PUBLIC_KEY must be a PEM public key/],
    [
      'a private key',
      () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      /JWT_PUBLIC_KEY is a private key/,
    ],
    [
      'an EC key',
      () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      /must be an RSA public key for RS256 \(got ec\)/,
    ],
    [
      'a 1024-bit RSA key',
      () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      /at least 2048 bits/,
    ],
  ])('refuses to start with a JWT_PUBLIC_KEY that is %s', (_name, pem, message) => {
    expect(() => loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, JWT_PUBLIC_KEY: pem(), JWT_ALGORITHMS: 'RS256' })).toThrow(message);
  });

  it('refuses to start when an allowed algorithm has no key', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', JWT_SECRET: SECRET, JWT_ALGORITHMS: 'RS256' })).toThrow(/lists RS256: set JWT_PUBLIC_KEY/);
  });
});

/** A hand-made HMAC-SHA256 token under any `alg` (jsonwebtoken itself refuses to sign HS256 with a public key's text). */
function hs256(payload: object, secret: string, alg = 'HS256'): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg, typ: 'JWT' })}.${part(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
