import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from '../domain/errors.js';

const MAX_DEPTH = 32;
/** Prototype keys, and every member name of Object.prototype (`toString`, `hasOwnProperty`, …): the
 * validator's whitelist looks fields up in a plain object, where those names always "exist", so an
 * unknown `"toString": 1` would otherwise pass as a known field. */
const FORBIDDEN_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * Runs before validation on every body, query and parameter: refuses NUL characters (PostgreSQL
 * cannot store them), prototype keys, and nesting deep enough to overflow the transformer's stack.
 * Iterative, so hostile input cannot overflow this walker either.
 */
@Injectable()
export class InputGuardPipe implements PipeTransform {
  transform(value: unknown, meta: ArgumentMetadata): unknown {
    if (meta.type === 'custom') return value;
    const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
    while (stack.length) {
      const { v, depth } = stack.pop()!;
      if (typeof v === 'string') {
        if (v.includes('\u0000')) throw new DomainError('invalid_input', 'invalid_characters', 'text may not contain NUL characters');
        continue;
      }
      if (!v || typeof v !== 'object') continue;
      if (depth > MAX_DEPTH) throw new DomainError('invalid_input', 'too_deep', `input nested deeper than ${MAX_DEPTH} levels`);
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key))
          throw new DomainError('invalid_input', 'validation_failed', `property ${key} is not allowed`, {
            fields: [{ field: key, problems: ['not allowed'] }],
          });
        if (key.includes('\u0000')) throw new DomainError('invalid_input', 'invalid_characters', 'text may not contain NUL characters');
        stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
    return value;
  }
}
