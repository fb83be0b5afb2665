import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { DomainError } from './errors/domain-error.js';

const MAX_DEPTH = 32;
// Object.prototype's own names too (toString, valueOf, hasOwnProperty...): class-validator's
// whitelist looks names up in a plain object, so these would pass as "known" properties
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype', ...Object.getOwnPropertyNames(Object.prototype)]);

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
        if (v.includes('\u0000')) throw new DomainError(400, 'invalid_characters', 'text may not contain NUL characters');
        continue;
      }
      if (!v || typeof v !== 'object') continue;
      if (depth > MAX_DEPTH) throw new DomainError(400, 'too_deep', `input nested deeper than ${MAX_DEPTH} levels`);
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) throw new DomainError(400, 'validation_failed', `property ${key} is not allowed`, { fields: [{ field: key, problems: ['not allowed'] }] });
        if (key.includes('\u0000')) throw new DomainError(400, 'invalid_characters', 'text may not contain NUL characters');
        stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1 });
      }
    }
    return value;
  }
}
