import { randomBytes } from 'node:crypto';
import { AddressCipher } from './address-cipher.js';

describe('AddressCipher', () => {
  const cipher = new AddressCipher(randomBytes(32));

  it('round-trips text, including unicode', () => {
    for (const s of ['Via del Faro 1, Genova', '', 'Località Çà ñ 漢字 🏠']) expect(cipher.decrypt(cipher.encrypt(s))).toBe(s);
  });

  it('never stores the clear text and uses a fresh IV each time', () => {
    const a = cipher.encrypt('Via Segreta 7');
    const b = cipher.encrypt('Via Segreta 7');
    expect(a).not.toContain('Segreta');
    expect(Buffer.from(a.split(':')[3], 'base64').toString()).not.toContain('Segreta');
    expect(a).not.toBe(b);
  });

  it('detects tampering', () => {
    const parts = cipher.encrypt('Via Segreta 7').split(':');
    const ct = Buffer.from(parts[3], 'base64');
    ct[0] ^= 1;
    parts[3] = ct.toString('base64');
    expect(() => cipher.decrypt(parts.join(':'))).toThrow();
  });

  it('refuses another key and malformed values', () => {
    const other = new AddressCipher(randomBytes(32));
    expect(() => other.decrypt(cipher.encrypt('x'))).toThrow();
    expect(() => cipher.decrypt('plain text')).toThrow('not an encrypted value');
    expect(() => new AddressCipher(randomBytes(16))).toThrow();
  });
});
