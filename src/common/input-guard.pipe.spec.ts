import { DomainError } from '../domain/errors.js';
import { InputGuardPipe } from './input-guard.pipe.js';

const pipe = new InputGuardPipe();
const run = (v: unknown) => {
  try {
    pipe.transform(v, { type: 'body' });
    return 'ok';
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe('InputGuardPipe', () => {
  test.each([
    [{ caseCode: 'A-1', safety: { conflictTags: [] } }, 'ok'],
    [JSON.parse('{"__proto__": {"x": 1}}'), 'validation_failed'],
    [{ constructor: { prototype: {} } }, 'validation_failed'],
    [{ safety: { toString: 1 } }, 'validation_failed'],
    [{ person: { hasOwnProperty: 'x' } }, 'validation_failed'],
    [{ valueOf: 0 }, 'validation_failed'],
    [{ note: 'a\u0000b' }, 'invalid_characters'],
    [{ toStrings: 1 }, 'ok'],
  ])('%j → %s', (input, expected) => {
    expect(run(input)).toBe(expected);
  });
});
