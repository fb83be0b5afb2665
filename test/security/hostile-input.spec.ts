import { EventEmitter } from 'node:events';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import type { Principal } from '../../src/auth/principal.js';
import { EXPLOITATION_TYPES, FACILITY_TYPES, GENDERS, PLACE_KINDS, PROTECTION_LEVELS, STAGES, SUPPORTS } from '../../src/domain/types.js';
import { REQUEST_STATUSES, URGENCIES } from '../../src/lifecycle/requests/placement-request.entity.js';
import { DISCHARGE_REASONS } from '../../src/lifecycle/placements/placement.entity.js';
import { DECLINE_REASONS, PROPOSAL_STATUSES } from '../../src/lifecycle/proposals/proposal.entity.js';
import { ApiKeysService } from '../../src/api-keys/api-keys.service.js';
import { aFacility, aRequest, principals } from '../support/factories.js';
import { BAD_IDS, hasNoMarker, leaksIn, NUMERIC_STRINGS, SQL_FRAGMENTS, UNICODE_TRICKS } from '../support/hostile-values.js';
import { pct, RawClient, type RawResponse } from '../support/raw-http.js';
import { bearer, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Property: whatever a caller sends (malformed JSON, prototype-pollution keys, wrong types, huge
 * strings and arrays, deep nesting, SQL, unicode tricks, bad ids, bad tokens, wrong content types,
 * wrong methods), to whichever route, as whichever role:
 *   - the answer is never a 5xx, and never hangs;
 *   - every 4xx answer is the JSON error shape `{statusCode, code, message}`, `code` in snake_case;
 *   - no answer carries a stack frame, SQL or driver error text, or a file path;
 *   - input that is certainly malformed (a wrong JSON type, an unknown or `__proto__` key, a huge
 *     string or array, broken JSON) is never accepted (no 2xx);
 *   - Object.prototype (of both realms: Jest's and Node's) is unchanged afterwards, and the service
 *     still answers normally with its tables in place.
 * Requests go in batches of 16 concurrent requests over real loopback HTTP (keep-alive), generated
 * by fast-check from a fixed seed; a failing batch is shrunk to the offending request.
 */

/** fixed; HOSTILE_SEED=<n> explores another stream (a failure prints its seed and path for replay) */
const SEED = Number(process.env.HOSTILE_SEED ?? 20_261_123);
const BATCH = 16;
const RUNS = 640; // 640 × 16 = 10,240 requests
// a bound against a hang, not a speed check (every run must still pass): with two Jest workers on 2 cores this
// file shares the machine with another, and alone under load it took 60 s for what a quiet machine does in less
const TIME_LIMIT_MS = 270_000;

// ---------------------------------------------------------------------------------------------
// Defects found by this suite and reported, not yet fixed. A violation is tolerated only when the
// request carries the exact trigger (tagged by the generator) AND the violation is of the reported
// kind; every other violation fails. Remove an entry once fixed (the summary prints "no longer
// reproduces" for it); HOSTILE_STRICT=1 tolerates none of them.
// ---------------------------------------------------------------------------------------------
type ViolationKind = 'no_answer' | '5xx' | 'shape' | 'code_format' | 'leak' | 'accepted_malformed';

interface KnownDefect {
  id: string;
  what: string;
  explains: (r: HostileRequest, a: RawResponse, kind: ViolationKind) => boolean;
}

// Defects found by this suite are fixed in src/, not tolerated here: the list stays empty.
const KNOWN_DEFECTS: KnownDefect[] = [];

/** required nested objects (no @IsDefined on them: see K8) */
const REQUIRED_NESTED: Record<string, string[]> = {
  'POST /api/v1/facilities': ['accepts'],
  'POST /api/v1/capacity/search': ['person', 'origin', 'safety', 'preferences'],
  'POST /api/v1/placement-requests': ['person', 'origin', 'safety', 'preferences'],
};

function lacksRequiredNested(route: string, ct: string | undefined, body: string | Buffer | undefined): boolean {
  const required = REQUIRED_NESTED[route];
  if (!required) return false;
  if (body === undefined || ct === undefined || !JSON_TYPES.includes(ct)) return true;
  try {
    const parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? required.some((k) => (parsed as Record<string, unknown>)[k] === undefined)
      : true;
  } catch {
    return false; // malformed JSON: refused by the parser
  }
}

/** keys class-transformer skips without telling the validator */
const OBJECT_MEMBER_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

// ---------------------------------------------------------------------------------------------
// JSON that can say what JSON.stringify cannot: `__proto__` keys, escaped keys, -0, 1e309, NaN.
// ---------------------------------------------------------------------------------------------
class Raw {
  constructor(readonly text: string) {}
}
class Obj {
  /** `dto`: an object of the valid template, i.e. one the server validates against a DTO class */
  constructor(
    readonly entries: [string | Raw, Node][],
    readonly dto = false,
  ) {}
}
type Node = null | boolean | number | string | Node[] | Obj | Raw;

const toNode = (v: unknown): Node =>
  Array.isArray(v)
    ? v.map(toNode)
    : v !== null && typeof v === 'object'
      ? new Obj(
          Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .map(([k, x]) => [k, toNode(x)]),
          true,
        )
      : (v as Node);

function emit(n: Node): string {
  if (n instanceof Raw) return n.text;
  if (n instanceof Obj) return `{${n.entries.map(([k, v]) => `${k instanceof Raw ? k.text : JSON.stringify(k)}:${emit(v)}`).join(',')}}`;
  if (Array.isArray(n)) return `[${n.map(emit).join(',')}]`;
  if (typeof n === 'number' && Object.is(n, -0)) return '-0';
  return JSON.stringify(n);
}

const clone = (n: Node): Node =>
  n instanceof Obj
    ? new Obj(
        n.entries.map(([k, v]) => [k, clone(v)]),
        n.dto,
      )
    : Array.isArray(n)
      ? n.map(clone)
      : n;

interface Slot {
  get: () => Node;
  set: (v: Node) => void;
  remove: () => void;
}

/** Every value under the root (not the root itself), depth first. */
function slotsOf(root: Node): Slot[] {
  const out: Slot[] = [];
  const walk = (n: Node) => {
    if (n instanceof Obj) {
      for (const e of n.entries) {
        out.push({ get: () => e[1], set: (v) => (e[1] = v), remove: () => n.entries.splice(n.entries.indexOf(e), 1) });
        walk(e[1]);
      }
    } else if (Array.isArray(n)) {
      n.forEach((v, i) => {
        out.push({ get: () => n[i], set: (x) => (n[i] = x), remove: () => n.splice(i, 1) });
        walk(v);
      });
    }
  };
  walk(root);
  return out;
}

function dtoObjects(root: Node): Obj[] {
  const out: Obj[] = [];
  const walk = (n: Node) => {
    if (n instanceof Obj) {
      if (n.dto) out.push(n);
      n.entries.forEach(([, v]) => walk(v));
    } else if (Array.isArray(n)) n.forEach(walk);
  };
  walk(root);
  return out;
}

const isObjectish = (n: Node) => n instanceof Obj || (Array.isArray(n) && n.some((x) => x instanceof Obj));
const containsArray = (n: Node): boolean =>
  Array.isArray(n) ||
  (n instanceof Raw && n.text.trimStart().startsWith('[')) ||
  (n instanceof Obj && n.entries.some(([, v]) => containsArray(v)));

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL_FRAGMENTS),
  fc.constantFrom(...UNICODE_TRICKS),
  fc.constantFrom(...NUMERIC_STRINGS),
  fc.string({ unit: 'binary', maxLength: 40 }).filter(hasNoMarker),
  fc.string({ unit: 'grapheme', maxLength: 40 }).filter(hasNoMarker),
);

const hostileNode: fc.Arbitrary<Node> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Node>(
      new Raw('1e309'),
      new Raw('-1e309'),
      -0,
      0,
      -1,
      1.5,
      2 ** 53 + 2,
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      1e21,
      new Raw('123456789012345678901234567890'),
      new Raw('1E2'),
      new Raw('-0.0'),
    ),
  },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom<() => Node>(
        () => [],
        () => [null],
        () => [''],
        () => [[]],
        () => [new Obj([])],
        () => new Obj([]),
        () => new Obj([['a', 1]]),
      )
      .map((f) => f()),
  },
);

const EXTRA_KEYS = [
  'isAdmin',
  'role',
  'regionCode',
  'id',
  'createdAt',
  'addressEnc',
  'address_enc',
  'secret',
  '',
  ' ',
  'name ',
  'NAME',
  'ｎａｍｅ',
  '\u0000',
  '\u202Ename',
  'x'.repeat(1000),
  '$where',
  '$gt',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'then',
  "' OR 1=1--",
  'a.b',
  'a[0]',
];
const extraKey = fc.oneof(
  fc.constantFrom(...EXTRA_KEYS),
  fc
    .string({ unit: 'binary', minLength: 1, maxLength: 20 })
    .map((s) => `~${s}`)
    .filter(hasNoMarker),
);

const POLLUTION = () =>
  new Obj([
    ['polluted', 'yes'],
    ['role', 'admin'],
    ['isAdmin', true],
  ]);
const PROTO_ENTRIES: (() => [string | Raw, Node])[] = [
  () => ['__proto__', POLLUTION()],
  () => ['constructor', new Obj([['prototype', POLLUTION()]])],
  () => ['prototype', POLLUTION()],
  () => [new Raw('"\\u005f\\u005fproto\\u005f\\u005f"'), POLLUTION()],
  () => ['__proto__', null],
  () => ['constructor', 'x'],
];

const WRONG_TYPES = {
  string: [123, true, [], () => new Obj([]), -0],
  number: ['4', true, [], () => new Obj([]), () => new Raw('1e309'), () => new Raw('-1e309'), 'NaN'],
  boolean: ['false', 'true', 0, 1, [], 'yes'],
  array: ['x', 1, () => new Obj([]), true],
  object: ['x', 1, true],
} as const;

type Mutation =
  | { k: 'set'; at: number; v: Node }
  | { k: 'wrongType'; at: number; pick: number }
  | { k: 'extra'; at: number; key: string; v: Node }
  | { k: 'proto'; at: number; variant: number }
  | { k: 'deep'; at: number; depth: number; arr: boolean }
  | { k: 'hugeArray'; at: number; n: number; distinct: boolean }
  | { k: 'hugeString'; at: number; bytes: number; ch: string }
  | { k: 'arrayForObject'; at: number; wrap: boolean }
  | { k: 'remove'; at: number }
  | { k: 'null'; at: number };

const at = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('set' as const), at, v: hostileNode }) },
  { weight: 4, arbitrary: fc.record({ k: fc.constant('wrongType' as const), at, pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('extra' as const), at, key: extraKey, v: hostileNode }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('proto' as const), at, variant: fc.nat({ max: PROTO_ENTRIES.length - 1 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('deep' as const), at, depth: fc.constantFrom(16, 64, 256, 2000, 6000), arr: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant('hugeArray' as const), at, n: fc.constantFrom(200, 5000, 25000), distinct: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('hugeString' as const),
      at,
      bytes: fc.constantFrom(1000, 10_000, 100_000),
      ch: fc.constantFrom('a', 'é', '🏠', '\u202E', "'", '\u200B'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('arrayForObject' as const), at, wrap: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), at }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('null' as const), at }) },
);

/** Applies one mutation; returns whether it makes the body certainly malformed, and its tags. */
function applyMutation(root: Node, m: Mutation): { certain: boolean; tags: string[] } {
  const tags: string[] = [m.k];
  const slots = slotsOf(root);
  if (m.k === 'extra' || m.k === 'proto') {
    const objs = dtoObjects(root);
    if (!objs.length) return { certain: false, tags };
    const target = objs[m.at % objs.length];
    const entry: [string | Raw, Node] = m.k === 'extra' ? [m.key, clone(m.v)] : PROTO_ENTRIES[m.variant]();
    target.entries.push(entry);
    if (m.k === 'proto') tags.push(`proto${m.variant}`);
    if (
      typeof entry[0] === 'string' &&
      OBJECT_MEMBER_KEYS.has(entry[0]) &&
      entry[0] !== '__proto__' &&
      !(entry[0] === 'constructor' && entry[1] instanceof Obj && entry[1].entries.some(([k]) => k === 'prototype'))
    )
      tags.push('objectMemberKey');
    return { certain: true, tags };
  }
  if (!slots.length) return { certain: false, tags };
  if (m.k === 'arrayForObject') {
    const objectSlots = slots.filter((s) => s.get() instanceof Obj);
    if (!objectSlots.length) return { certain: false, tags };
    const s = objectSlots[m.at % objectSlots.length];
    s.set(m.wrap ? [clone(s.get())] : []);
    return { certain: true, tags: [...tags, 'arrayForObject'] };
  }
  const s = slots[m.at % slots.length];
  const before = s.get();
  const kindOf = (n: Node) =>
    typeof n === 'string'
      ? 'string'
      : typeof n === 'number'
        ? 'number'
        : typeof n === 'boolean'
          ? 'boolean'
          : Array.isArray(n)
            ? 'array'
            : n instanceof Obj
              ? 'object'
              : undefined;
  const kind = kindOf(before);
  let next: Node;
  let certain = false;
  switch (m.k) {
    case 'set':
      next = clone(m.v);
      break;
    case 'wrongType': {
      if (!kind) return { certain: false, tags };
      const options = WRONG_TYPES[kind] as readonly unknown[];
      const pick = options[m.pick % options.length];
      next = typeof pick === 'function' ? (pick as () => Node)() : clone(pick as Node);
      certain = true;
      break;
    }
    case 'deep':
      next = new Raw(m.arr ? '['.repeat(m.depth) + ']'.repeat(m.depth) : '{"a":'.repeat(m.depth) + '1' + '}'.repeat(m.depth));
      certain = kind === 'string' || kind === 'number' || kind === 'boolean';
      if (m.depth >= 1000) tags.push('deepNesting');
      break;
    case 'hugeArray': {
      const items = Array.from({ length: m.n }, (_, i) => (m.distinct ? `"v${i}"` : '"x"'));
      next = new Raw(`[${items.join(',')}]`);
      certain = true;
      break;
    }
    case 'hugeString':
      next = m.ch.repeat(Math.max(1, Math.floor(m.bytes / Buffer.byteLength(m.ch))));
      certain = true;
      break;
    case 'remove':
      s.remove();
      return { certain: false, tags };
    case 'null':
      next = null;
      break;
  }
  if (isObjectish(before) && containsArray(next)) tags.push('arrayForObject');
  s.set(next);
  return { certain, tags };
}

// raw bodies: [text, certainly malformed]
const RAW_BODIES: [string | Buffer, boolean][] = [
  ['{', true],
  ['{"a":', true],
  ['{"a":1,}', true],
  ["{'a':1}", true],
  ['{a:1}', true],
  ['{"a":1}}', true],
  ['[1,]', true],
  ['NaN', true],
  ['{"a":NaN}', true],
  ['{"a":Infinity}', true],
  ['{"a":undefined}', true],
  ['{"a":01}', true],
  ['{"a":.5}', true],
  ['{"a":0x10}', true],
  ['{"a":"\\x41"}', true],
  ['{"a":"\\u12"}', true],
  ['{"a":"line\nbreak"}', true],
  ['\u0000', true],
  ['{"a":1}\u0000', true],
  ['// comment\n{}', true],
  ['{"a":1} {"b":2}', true],
  ['"unterminated', true],
  ['tru', true],
  ['   ', true],
  ['', true],
  ['{"__proto__":{"polluted":"yes","role":"admin"}}', true],
  ['{"constructor":{"prototype":{"polluted":"yes"}}}', true],
  ['{"a":{"__proto__":{"polluted":"yes"}}}', true],
  ['{"\\u005f_proto__":{"polluted":"yes"}}', true],
  ['['.repeat(100_000), true],
  ['x'.repeat(300_000), true], // over the body limit: 413
  [Buffer.from('{}', 'utf16le'), true],
  ['null', false],
  ['[]', false],
  ['[{}]', false],
  ['"x"', false],
  ['1', false],
  ['true', false],
  ['{}', false],
  ['""', false],
  ['-0', false],
  ['1e309', false],
  [' '.repeat(100_000) + '{}', false],
  [Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from('"}')]), false],
  [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{}')]), false],
];

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON'];
const OTHER_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'application/vnd.api+json',
  'application/json-patch+json',
  'application/jsonp',
  '*/*',
  'application/',
  ';',
  'application/json; charset=utf-16',
  'application/json; charset=ebcdic',
  '',
];
const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...JSON_TYPES) },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TYPES) },
);

// ---------------------------------------------------------------------------------------------
// Routes
// ---------------------------------------------------------------------------------------------
interface Fixtures {
  fGE: string;
  fSP: string;
  fLU: string;
  r1: string;
  r2: string;
  r3: string;
  pPending: string;
  pAdmitted: string;
  pPendingGE: string;
  placement: string;
  outbox: string;
}

interface RouteSpec {
  method: string;
  /** with `:param` placeholders */
  pattern: string;
  /** known query keys with valid sample values */
  query?: Record<string, readonly string[]>;
  /** a valid body (the route validates it against a DTO); `n` varies it deterministically */
  body?: (n: number) => unknown;
  idempotency?: boolean;
  /** the route reads a form (a provider's back-channel logout): hostile forms instead of JSON bodies */
  form?: true;
  /** discovered in the OpenAPI document, not described here: generic input */
  generic?: boolean;
}

const profile = (n: number) => {
  const {
    caseCode: _c,
    urgency: _u,
    ...p
  } = aRequest({
    safety: { excludedProvinces: ['IM'], excludedRegions: ['20'], minDistanceKm: 0, conflictTags: [`net-${n % 7}`] },
    preferences: { crossRegion: true, maxDistanceKm: 800, nearProvinceCode: 'GE' },
  });
  return p;
};

function routeSpecs(F: Fixtures): RouteSpec[] {
  // boundaries too: a bigint column or an OFFSET takes at most 2^63 - 1
  const BIG = ['9223372036854775807', '9223372036854775808', '99999999999999999999'];
  const LIMIT = ['1', '50', '200', ...BIG];
  const OFFSET = ['0', '10', ...BIG];
  return [
    { method: 'GET', pattern: '/health' },
    { method: 'GET', pattern: '/api/docs-json' },
    { method: 'GET', pattern: '/api/v1/regions' },
    { method: 'PUT', pattern: '/api/v1/regions/:code/contact', body: (n) => ({ uorEmail: `uor${n % 10}@example.org` }) },
    {
      method: 'POST',
      pattern: '/api/v1/facilities',
      body: (n) =>
        aFacility({
          name: `Casa Ostile ${n}`,
          provinceCode: ['GE', 'SP', 'LU'][n % 3],
          protectionLevel: 'high',
          location: { lat: 44.4, lon: 8.9 },
          acceptingNewGuests: true,
          intakeNote: 'nota',
          contactEmail: `ostile${n}@example.org`,
          places: [
            { kind: 'adult', total: 3, occupied: 1, outOfService: 0 },
            { kind: 'mother_child', total: 1, childCapacity: 2 },
          ],
        }),
    },
    {
      method: 'GET',
      pattern: '/api/v1/facilities',
      query: {
        regionCode: ['07', '09', '99'],
        provinceCode: ['GE', 'LU', 'ZZ'],
        type: FACILITY_TYPES,
        kind: PLACE_KINDS,
        hasFree: ['true', 'false'],
        limit: LIMIT,
        offset: ['0', '10', '100000', ...BIG],
      },
    },
    { method: 'GET', pattern: '/api/v1/facilities/:id' },
    {
      method: 'PATCH',
      pattern: '/api/v1/facilities/:id',
      body: (n) => ({
        name: `Casa Rinominata ${n}`,
        organization: 'Cooperativa',
        type: FACILITY_TYPES[n % FACILITY_TYPES.length],
        provinceCode: 'GE',
        protectionLevel: PROTECTION_LEVELS[n % 3],
        accepts: { genders: [GENDERS[n % 3]], adults: true, minors: false, children: true },
        languages: ['it', 'pcm'],
        exploitationExpertise: [EXPLOITATION_TYPES[n % EXPLOITATION_TYPES.length]],
        supports: [SUPPORTS[n % SUPPORTS.length]],
        address: `Via Nuova ${n}`,
        location: { lat: 44.41, lon: 8.93 },
        contactEmail: `nuova${n}@example.org`,
      }),
    },
    { method: 'GET', pattern: '/api/v1/facilities/:id/availability' },
    {
      method: 'PUT',
      pattern: '/api/v1/facilities/:id/availability',
      body: (n) => ({
        version: 1 + (n % 3),
        places: [{ kind: 'adult', total: 4, occupied: n % 3, outOfService: 0 }],
        acceptingNewGuests: true,
        intakeNote: 'nota',
      }),
    },
    { method: 'POST', pattern: '/api/v1/facilities/:id/availability/confirm' },
    { method: 'POST', pattern: '/api/v1/facilities/:id/availability/intake', body: () => ({ acceptingNewGuests: true, note: 'riapre' }) },
    {
      method: 'GET',
      pattern: '/api/v1/facilities/:id/availability/history',
      query: { afterId: ['0', '1', '999999999999999999', ...BIG], limit: LIMIT },
    },
    { method: 'GET', pattern: '/api/v1/capacity', query: { regionCode: ['07', '09'], type: FACILITY_TYPES, kind: PLACE_KINDS } },
    { method: 'POST', pattern: '/api/v1/capacity/search', body: (n) => ({ ...profile(n), limit: 1 + (n % 50) }) },
    {
      method: 'GET',
      pattern: '/api/v1/audit',
      query: {
        actorSub: ['admin-1', 'uor-07'],
        action: ['facility.create', 'auth.denied'],
        objectType: ['facility', 'route'],
        objectId: [F.fGE],
        from: ['2020-01-01', '2026-01-01T00:00:00Z'],
        to: ['2099-01-01'],
        limit: LIMIT,
        beforeId: ['1', '100', '999999999999999999', ...BIG],
      },
    },
    { method: 'GET', pattern: '/api/v1/admin/outbox', query: { status: ['pending', 'sent', 'failed'], limit: LIMIT } },
    { method: 'POST', pattern: '/api/v1/admin/outbox/:id/retry' },
    {
      method: 'POST',
      pattern: '/api/v1/placement-requests',
      idempotency: true,
      body: (n) => ({
        ...aRequest({
          caseCode: `OST-${n}`,
          note: 'nota',
          // issue 28: where she was exploited, an audited allowance, a tag typed as people type it
          safety: {
            exploitationProvinces: [['GE'], [], ['LU', 'PI']][n % 3],
            allowExploitationArea: n % 2 === 0,
            allowExploitationAreaReason: 'casa protetta, rete smantellata',
            excludedProvinces: [],
            excludedRegions: [],
            minDistanceKm: 0,
            conflictTags: [['Rete GE 77'], [], ['rete_ge.77', 'net-2']][n % 3],
          },
          preferences: { crossRegion: true, maxDistanceKm: 900, nearProvinceCode: 'GE' },
        }),
      }),
    },
    {
      method: 'POST',
      pattern: '/api/v1/placement-requests/batch-assignment',
      body: (n) => ({ requestIds: [F.r1, F.r3], all: false, dryRun: true, timeLimitSeconds: 0.5 + (n % 3) }),
    },
    { method: 'GET', pattern: '/api/v1/placement-requests', query: { status: REQUEST_STATUSES, limit: LIMIT, offset: OFFSET } },
    // issue 28: the tags in use, by a prefix folded like a tag
    {
      method: 'GET',
      pattern: '/api/v1/conflict-tags',
      query: { prefix: ['ret', 'RETE GE', 'rète_ge.', '', 'x'.repeat(80)], limit: ['1', '10', '50'] },
    },
    { method: 'GET', pattern: '/api/v1/placement-requests/:id' },
    {
      method: 'PATCH',
      pattern: '/api/v1/placement-requests/:id',
      body: (n) => ({
        protectionLevel: PROTECTION_LEVELS[n % 3],
        stage: STAGES[n % 2],
        safety: { excludedProvinces: ['IM'], excludedRegions: [], minDistanceKm: 0, conflictTags: [] },
        preferences: { crossRegion: true, maxDistanceKm: 700, nearProvinceCode: 'SP' },
        urgency: URGENCIES[n % URGENCIES.length],
        note: 'nota nuova',
      }),
    },
    { method: 'POST', pattern: '/api/v1/placement-requests/:id/cancel' },
    { method: 'GET', pattern: '/api/v1/placement-requests/:id/candidates', query: { limit: LIMIT } },
    {
      method: 'POST',
      pattern: '/api/v1/placement-requests/:id/proposals',
      idempotency: true,
      body: (n) => ({ facilityId: [F.fSP, F.fGE, F.fLU][n % 3] }),
    },
    { method: 'GET', pattern: '/api/v1/proposals', query: { status: PROPOSAL_STATUSES, limit: LIMIT, offset: OFFSET } },
    { method: 'GET', pattern: '/api/v1/proposals/:id' },
    { method: 'POST', pattern: '/api/v1/proposals/:id/accept' },
    { method: 'POST', pattern: '/api/v1/proposals/:id/decline', body: (n) => ({ reason: DECLINE_REASONS[n % DECLINE_REASONS.length] }) },
    { method: 'POST', pattern: '/api/v1/proposals/:id/admit' },
    { method: 'POST', pattern: '/api/v1/proposals/:id/withdraw' },
    { method: 'GET', pattern: '/api/v1/placements/:id' },
    {
      method: 'POST',
      pattern: '/api/v1/placements/:id/discharge',
      body: (n) => ({ reason: DISCHARGE_REASONS[n % DISCHARGE_REASONS.length], date: '2026-12-01' }),
    },
    // the provider's back-channel logout (not in the OpenAPI document): no token made here is valid
    { method: 'POST', pattern: '/auth/backchannel-logout', form: true },
    // RP-initiated logout's hop (not in the document either): hostile cookies and queries, a redirect to the signed-out page
    { method: 'GET', pattern: '/auth/logout/provider' },
    // no such routes
    { method: 'GET', pattern: '/api/v2/facilities' },
    { method: 'DELETE', pattern: '/api/v1/facilities/:id' },
    { method: 'GET', pattern: '/api/v1/facilities/:id/address' },
    { method: 'POST', pattern: '/api/v1/admin' },
    { method: 'GET', pattern: '/api/v1/facilities/:id/../../audit' },
  ];
}

const fromOpenApi = (path: string) => path.replace(/\{([A-Za-z]+)\}/g, ':$1');

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------
interface Caller {
  label: string;
  /** role: a valid token of a role; garbage: not a valid token; claims: validly signed, hostile claims */
  group: 'role' | 'garbage' | 'claims';
  authorization?: string;
  /** an X-Api-Key header (issue 34) */
  apiKey?: string;
  tags: string[];
}

interface HostileRequest {
  /** `METHOD pattern` of the route the request was generated for */
  route: string;
  caller: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  fresh: boolean;
  tags: string[];
  /** certainly malformed: must not be accepted */
  certain: boolean;
}

const short = (s: string | Buffer | undefined, n = 240) => {
  if (s === undefined) return '(none)';
  const text = Buffer.isBuffer(s) ? `<${s.length} bytes> ${s.toString('latin1')}` : s;
  return JSON.stringify(text.length > n ? `${text.slice(0, n)}…(${text.length} chars)` : text);
};

const describe_ = (r: HostileRequest) =>
  `${r.method} ${r.path.length > 200 ? `${r.path.slice(0, 200)}…(${r.path.length})` : r.path} as ${r.caller} [${r.tags.join(',')}] content-type=${JSON.stringify(r.headers['content-type'])} body=${short(r.body)}`;

/** A path parameter: [text as sent, tags] */
function paramArb(ids: string[], code: boolean): fc.Arbitrary<[string, string[]]> {
  const hostile = fc.oneof(
    fc.constantFrom(...BAD_IDS),
    fc.constantFrom(...SQL_FRAGMENTS),
    fc.constantFrom(...UNICODE_TRICKS),
    fc
      .tuple(fc.constantFrom(...ids), fc.constantFrom("' OR '1'='1", '\u0000', '%00', ' ', '/..', '?x=1', '#', ';', 'x'))
      .map(([a, b]) => a + b),
    fc.string({ unit: 'binary', maxLength: 60 }),
  );
  const long = fc.integer({ min: 101, max: 4000 }).map((n) => 'a'.repeat(n));
  const valid = code
    ? fc.constantFrom('07', '09', '03', '99', '00', '7', '007')
    : fc.oneof(
        fc.constantFrom(...ids),
        fc.uuid(),
        fc.constantFrom('00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
        fc.constantFrom(...ids).map((s) => s.toUpperCase()),
      );
  return fc.oneof(
    { weight: 28, arbitrary: valid.map((v): [string, string[]] => [v, []]) },
    {
      weight: 12,
      arbitrary: fc
        .oneof({ weight: 12, arbitrary: hostile }, { weight: 1, arbitrary: long })
        .map((v): [string, string[]] => [
          pct(v),
          [...(v.includes('\u0000') ? ['nul'] : []), ...(pct(v).length > 100 ? ['longParam'] : [])],
        ]),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('%zz', '%ED%A0%80', '%', '%C0%AF', '%E0%A4%A', '%FF').map((v): [string, string[]] => [v, ['badUrl']]),
    },
    { weight: 1, arbitrary: fc.constantFrom('\u00e9', 'caf\u00e9', '\u00ff\u00fe').map((v): [string, string[]] => [v, ['clientError']]) },
  );
}

const RAW_QUERY_VALUES = ['%zz', '%', '%00', '%ED%A0%80', '%2500', '%C0%AF', '+', '%20', '&&', '==', '%26limit%3D1', 'a%5B%5D'];
const EXTRA_QUERY_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'constructor[prototype][polluted]',
  '__proto__[polluted]',
  '__proto__.polluted',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'x',
  '',
  '[]',
  'limit[]',
  'a[b]',
  'offset[$gt]',
];

/** A query value: [encoded text, tags] */
function queryValueArb(valid: readonly string[]): fc.Arbitrary<[string, string[]]> {
  const text = (v: string): [string, string[]] => [pct(v), v.includes('\u0000') ? ['nul'] : []];
  return fc.oneof(
    { weight: 24, arbitrary: fc.constantFrom(...valid).map(text) },
    { weight: 20, arbitrary: hostileString.map(text) },
    { weight: 6, arbitrary: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => text(String(n))) },
    { weight: 2, arbitrary: fc.integer({ min: 1000, max: 4000 }).map((n) => text('9'.repeat(n))) },
    { weight: 4, arbitrary: fc.constantFrom(...RAW_QUERY_VALUES).map((v): [string, string[]] => [v, v === '%00' ? ['nul'] : []]) },
    { weight: 1, arbitrary: fc.constant<[string, string[]]>(['\u00e9', ['clientError']]) },
  );
}

function queryArb(spec: RouteSpec): fc.Arbitrary<[string, string[]]> {
  const keys = Object.keys(spec.query ?? {});
  const known: fc.Arbitrary<[string, string, string[]][]> = keys.length
    ? fc
        .subarray(keys)
        .chain((ks) =>
          ks.length
            ? fc.tuple(...ks.map((k) => queryValueArb(spec.query![k]).map(([v, t]): [string, string, string[]] => [k, v, t])))
            : fc.constant([]),
        )
    : fc.constant([]);
  const extra = fc.oneof(
    { weight: 4, arbitrary: fc.constant<[string, string, string[]][]>([]) },
    {
      weight: 1,
      arbitrary: fc.array(
        fc
          .tuple(fc.constantFrom(...EXTRA_QUERY_KEYS), queryValueArb(['yes', '1']))
          .map(([k, [v, t]]): [string, string, string[]] => [pct(k), v, t]),
        { minLength: 1, maxLength: 3 },
      ),
    },
  );
  return fc.tuple(known, extra, fc.boolean(), fc.nat({ max: 9 })).map(([kn, ex, dup, form]) => {
    const pairs = [...kn, ...ex];
    if (dup && pairs.length) pairs.push(pairs[0]);
    // form 0 sends keys without values: the values' tags do not apply then
    const tags = form === 0 ? [] : pairs.flatMap(([k, v, t]) => (k === 'offset' && /^\d{19,}$/.test(v) ? [...t, 'hugeOffset'] : t));
    if (!pairs.length) return ['', tags];
    // a few query strings in odd shapes: key without value, trailing &, leading &
    const text = pairs.map(([k, v]) => (form === 0 ? k : `${k}=${v}`)).join('&');
    return [`?${form === 1 ? `&${text}&` : text}`, tags];
  });
}

interface BodyPlan {
  certain: boolean;
  tags: string[];
  text?: string | Buffer;
}

function bodyArb(spec: RouteSpec): fc.Arbitrary<BodyPlan> {
  const raw = fc.constantFrom(...RAW_BODIES).map(([text, certain]): BodyPlan => ({
    text,
    certain,
    tags: ['raw', ...(text.length >= 100_000 && String(text).startsWith('[') ? ['deepNesting'] : [])],
  }));
  if (!spec.body) {
    // routes without a body: a body is ignored, but must not break the parser either
    return fc.oneof(
      { weight: 6, arbitrary: fc.constant<BodyPlan>({ certain: false, tags: [] }) },
      { weight: 1, arbitrary: raw.map((b) => ({ ...b, certain: false })) },
      { weight: 1, arbitrary: hostileNode.map((n): BodyPlan => ({ text: emit(n), certain: false, tags: ['hostileJson'] })) },
    );
  }
  const template = spec.body;
  const mutated = fc
    .tuple(
      fc.nat(),
      fc.oneof(
        { weight: 7, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 1 }) },
        { weight: 3, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 3 }) },
      ),
    )
    .map(([n, ms]): BodyPlan => {
      const root = toNode(template(n));
      const results = ms.map((m) => applyMutation(root, m));
      // with several mutations a later one may undo an earlier one: certain only for a single one
      return { text: emit(root), certain: ms.length === 1 && results[0].certain, tags: results.flatMap((r) => r.tags) };
    });
  return fc.oneof(
    { weight: 4, arbitrary: fc.nat().map((n): BodyPlan => ({ text: JSON.stringify(template(n)), certain: false, tags: ['valid'] })) },
    { weight: 10, arbitrary: mutated },
    { weight: 2, arbitrary: raw },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ certain: false, tags: ['noBody'] }) },
  );
}

// ---------------------------------------------------------------------------------------------
// Forms: what a forged back-channel logout could carry. None of these is a valid logout token (the
// service trusts only its provider's keys, and none is made here), so none may be accepted.
// ---------------------------------------------------------------------------------------------
const b64url = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };
const forgedLogoutToken = fc
  .record({
    header: fc.constantFrom<unknown>({ alg: 'none' }, { alg: 'RS256', kid: 'x' }, { alg: 'HS256', typ: 'logout+jwt' }, {}, '{', []),
    claims: fc.constantFrom<unknown>(
      { iss: 'https://evil.example.org', aud: 'approdo-pages', iat: 1, jti: 'j', events: EVENT, sub: 'admin' },
      { iss: 'http://127.0.0.1:1/oidc', aud: ['approdo-pages'], jti: "' OR 1=1--", events: EVENT, sid: '\u0000' },
      { events: EVENT, sid: 'x'.repeat(5000) },
      '{"__proto__":{"sub":"admin"},"constructor":{"prototype":{"polluted":"yes"}},"events":{}}',
      '[]',
      'not json',
    ),
    signature: fc.constantFrom('', 'abc', 'A'.repeat(342), '%00', '..'),
  })
  .map(({ header, claims, signature }) => `${b64url(header)}.${b64url(claims)}.${signature}`);
const formValue = fc.oneof(
  { weight: 6, arbitrary: forgedLogoutToken },
  { weight: 4, arbitrary: hostileString.map(pct) },
  { weight: 1, arbitrary: fc.constantFrom('', 'a.b.c', 'x'.repeat(20_000), '%zz', '%00', '%ED%A0%80', '+', '%2B%2B') },
);
const FORM_KEYS = [
  'logout_token',
  'logout_token',
  'logout_token',
  '__proto__',
  'logout_token[]',
  'constructor[prototype][polluted]',
  '',
  'LOGOUT_TOKEN',
];
function formBodyArb(): fc.Arbitrary<BodyPlan> {
  const pairs = fc.array(fc.tuple(fc.constantFrom(...FORM_KEYS), formValue), { minLength: 0, maxLength: 3 });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: pairs.map((ps): BodyPlan => ({ text: ps.map(([k, v]) => `${pct(k)}=${v}`).join('&'), certain: true, tags: ['form'] })),
    },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES).map(([text]): BodyPlan => ({ text, certain: true, tags: ['raw'] })) },
    { weight: 1, arbitrary: fc.constant<BodyPlan>({ certain: true, tags: ['noBody'] }) },
  );
}
const formContentType = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8') },
  { weight: 2, arbitrary: fc.constantFrom(...JSON_TYPES, ...OTHER_TYPES) },
);

const hasNul = (b: string | Buffer | undefined) =>
  b !== undefined && (Buffer.isBuffer(b) ? b.includes(0) : b.includes('\u0000') || /\\u0000/i.test(b));

const EXTRA_HEADERS: [Record<string, string>, string[]][] = [
  [{ 'x-forwarded-for': "' OR 1=1--" }, []],
  [{ 'x-forwarded-for': '127.0.0.1, 10.0.0.1' }, []],
  [{ 'x-http-method-override': 'DELETE' }, []],
  [{ accept: 'application/xml' }, []],
  [{ accept: 'text/html;q=0.9, */*;q=0.1' }, []],
  [{ 'accept-encoding': 'gzip, br, zstd' }, []],
  [{ origin: 'https://evil.example' }, []],
  [{ 'content-encoding': 'gzip' }, []],
  [{ 'x-request-id': "'; DROP TABLE audit_log;--" }, []],
  [{ cookie: 'session=' + 'a'.repeat(4000) }, []],
  [{ 'x-big': 'a'.repeat(17_000) }, ['clientError']],
  [{ 'transfer-encoding': 'chunked' }, ['clientError']],
];

function requestArb(specs: RouteSpec[], callers: Caller[], ids: string[]): fc.Arbitrary<HostileRequest> {
  const group = (g: Caller['group']) => fc.constantFrom(...callers.filter((c) => c.group === g));
  const callerArb = fc.oneof(
    { weight: 14, arbitrary: group('role') },
    { weight: 3, arbitrary: group('garbage') },
    { weight: 3, arbitrary: group('claims') },
  );
  return fc.constantFrom(...specs).chain((spec) =>
    fc
      .record({
        caller: callerArb,
        params: fc.array(paramArb(ids, spec.pattern.includes(':code')), { minLength: 2, maxLength: 2 }),
        query: spec.query
          ? queryArb(spec)
          : fc.oneof(
              { weight: 5, arbitrary: fc.constant<[string, string[]]>(['', []]) },
              { weight: 1, arbitrary: queryArb({ ...spec, query: {} }) },
            ),
        body: spec.form ? formBodyArb() : bodyArb(spec),
        contentType: spec.form ? formContentType : contentType,
        method: fc.oneof(
          { weight: 19, arbitrary: fc.constant(spec.method) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD') },
        ),
        extraHeaders: fc.oneof(
          { weight: 12, arbitrary: fc.constant<[Record<string, string>, string[]]>([{}, []]) },
          { weight: 1, arbitrary: fc.constantFrom(...EXTRA_HEADERS) },
        ),
        idempotencyKey: fc.oneof(
          { weight: 3, arbitrary: fc.constant<string | undefined>(undefined) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              'key-00000001',
              'key-00000002',
              'short',
              "' OR 1=1--",
              'x'.repeat(5000),
              '\u00e9'.repeat(10),
              'key:with.colon-and_under',
            ),
          },
        ),
      })
      .map(({ caller, params, query, body, contentType: ct, method: chosenMethod, extraHeaders, idempotencyKey }): HostileRequest => {
        let i = 0;
        const paramTags: string[] = [];
        const path = spec.pattern.replace(/:([A-Za-z]+)/g, () => {
          const [text, t] = params[i++ % params.length];
          paramTags.push(...t);
          return text;
        });
        const headers: Record<string, string> = { ...extraHeaders[0] };
        if (caller.authorization !== undefined) headers.authorization = caller.authorization;
        if (caller.apiKey !== undefined) headers['x-api-key'] = caller.apiKey;
        if (body.text !== undefined && ct !== '') headers['content-type'] = ct;
        const keyInvalid = idempotencyKey !== undefined && !/^[A-Za-z0-9_.:-]{8,128}$/.test(idempotencyKey);
        if (spec.idempotency && idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey;
        const tags = [...body.tags, ...query[1], ...paramTags, ...extraHeaders[1], ...caller.tags];
        // Fastify answers a request line it cannot parse with a body even to HEAD, which no client can frame
        const method = chosenMethod === 'HEAD' && tags.includes('clientError') ? 'GET' : chosenMethod;
        if (hasNul(body.text)) tags.push('nul');
        if (lacksRequiredNested(`${spec.method} ${spec.pattern}`, headers['content-type'], body.text)) tags.push('missingNested');
        if (method !== spec.method) tags.push('wrongMethod');
        const jsonBody = JSON_TYPES.includes(ct);
        // a form route's every body here is a forgery: certain, whatever its content type
        const certain =
          method === spec.method && ((body.certain && (jsonBody || spec.form === true)) || (spec.idempotency === true && keyInvalid));
        const r: HostileRequest = {
          route: `${spec.method} ${spec.pattern}`,
          caller: caller.label,
          method,
          path: path + query[0],
          headers,
          body: body.text,
          fresh: tags.includes('clientError'),
          tags: [...new Set(tags)],
          certain,
        };
        return Object.assign(r, { [fc.toStringMethod]: () => describe_(r) });
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// Judging one answer
// ---------------------------------------------------------------------------------------------
function violationsOf(r: HostileRequest, a: RawResponse): { kind: ViolationKind; detail: string }[] {
  const out: { kind: ViolationKind; detail: string }[] = [];
  if (a.status === 0) return [{ kind: 'no_answer', detail: a.text }];
  if (a.status >= 500) out.push({ kind: '5xx', detail: `status ${a.status}` });
  if (a.status >= 400 && r.method !== 'HEAD') {
    let body: { statusCode?: unknown; code?: unknown } | undefined;
    try {
      body = JSON.parse(a.text);
    } catch {
      body = undefined;
    }
    if (!body || typeof body !== 'object' || body.statusCode !== a.status || typeof body.code !== 'string' || !body.code)
      out.push({ kind: 'shape', detail: 'error body without statusCode/code' });
    else if (!/^[a-z][a-z0-9_]*$/.test(body.code)) out.push({ kind: 'code_format', detail: `code ${JSON.stringify(body.code)}` });
  }
  const leaks = leaksIn(a.text);
  if (leaks.length) out.push({ kind: 'leak', detail: `answer contains ${leaks.map((l) => JSON.stringify(l)).join(', ')}` });
  if (r.certain && a.status >= 200 && a.status < 300)
    out.push({ kind: 'accepted_malformed', detail: `malformed input accepted with ${a.status}` });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution: own keys of the prototypes of both realms (Jest's VM context and Node's)
// ---------------------------------------------------------------------------------------------
const nodeObjectPrototype = Object.getPrototypeOf(EventEmitter.prototype) as object;
const watchedPrototypes: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ...(nodeObjectPrototype !== Object.prototype ? ([['Object.prototype (node realm)', nodeObjectPrototype]] as [string, object][]) : []),
];
const prototypeSnapshot = () => Object.fromEntries(watchedPrototypes.map(([name, p]) => [name, Reflect.ownKeys(p).map(String).sort()]));
const POLLUTION_KEYS = ['polluted', 'role', 'isAdmin', 'a', 'x'];

// ---------------------------------------------------------------------------------------------

describe('hostile input: 10,000+ malformed and hostile requests on every route, as every role', () => {
  let t: TestApp;
  let client: RawClient;
  let F: Fixtures;
  const prototypesBefore = prototypeSnapshot();

  beforeAll(async () => {
    // the configuration accepts at most 10,000,000 (RATE_LIMIT_PER_MINUTE); 10,240 requests stay far below
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '10000000' });
    client = await RawClient.listen(t.app, BATCH);
    const admin = bearer(t.token(principals.admin()));
    const uor = bearer(t.token(principals.uor('07')));
    const places = [
      { kind: 'adult' as const, total: 6 },
      { kind: 'mother_child' as const, total: 2, childCapacity: 2 },
      { kind: 'minor' as const, total: 2 },
    ];
    const facility = async (o: Parameters<typeof aFacility>[0]) => {
      const res = await t
        .http()
        .post('/api/v1/facilities')
        .set(admin)
        .send(aFacility({ places, ...o }));
      expect(res.status).toBe(201);
      await t.http().post(`/api/v1/facilities/${res.body.id}/availability/confirm`).set(admin).expect(200);
      return res.body.id as string;
    };
    const fGE = await facility({ provinceCode: 'GE', secretAddress: true, location: { lat: 44.41, lon: 8.93 } });
    const fSP = await facility({ provinceCode: 'SP' });
    const fLU = await facility({ provinceCode: 'LU', type: 'high_intensity_community' });
    const request = async () => {
      const res = await t.http().post('/api/v1/placement-requests').set(uor).send(aRequest());
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const propose = async (requestId: string, facilityId: string) => {
      const res = await t.http().post(`/api/v1/placement-requests/${requestId}/proposals`).set(uor).send({ facilityId });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const [r1, r2, r3] = [await request(), await request(), await request()];
    const pPending = await propose(r1, fSP);
    const pAdmitted = await propose(r2, fGE);
    await t.http().post(`/api/v1/proposals/${pAdmitted}/accept`).set(admin).expect(200);
    const admitted = await t.http().post(`/api/v1/proposals/${pAdmitted}/admit`).set(admin).expect(200);
    const pPendingGE = await propose(r3, fGE);
    const [outbox] = await t.sql<{ id: string }>('SELECT id FROM outbox LIMIT 1');
    F = { fGE, fSP, fLU, r1, r2, r3, pPending, pAdmitted, pPendingGE, placement: admitted.body.placementId, outbox: outbox.id };
  });

  afterAll(async () => {
    client?.close();
    await t?.close();
  });

  /** A key of an active member with this role and scope (revoked at once when asked). */
  async function keyOf(p: Omit<Principal, 'sub'>, revoked = false): Promise<string> {
    const [{ id }] = await t.sql<{ id: string }>(
      `INSERT INTO member (id, email, role, region_code, facility_ids, status, issuer, subject, invited_by, created_at, updated_at)
       VALUES (gen_random_uuid(), 'k.' || gen_random_uuid() || '@example.org', $1, $2, $3::uuid[], 'active', 'https://id.example.org',
               gen_random_uuid()::text, 'test', now(), now()) RETURNING id`,
      [p.role, p.region ?? null, p.facilities],
    );
    const keys = t.app.get(ApiKeysService);
    const made = await keys.create({ ...p, sub: id, via: 'session' }, { name: 'fuzz' });
    if (revoked) await keys.revoke({ ...p, sub: id }, made.id);
    return made.key;
  }

  it('malformed, truncated, oversized, unknown and revoked API keys: 400, 401 or 431, never 5xx, never echoed', async () => {
    const good = await keyOf({ role: 'admin', facilities: [] });
    const revoked = await keyOf({ role: 'admin', facilities: [] }, true);
    const variants = [
      good.slice(0, -1),
      good.slice(0, 20),
      `${good}x`,
      'apk_',
      'apk',
      `apk_${'A'.repeat(43)}`,
      `apk_${'A'.repeat(9000)}`,
      `apk_${'A'.repeat(20_000)}`,
      `apk_${good.slice(4).replace(/[A-Za-z]/, '.')}`,
      `apk_${good.slice(4, 46)}=`,
      `APK_${good.slice(4)}`,
      `${good} ${good}`,
      `${good},${good}`,
      good.replace('apk_', 'apk-'),
      revoked,
      "apk_'; DROP TABLE api_key;--",
      `apk_${'%00'.repeat(14)}`,
    ];
    const answers: { how: string; key: string; status: number; text: string }[] = [];
    for (const key of variants)
      for (const [how, headers] of [
        ['bearer', { authorization: `Bearer ${key}` }],
        ['x-api-key', { 'x-api-key': key }],
      ] as [string, Record<string, string>][])
        for (const path of ['/api/v1/regions', '/api/v1/api-keys', `/api/v1/facilities/${F.fGE}`]) {
          const a = await client.send({ method: 'GET', path, headers, fresh: key.length > 8000 });
          answers.push({ how, key: key.slice(0, 30), status: a.status, text: a.text });
        }
    const bad = answers.filter((a) => ![400, 401, 431].includes(a.status));
    expect(bad.map(({ how, key, status }) => ({ how, key, status }))).toEqual([]);
    for (const a of answers) {
      expect(a.text).not.toContain(good.slice(4));
      expect(JSON.parse(a.text)).toMatchObject({ statusCode: a.status, code: expect.stringMatching(/^[a-z_]+$/) });
    }
    // the control: the good key gets in on both headers
    for (const headers of [{ authorization: `Bearer ${good}` }, { 'x-api-key': good }] as Record<string, string>[])
      expect((await client.send({ method: 'GET', path: '/api/v1/regions', headers })).status).toBe(200);
  });

  it('never answers 5xx, always answers the error shape, never leaks, never accepts what is certainly malformed, never pollutes prototypes', async () => {
    const secret = t.config.jwt.secret!;
    const sign = (claims: object) => jwt.sign(claims, secret, { expiresIn: '2h' });
    const tokenOf = (p: Principal) => t.token(p);
    const adminToken = tokenOf(principals.admin());
    const managerGE: Principal = { ...principals.manager(F.fGE), sub: 'manager-ge' };
    const inOneHour = Math.floor(Date.now() / 1000) + 3600;
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    // API keys (issue 34): real ones of members, and malformed, truncated, oversized, unknown and revoked ones
    const keys = {
      uor: await keyOf({ role: 'uor', region: '07', facilities: [] }),
      manager: await keyOf({ role: 'shelter_manager', facilities: [F.fGE] }),
      revoked: await keyOf({ role: 'admin', facilities: [] }, true),
    };
    const body43 = keys.uor.slice(4);
    const callers: Caller[] = [
      // the roles
      { label: 'admin', group: 'role', authorization: `Bearer ${adminToken}`, tags: [] },
      { label: 'uor 07', group: 'role', authorization: `Bearer ${tokenOf(principals.uor('07'))}`, tags: [] },
      { label: 'uor 09', group: 'role', authorization: `Bearer ${tokenOf(principals.uor('09'))}`, tags: [] },
      { label: 'manager of GE', group: 'role', authorization: `Bearer ${tokenOf(managerGE)}`, tags: [] },
      { label: 'national', group: 'role', authorization: `Bearer ${tokenOf(principals.national())}`, tags: [] },
      { label: 'anonymous', group: 'role', tags: [] },
      { label: 'uor 07 by API key (Bearer)', group: 'role', authorization: `Bearer ${keys.uor}`, tags: [] },
      { label: 'manager of GE by X-Api-Key', group: 'role', apiKey: keys.manager, tags: [] },
      // API keys that must never get in (401), whatever route
      { label: 'truncated API key', group: 'garbage', authorization: `Bearer ${keys.uor.slice(0, -1)}`, tags: [] },
      { label: 'API key one character long', group: 'garbage', apiKey: `${keys.uor}A`, tags: [] },
      { label: 'API key prefix only', group: 'garbage', apiKey: 'apk_', tags: [] },
      { label: 'oversized API key', group: 'garbage', authorization: `Bearer apk_${'A'.repeat(8000)}`, tags: [] },
      { label: 'oversized X-Api-Key', group: 'garbage', apiKey: `apk_${'A'.repeat(12_000)}`, tags: [] },
      { label: 'API key of other characters', group: 'garbage', apiKey: `apk_${'!$%&'.repeat(11).slice(0, 43)}`, tags: [] },
      { label: 'API key upper-case prefix', group: 'garbage', apiKey: `APK_${body43}`, tags: [] },
      { label: 'API key with spaces', group: 'garbage', apiKey: ` ${keys.uor} `, tags: [] },
      { label: 'API key, SQL', group: 'garbage', apiKey: "apk_' OR 1=1--", tags: [] },
      { label: 'API key latin1', group: 'garbage', apiKey: `apk_${'\u00e9'.repeat(43)}`, tags: [] },
      { label: 'unknown API key', group: 'garbage', authorization: `Bearer apk_${body43.split('').reverse().join('')}`, tags: [] },
      { label: 'revoked API key', group: 'garbage', apiKey: keys.revoked, tags: [] },
      { label: 'API key and token at once', group: 'garbage', authorization: `Bearer ${adminToken}`, apiKey: keys.uor, tags: [] },
      { label: 'two API keys', group: 'garbage', apiKey: `${keys.uor}, ${keys.manager}`, tags: [] },
      // garbage
      { label: 'garbage token', group: 'garbage', authorization: 'Bearer garbage', tags: [] },
      { label: 'three dots', group: 'garbage', authorization: 'Bearer a.b.c', tags: [] },
      { label: 'basic auth', group: 'garbage', authorization: 'Basic YWRtaW46YWRtaW4=', tags: [] },
      { label: 'huge token', group: 'garbage', authorization: `Bearer ${'A'.repeat(6000)}`, tags: [] },
      { label: 'lower-case scheme', group: 'garbage', authorization: `bearer ${adminToken}`, tags: [] },
      { label: 'no scheme', group: 'garbage', authorization: adminToken, tags: [] },
      { label: 'double space', group: 'garbage', authorization: `Bearer  ${adminToken}`, tags: [] },
      { label: 'two tokens', group: 'garbage', authorization: `Bearer ${adminToken}, Bearer ${adminToken}`, tags: [] },
      { label: 'tampered', group: 'garbage', authorization: `Bearer ${adminToken.slice(0, -3)}abc`, tags: [] },
      {
        label: 'alg none',
        group: 'garbage',
        authorization: `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', exp: inOneHour })}.`,
        tags: [],
      },
      {
        label: 'other secret',
        group: 'garbage',
        authorization: `Bearer ${jwt.sign({ role: 'admin' }, 'another-secret-that-is-long-enough-0000000', { subject: 'x', expiresIn: '1h' })}`,
        tags: [],
      },
      {
        label: 'expired',
        group: 'garbage',
        authorization: `Bearer ${jwt.sign({ sub: 'x', role: 'admin', exp: inOneHour - 7200 }, secret)}`,
        tags: [],
      },
      { label: 'latin1 token', group: 'garbage', authorization: 'Bearer \u00e9\u00e8', tags: [] },
      // validly signed, hostile claims
      { label: 'admin with an SQL sub', group: 'claims', authorization: `Bearer ${sign({ sub: "' OR 1=1--", role: 'admin' })}`, tags: [] },
      {
        label: 'admin with a bidi sub',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: '\u202Eadmin\u200B', role: 'admin' })}`,
        tags: [],
      },
      {
        label: 'admin with a 3 KB sub',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'x'.repeat(3000), role: 'admin' })}`,
        tags: [],
      },
      {
        label: 'admin with a NUL sub',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'admin\u0000', role: 'admin' })}`,
        tags: ['nul'],
      },
      {
        label: 'uor with a NUL e-mail',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'uor-nul', role: 'uor', region: '07', email: 'a\u0000@example.org' })}`,
        tags: ['nul'],
      },
      {
        label: 'uor with a header-injection e-mail',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'uor-crlf', role: 'uor', region: '07', email: 'uor@example.org\r\nBcc: evil@example.org' })}`,
        tags: [],
      },
      {
        label: 'manager with an SQL facility',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'm', role: 'shelter_manager', facilities: [F.fGE, "' OR 1=1--"] })}`,
        tags: [],
      },
      {
        label: 'manager with facilities as text',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'm2', role: 'shelter_manager', facilities: F.fGE })}`,
        tags: [],
      },
      { label: 'role ADMIN', group: 'claims', authorization: `Bearer ${sign({ sub: 'x', role: 'ADMIN' })}`, tags: [] },
      {
        label: 'uor with an SQL region',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'x', role: 'uor', region: "07' OR '1'='1" })}`,
        tags: [],
      },
      {
        label: 'uor with Arabic-Indic digits',
        group: 'claims',
        authorization: `Bearer ${sign({ sub: 'x', role: 'uor', region: '٠٧' })}`,
        tags: [],
      },
      {
        label: 'role in __proto__',
        group: 'claims',
        authorization: `Bearer ${jwt.sign(`{"sub":"p","__proto__":{"role":"admin"},"exp":${inOneHour}}`, secret)}`,
        tags: [],
      },
      {
        label: 'admin with constructor.prototype',
        group: 'claims',
        authorization: `Bearer ${jwt.sign(`{"sub":"c","role":"admin","constructor":{"prototype":{"polluted":"yes"}},"__proto__":{"polluted":"yes"},"exp":${inOneHour}}`, secret)}`,
        tags: [],
      },
      {
        label: 'exp as text',
        group: 'claims',
        authorization: `Bearer ${jwt.sign(`{"sub":"e","role":"admin","exp":"${inOneHour}"}`, secret)}`,
        tags: [],
      },
    ];

    // every route of the OpenAPI document is exercised; routes added since this file was written get generic input
    const doc = JSON.parse((await client.send({ method: 'GET', path: '/api/docs-json' })).text) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const openApiRoutes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${fromOpenApi(path)}`),
    );
    const specs = routeSpecs(F);
    const described = new Set(specs.map((s) => `${s.method} ${s.pattern}`));
    const undescribed = openApiRoutes.filter((r) => !described.has(r));
    for (const r of undescribed) {
      const [method, pattern] = r.split(' ');
      specs.push({ method, pattern, generic: true, body: ['POST', 'PUT', 'PATCH'].includes(method) ? () => ({}) : undefined });
    }
    if (undescribed.length)
      console.log(`routes in the OpenAPI document not described in this file (generic input): ${undescribed.join(', ')}`);
    expect(openApiRoutes.length).toBeGreaterThanOrEqual(30);

    const ids = [F.fGE, F.fSP, F.fLU, F.r1, F.r2, F.r3, F.pPending, F.pAdmitted, F.pPendingGE, F.placement, F.outbox];
    const arb = requestArb(specs, callers, ids);

    const statuses = new Map<number, number>();
    const perRoute = new Map<string, number>();
    const known = new Map<string, { n: number; example: string }>();
    const latencies: { ms: number; r: HostileRequest; status: number }[] = [];
    let sent = 0;

    const send = async (r: HostileRequest): Promise<RawResponse> => {
      try {
        return await client.send({ method: r.method, path: r.path, headers: r.headers, body: r.body, fresh: r.fresh });
      } catch (e) {
        return { status: 0, headers: {}, text: `${(e as Error).message}`, ms: 0 };
      }
    };

    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(fc.array(arb, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
        const answers = await Promise.all(batch.map(send));
        const problems: string[] = [];
        batch.forEach((r, i) => {
          const a = answers[i];
          sent++;
          statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
          if (!r.tags.includes('wrongMethod')) perRoute.set(r.route, (perRoute.get(r.route) ?? 0) + 1);
          latencies.push({ ms: a.ms, r, status: a.status });
          for (const v of violationsOf(r, a)) {
            const defect = KNOWN_DEFECTS.find((d) => d.explains(r, a, v.kind));
            if (defect) {
              const k = known.get(defect.id) ?? { n: 0, example: `${describe_(r)}\n      → ${a.status} ${short(a.text, 200)}` };
              k.n++;
              known.set(defect.id, k);
            } else problems.push(`${v.kind}: ${v.detail}\n    request: ${describe_(r)}\n    answer:  ${a.status} ${short(a.text, 400)}`);
          }
        });
        if (problems.length) throw new Error(problems.join('\n'));
      }),
      { seed: SEED, numRuns: RUNS, plugins: [fc.interruptAfterTimeLimit(TIME_LIMIT_MS, { failOnInterrupt: true })] },
    );
    const elapsed = Date.now() - started;

    // ---- the report
    const sorted = [...latencies].sort((x, y) => x.ms - y.ms);
    const pctile = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].ms);
    const lines = [
      `hostile input: ${sent} requests in ${(elapsed / 1000).toFixed(1)} s (${Math.round(sent / (elapsed / 1000))}/s), ${BATCH} at a time, seed ${SEED}`,
      `status distribution: ${[...statuses.entries()]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${s}: ${n}`)
        .join(', ')}`,
      `latency ms: p50 ${pctile(0.5)}, p95 ${pctile(0.95)}, p99 ${pctile(0.99)}, max ${Math.round(sorted[sorted.length - 1].ms)}`,
      `slowest: ${sorted
        .slice(-3)
        .reverse()
        .map((l) => `${Math.round(l.ms)} ms ${l.status} ${l.r.route} [${l.r.tags.join(',')}]`)
        .join(' | ')}`,
      `requests per route: ${[...perRoute.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([r, n]) => `${r}: ${n}`)
        .join(', ')}`,
      'known defects (tolerated, reported):',
      ...KNOWN_DEFECTS.map((d) => {
        const k = known.get(d.id);
        return k
          ? `  ${d.id}: ${k.n} answers. ${d.what}\n    e.g. ${k.example}`
          : `  ${d.id}: no longer reproduces in this run; remove it from KNOWN_DEFECTS if fixed`;
      }),
    ];
    console.log(lines.join('\n'));

    expect(sent).toBeGreaterThanOrEqual(10_000);
    expect(statuses.get(0) ?? 0).toBe(0);
    // every route of the OpenAPI document was called (with its own method)
    expect(openApiRoutes.filter((r) => (perRoute.get(r) ?? 0) < 50)).toEqual([]);
    // and so was the provider's back-channel logout, which the document leaves out
    expect(perRoute.get('POST /auth/backchannel-logout') ?? 0).toBeGreaterThanOrEqual(50);
    expect(perRoute.get('GET /auth/logout/provider') ?? 0).toBeGreaterThanOrEqual(50);

    // no prototype gained a property, and a fresh object of either realm inherits nothing new
    expect(prototypeSnapshot()).toEqual(prototypesBefore);
    for (const key of POLLUTION_KEYS) {
      expect(({} as Record<string, unknown>)[key]).toBeUndefined();
      expect((Object.create(nodeObjectPrototype) as Record<string, unknown>)[key]).toBeUndefined();
      expect(([] as unknown as Record<string, unknown>)[key]).toBeUndefined();
    }

    // the service still works, its tables are all there and the fixtures still read
    const health = await client.send({ method: 'GET', path: '/health' });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', database: { status: 'up' } });
    const list = await client.send({
      method: 'GET',
      path: '/api/v1/facilities?limit=5',
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(list.status).toBe(200);
    expect(JSON.parse(list.text).items.length).toBeGreaterThan(0);
    const detail = await client.send({
      method: 'GET',
      path: `/api/v1/facilities/${F.fSP}`,
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(detail.status).toBe(200);
    const tables = await t.sql<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`,
    );
    expect(tables.map((x) => x.table_name)).toEqual(
      expect.arrayContaining([
        'facility',
        'facility_place',
        'place_hold',
        'availability_event',
        'audit_log',
        'placement_request',
        'proposal',
        'placement',
        'outbox',
        'region',
        'province',
      ]),
    );
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM province'))[0].n).toBe(107);
    expect((await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n).toBeGreaterThan(0);
  }, 300_000);
});
