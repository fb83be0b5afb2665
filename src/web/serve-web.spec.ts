import { acceptsEncoding } from './serve-web.js';

describe('acceptsEncoding', () => {
  test.each([
    ['gzip, deflate, br', 'br', true],
    ['gzip, deflate, br', 'gzip', true],
    ['gzip;q=1.0, br;q=0', 'br', false],
    ['BR', 'br', true],
    ['identity', 'gzip', false],
    [undefined, 'br', false],
    ['br;q=0.5', 'br', true],
    ['brotli', 'br', false],
  ])('%s accepts %s: %s', (header, coding, expected) => {
    expect(acceptsEncoding(header, coding)).toBe(expected);
  });
});
