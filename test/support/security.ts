import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import type { Principal } from '../../src/auth/principal.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { aFacility, aRequest, principals } from './factories.js';
import { bearer, type TestApp } from './test-app.js';
import { dayOf } from '../../src/domain/italian-day.js';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';

type Json = Record<string, any>;

// ---------------------------------------------------------------------------------------------
// Routes the application really serves
// ---------------------------------------------------------------------------------------------

/** Every route the Nest controllers declare, as "GET /api/v1/facilities/:id" (the pattern Nest declares). */
export function nestRoutes(app: NestFastifyApplication): string[] {
  const routes = new Set<string>();
  const join = (...parts: string[]) =>
    `/${parts
      .flatMap((p) => p.split('/'))
      .filter(Boolean)
      .join('/')}`;
  for (const mod of app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as { prototype: object } | null;
      if (!ctrl) continue;
      const bases = [Reflect.getMetadata('path', ctrl) ?? ''].flat() as string[];
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        for (const base of bases)
          for (const path of [Reflect.getMetadata('path', handler) ?? ''].flat() as string[])
            routes.add(`${RequestMethod[method]} ${join(base, path)}`);
      }
    }
  }
  return [...routes].sort();
}

/**
 * Every route the Fastify instance serves, read from `printRoutes({ commonPrefix: false })`, whose
 * tree lines look like `│   └── /:id (GET, HEAD, PATCH)`: four characters of indentation per level.
 * The automatic HEAD (and OPTIONS) twins of the declared routes are left out.
 */
export function fastifyRoutes(app: NestFastifyApplication): string[] {
  const tree = app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes = new Set<string>();
  for (const line of tree.split('\n')) {
    const m = /^(.*?)[├└]── (\S+)(?: \(([^)]*)\))?\s*$/.exec(line);
    if (!m) {
      if (line.trim()) throw new Error(`cannot read this line of printRoutes: ${JSON.stringify(line)}`);
      continue;
    }
    const depth = [...m[1]].length / 4;
    if (!Number.isInteger(depth) || depth > stack.length) throw new Error(`unexpected indentation in printRoutes: ${JSON.stringify(line)}`);
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2];
    stack.push(path);
    for (const method of (m[3] ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean))
      if (method !== 'HEAD' && method !== 'OPTIONS') routes.add(`${method} ${path}`);
  }
  return [...routes].sort();
}

// ---------------------------------------------------------------------------------------------
// Tokens that must never get in
// ---------------------------------------------------------------------------------------------

export type ForgedToken = 'expired' | 'algNone' | 'badSignature' | 'hs512' | 'rs256';

/**
 * Tokens that each carry exactly one fault, all claiming the most powerful role (admin), so that a
 * token accepted by mistake would show up as a 2xx rather than as a 403.
 */
export function forgedTokens(config: AppConfig): Record<ForgedToken, string> {
  const secret = config.jwt.secret!;
  const claims = { role: 'admin', email: 'forged@example.org' };
  const registered = {
    subject: 'forged-admin',
    ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
    ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
  };
  const now = Math.floor(Date.now() / 1000);
  const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    // well signed, expired an hour ago (far beyond any clock tolerance)
    expired: jwt.sign({ ...claims, exp: now - 3600 }, secret, { ...registered, algorithm: 'HS256' }),
    // unsigned: header alg none, empty signature
    algNone: `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({ ...claims, sub: 'forged-admin', exp: now + 3600, iss: config.jwt.issuer, aud: config.jwt.audience })}.`,
    // the right algorithm, a key that is not the service's
    badSignature: jwt.sign(claims, `${secret}-but-not-quite-the-same`, { ...registered, algorithm: 'HS256', expiresIn: '1h' }),
    // the service's own secret, an algorithm it does not allow
    hs512: jwt.sign(claims, secret, { ...registered, algorithm: 'HS512', expiresIn: '1h' }),
    // shaped like an identity provider's token, signed by a key the service does not know
    rs256: jwt.sign(claims, privateKey, { ...registered, algorithm: 'RS256', expiresIn: '1h' }),
  };
}

/** The forged tokens' control: the same claims, correctly signed, which the service must accept. */
export function controlToken(config: AppConfig): string {
  return jwt.sign({ role: 'admin', email: 'forged@example.org' }, config.jwt.secret!, {
    subject: 'forged-admin',
    algorithm: 'HS256',
    expiresIn: '1h',
    ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
    ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Fixture objects, resolved per route
// ---------------------------------------------------------------------------------------------

/**
 * What a route's path parameters point at. Shared kinds are made once and only read; fresh kinds
 * are made anew for every cell, because the route changes them (or would, if the caller got in).
 */
export const FIXTURE_KINDS = {
  none: 'shared',
  region: 'shared', // region 07 (Liguria)
  report: 'shared', // the people report (reports are not objects: every role gets its own scope)
  facility: 'shared', // a fresh facility of region 07 (GE), with its manager
  freshFacility: 'fresh',
  request: 'shared', // a request of region 07 with a pending proposal to the facility
  openRequest: 'fresh', // a request of region 07, no proposal yet
  proposedRequest: 'fresh', // a request of region 07 with a pending proposal to the facility
  proposal: 'shared', // the pending proposal of `request`
  pendingProposal: 'fresh',
  acceptedProposal: 'fresh',
  placement: 'shared', // an admitted placement at the facility
  admittedPlacement: 'fresh',
  failedOutboxMessage: 'fresh',
  member: 'shared', // a shelter manager of the facility, in the members registry
  freshMember: 'fresh',
  pushSubscription: 'fresh', // a phone subscribed by the UOR of region 07 (issue 22)
  apiKey: 'fresh', // an API key of a shelter manager of the facility, an active member (issue 34)
} as const;
export type FixtureKind = keyof typeof FIXTURE_KINDS;

export interface Fixture {
  kind: FixtureKind;
  /** path parameters (":id" → params.id) */
  params: Record<string, string>;
  /** the facility the object belongs to: "shelter_manager of the object's facility" manages it */
  facilityId: string;
  /** availability version, for fresh facilities */
  version?: number;
}

/** The objects the authorization matrix walks over; every id is real and in region 07. */
export class SecurityWorld {
  /** the facility of region 07 that the request, proposals and placements belong to */
  facilityId: string;
  /** another facility (same region): its manager is "a manager of another facility" */
  otherFacilityId: string;
  readonly region = '07';
  readonly otherRegion = '09';
  private shared = new Map<FixtureKind, Fixture>();

  constructor(private readonly t: TestApp) {}

  readonly admin = principals.admin();
  readonly uorOwn = principals.uor('07');
  readonly uorOther = principals.uor('09');
  readonly national = principals.national();
  managerOf = (facilityId: string) => principals.manager(facilityId);
  otherManager = () => principals.manager(this.otherFacilityId);

  async setup(): Promise<void> {
    // plenty of beds: every fresh proposal holds one
    this.facilityId = (await this.createFacility({ provinceCode: 'GE', places: [{ kind: 'adult', total: 500 }] })).id;
    this.otherFacilityId = (await this.createFacility({ provinceCode: 'SP' })).id;
    for (const kind of Object.keys(FIXTURE_KINDS) as FixtureKind[])
      if (FIXTURE_KINDS[kind] === 'shared') this.shared.set(kind, await this.make(kind));
  }

  /** The fixture for one cell: the shared one, or a new one for kinds that a route changes. */
  async fixture(kind: FixtureKind): Promise<Fixture> {
    return FIXTURE_KINDS[kind] === 'shared' ? this.shared.get(kind)! : this.make(kind);
  }

  /** The same parameters pointing at nothing: what a stranger to every object would send. */
  missing(fx: Fixture): Record<string, string> {
    return Object.fromEntries(Object.keys(fx.params).map((k) => [k, k === 'code' ? '99' : randomUUID()]));
  }

  today(): string {
    return dayOf(this.t.clock.now());
  }

  private async make(kind: FixtureKind): Promise<Fixture> {
    const fx = (params: Record<string, string>, extra: Partial<Fixture> = {}): Fixture => ({
      kind,
      params,
      facilityId: this.facilityId,
      ...extra,
    });
    switch (kind) {
      case 'none':
        return fx({});
      case 'region':
        return fx({ code: this.region });
      case 'report':
        return fx({ name: 'people' });
      case 'facility':
        return fx({ id: this.facilityId });
      case 'freshFacility': {
        const f = await this.createFacility({ provinceCode: 'GE' });
        return fx({ id: f.id }, { facilityId: f.id, version: f.version });
      }
      case 'request':
      case 'proposedRequest': {
        const r = await this.openRequest();
        await this.propose(r);
        return fx({ id: r });
      }
      case 'openRequest':
        return fx({ id: await this.openRequest() });
      case 'proposal':
        return fx({ id: await this.proposalOf(this.shared.get('request')!.params.id) });
      case 'pendingProposal':
        return fx({ id: await this.propose(await this.openRequest()) });
      case 'acceptedProposal':
        return fx({ id: await this.accepted() });
      case 'placement':
      case 'admittedPlacement':
        return fx({ id: await this.admitted() });
      case 'member':
      case 'freshMember':
        return fx({ id: await this.invitedManager() });
      case 'failedOutboxMessage': {
        const id = randomUUID();
        await this.t.sql(
          `INSERT INTO outbox (id, event, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, last_error, created_at)
           VALUES ($1, 'proposal_created', 'casa@example.org', 'Approdo', 'text', '<p>text</p>', 'failed', 3, now(), '451', now())`,
          [id],
        );
        return fx({ id });
      }
      case 'apiKey': {
        const owner = await this.activeMember(this.managerOf(this.facilityId));
        const key = await this.t.app.get(ApiKeysService).create({ ...owner, via: 'session' }, { name: 'Gestionale casa' });
        return fx({ id: key.id });
      }
      case 'pushSubscription': {
        const [row] = await this.t.sql<{ id: string }>(
          `INSERT INTO push_subscription (owner_sub, role, region_code, endpoint, p256dh, auth) VALUES ($1, 'uor', '07', $2, 'k', 'a') RETURNING id`,
          [this.uorOwn.sub, `https://fcm.googleapis.com/fcm/send/${randomUUID()}`],
        );
        return fx({ id: row.id });
      }
    }
  }

  /** A member of the registry with the principal's role and scope, active (as if she had signed in once): her principal. */
  async activeMember(p: Principal): Promise<Principal> {
    const id = randomUUID();
    await this.t.sql(
      `INSERT INTO member (id, email, role, region_code, facility_ids, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::uuid[], 'active', 'https://id.example.org', $6, 'matrix', now(), now())`,
      [id, `matrix.${id}@example.org`, p.role, p.region ?? null, p.facilities, `subject-${id}`],
    );
    return { ...p, sub: id, email: `matrix.${id}@example.org` };
  }

  private as(p: Principal) {
    return bearer(this.t.token(p));
  }

  private check(res: { status: number; body: Json }, status: number, what: string): Json {
    if (res.status !== status) throw new Error(`fixture: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  private async createFacility(o: Parameters<typeof aFacility>[0]): Promise<{ id: string; version: number }> {
    const created = this.check(
      await this.t.http().post('/api/v1/facilities').set(this.as(this.admin)).send(aFacility(o)),
      201,
      'create facility',
    );
    const confirmed = this.check(
      await this.t.http().post(`/api/v1/facilities/${created.id}/availability/confirm`).set(this.as(this.admin)),
      200,
      'confirm',
    );
    return { id: created.id, version: confirmed.version };
  }

  /** A shelter manager of the facility, invited by the administrator. */
  private async invitedManager(): Promise<string> {
    const res = await this.t
      .http()
      .post('/api/v1/members')
      .set(this.as(this.admin))
      .send({ email: `responsabile.${randomUUID().slice(0, 8)}@example.org`, role: 'shelter_manager', facilityIds: [this.facilityId] });
    return this.check(res, 201, 'invite a member').id;
  }

  private async openRequest(): Promise<string> {
    return this.check(
      await this.t.http().post('/api/v1/placement-requests').set(this.as(this.uorOwn)).send(aRequest()),
      201,
      'open request',
    ).id;
  }

  private async propose(requestId: string): Promise<string> {
    const res = await this.t
      .http()
      .post(`/api/v1/placement-requests/${requestId}/proposals`)
      .set(this.as(this.uorOwn))
      .send({ facilityId: this.facilityId });
    return this.check(res, 201, 'propose').id;
  }

  private async proposalOf(requestId: string): Promise<string> {
    const r = this.check(await this.t.http().get(`/api/v1/placement-requests/${requestId}`).set(this.as(this.admin)), 200, 'read request');
    return r.proposals[0].id;
  }

  private async accepted(): Promise<string> {
    const id = await this.propose(await this.openRequest());
    this.check(
      await this.t
        .http()
        .post(`/api/v1/proposals/${id}/accept`)
        .set(this.as(this.managerOf(this.facilityId))),
      200,
      'accept',
    );
    return id;
  }

  private async admitted(): Promise<string> {
    const id = await this.accepted();
    return this.check(
      await this.t
        .http()
        .post(`/api/v1/proposals/${id}/admit`)
        .set(this.as(this.managerOf(this.facilityId))),
      200,
      'admit',
    ).placementId;
  }
}
