import { tokenMatches } from './metrics.service.js';

describe('tokenMatches', () => {
  const token = 'scrape-token-0123456789';
  it.each([
    [`Bearer ${token}`, true],
    [`Bearer ${token}x`, false],
    [`Bearer ${token.slice(0, -1)}`, false],
    [`bearer ${token}`, false],
    [token, false],
    ['Bearer ', false],
    [undefined, false],
  ])('%j → %s', (header, expected) => expect(tokenMatches(header, token)).toBe(expected));
});
