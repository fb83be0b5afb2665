import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock.js';
import { invalidInput, ruleBroken } from '../../domain/errors.js';
import type { SqlPart } from '../../database/sql-parts.js';
import type { Tx } from '../../database/transactions.repository.js';
import { type Claim, IdempotencyRepository } from './idempotency.repository.js';

/** Who retries: a key belongs to one caller (the principal's `sub`). */
type Caller = { sub: string };

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/** JSON with sorted keys: the same body sent with its fields in another order is the same body. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v ?? null);
}

/**
 * Idempotency-Key: per caller, per scope; a retry replays the first outcome. Creating POSTs replay
 * the id they created (`once`); changes that create nothing (the bed board's saves, replayed after
 * a phone was offline) replay their first answer (`answerOnce`).
 */
@Injectable()
export class IdempotencyService {
  constructor(
    private readonly repo: IdempotencyRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Runs `create` once per key inside `tx` and returns the id it created, or, on a retry, the id
   * the first call created (`replayed: true`). Without a key, simply runs `create`.
   */
  async once(
    tx: Tx,
    p: Caller,
    scope: string,
    key: string | undefined,
    body: unknown,
    create: () => Promise<string>,
  ): Promise<{ id: string; replayed: boolean }> {
    if (key === undefined) return { id: await create(), replayed: false };
    const hash = this.hashOf(key, body);
    const claim = await this.repo.claim(tx, p.sub, scope, key, hash, this.clock.now());
    if (!claim.fresh) return { id: this.replayed(claim, hash), replayed: true };
    const id = await create();
    await this.repo.complete(tx, p.sub, scope, key, id);
    return { id, replayed: false };
  }

  /**
   * Runs `change` once per key inside `tx` and returns its answer, or, on a retry, the first
   * answer as it was then (a later change by someone else does not alter it). A change that failed
   * rolled its claim back with it: its retry runs again (and meets the same conflict, if any).
   */
  async answerOnce<T>(tx: Tx, p: Caller, scope: string, key: string | undefined, body: unknown, change: () => Promise<T>): Promise<T> {
    if (key === undefined) return change();
    const hash = this.hashOf(key, body);
    const claim: Claim = await this.repo.claim(tx, p.sub, scope, key, hash, this.clock.now());
    if (!claim.fresh) {
      if (claim.bodyHash !== hash || claim.answer === null)
        throw ruleBroken('idempotency_key_reused', 'this Idempotency-Key was used with another body');
      return claim.answer as T;
    }
    const answer = await change();
    await this.repo.completeWithAnswer(tx, p.sub, scope, key, answer);
    return answer;
  }

  /**
   * `once` in parts, for a unit of work whose calls with one scope are serialised by a row lock it
   * took before (a proposal's request): `lookup` is read after that lock with the unit's other
   * reads; `decide` gives the id to replay, or null to create `id` and write `claimed` with it.
   */
  inParts(p: Caller, scope: string, key: string, body: unknown) {
    const hash = this.hashOf(key, body);
    return {
      lookup: this.repo.findPart(p.sub, scope, key),
      decide: (found: { resourceId: string | null; bodyHash: string }[]): string | null =>
        found.length ? this.replayed(found[0], hash) : null,
      claimed: (id: string): SqlPart => this.repo.claimedPart(p.sub, scope, key, hash, this.clock.now(), id),
    };
  }

  private hashOf(key: string, body: unknown): string {
    if (!KEY.test(key))
      throw invalidInput('invalid_idempotency_key', 'Idempotency-Key must be 8-128 characters of letters, digits, _ . : -');
    return createHash('sha256').update(canonical(body)).digest('hex');
  }

  private replayed(claim: { resourceId: string | null; bodyHash: string }, hash: string): string {
    if (claim.bodyHash !== hash) throw ruleBroken('idempotency_key_reused', 'this Idempotency-Key was used with another body');
    if (!claim.resourceId) throw ruleBroken('idempotency_key_reused', 'the first call with this Idempotency-Key did not complete');
    return claim.resourceId;
  }
}
