import { bodyKind, mediaTypeOf } from './body-parsers.js';

describe('mediaTypeOf', () => {
  it.each([
    [undefined, ''],
    ['', ''],
    ['application/json', 'application/json'],
    ['Application/JSON; charset=utf-8', 'application/json'],
    [' text/csv ;header=present', 'text/csv'],
  ])('%j → %j', (header, expected) => expect(mediaTypeOf(header)).toBe(expected));
});

describe('bodyKind', () => {
  it.each([
    ['application/json', 0, false, 'empty'],
    ['text/plain', 0, false, 'empty'],
    ['', 0, false, 'empty'],
    ['application/json', 2, false, 'json'],
    ['application/merge-patch+json', 2, false, 'json'],
    ['application/jsonx', 2, false, 'unsupported'],
    ['text/plain', 2, false, 'unsupported'],
    ['application/x-www-form-urlencoded', 2, false, 'unsupported'],
    ['', 2, false, 'unsupported'],
    ['text/csv', 2, false, 'unsupported'],
    ['text/csv', 2, true, 'csv'],
    ['application/csv', 2, true, 'csv'],
    ['application/json', 2, true, 'json'],
    ['text/plain', 2, true, 'unsupported'],
  ] as const)('%s, %d bytes, csv route %s → %s', (type, length, csv, expected) => expect(bodyKind(type, length, csv)).toBe(expected));

  it.each([
    ['application/x-www-form-urlencoded', 2, true, 'form'],
    ['application/x-www-form-urlencoded', 0, true, 'empty'],
    ['application/x-www-form-urlencoded', 2, false, 'unsupported'],
    ['application/json', 2, true, 'json'],
    ['text/csv', 2, true, 'unsupported'],
    ['multipart/form-data', 2, true, 'unsupported'],
  ] as const)('%s, %d bytes, form route %s → %s', (type, length, form, expected) =>
    expect(bodyKind(type, length, false, form)).toBe(expected),
  );
});
