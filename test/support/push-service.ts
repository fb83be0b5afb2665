import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A self-signed certificate for 127.0.0.1 (openssl), for a test's own HTTPS server. */
export function selfSignedCert(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'push-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ].concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]),
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A browser's side of a subscription: its P-256 key pair and auth secret. */
export class BrowserKeys {
  private readonly ecdh = createECDH('prime256v1');
  readonly auth = randomBytes(16);
  readonly publicKey: Buffer;
  constructor() {
    this.publicKey = this.ecdh.generateKeys();
  }
  get keys() {
    return { p256dh: this.publicKey.toString('base64url'), auth: this.auth.toString('base64url') };
  }

  /** RFC 8291 (aes128gcm, RFC 8188): what the browser does with a push body. */
  decrypt(body: Buffer): string {
    const salt = body.subarray(0, 16);
    const rs = body.readUInt32BE(16);
    const idLen = body[20];
    const serverKey = body.subarray(21, 21 + idLen);
    const record = body.subarray(21 + idLen);
    if (record.length > rs) throw new Error('more than one record');
    const secret = this.ecdh.computeSecret(serverKey);
    const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), this.publicKey, serverKey]);
    const ikm = Buffer.from(hkdfSync('sha256', secret, this.auth, keyInfo, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(record.subarray(record.length - 16));
    const plain = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
    // the last record's padding: a 0x02 delimiter, then zeros
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--;
    if (plain[end] !== 2) throw new Error('not the last record');
    return plain.subarray(0, end).toString('utf8');
  }
}

/** Checks a `vapid t=<JWT>, k=<key>` Authorization (RFC 8292): ES256 signature by k, aud the endpoint's origin. */
export function verifyVapid(header: string | undefined, origin: string): { publicKey: string; claims: Record<string, unknown> } {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!m) throw new Error(`not a VAPID authorization: ${header}`);
  const [head, payload, signature] = m[1].split('.');
  const point = Buffer.from(m[2], 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33, 65).toString('base64url') },
    format: 'jwk',
  });
  const ok = verify('sha256', Buffer.from(`${head}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('VAPID signature does not verify');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  if (claims.aud !== origin) throw new Error(`VAPID aud ${String(claims.aud)} is not ${origin}`);
  return { publicKey: m[2], claims };
}

export interface ReceivedPush {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  status: number;
}

/** A push service played by a local HTTPS server: records every request, answers what the test says. */
export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  /** status by endpoint path; default 201 */
  answer: (path: string) => number = () => 201;
  private server!: Server;
  origin = '';

  async start(tls: { key: string; cert: string }): Promise<void> {
    this.server = createServer(tls, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const status = this.answer(req.url ?? '/');
        this.received.push({ path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks), status });
        res.writeHead(status, status === 503 || status === 429 ? { 'retry-after': '1' } : {}).end();
      });
    });
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', ok));
    this.origin = `https://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  /** Pushes the service accepted (2xx), for one endpoint path. */
  accepted(path: string): ReceivedPush[] {
    return this.received.filter((r) => r.path === path && r.status < 300);
  }

  stop(): Promise<void> {
    return new Promise((ok) => this.server.close(() => ok()));
  }
}
