import { findPersonalData } from './personal-data.js';

/** What operators really type: refused when it identifies a person, kept when it does not. */
describe('findPersonalData', () => {
  it.each([
    ['chiamare Joy al 347 1234567', 'phone_number'],
    ['cell. 3471234567 dopo le 20', 'phone_number'],
    ['tel.347-123-4567', 'phone_number'],
    ['+39 347 123 4567', 'phone_number'],
    ['+393471234567', 'phone_number'],
    ['0039 347 1234567', 'phone_number'],
    ['ufficio 010 5701234', 'phone_number'],
    ['Roma 06 12345678', 'phone_number'],
    ['numero nigeriano 0803 123 4567', 'phone_number'],
    ['+234 803 123 4567', 'phone_number'],
    ['555-123-4567', 'phone_number'],
    // any phone number, even one that names no person: the guard cannot tell
    ['numero verde 800 290 290', 'phone_number'],
    ['347.123.45.67', 'phone_number'],
    ['３４７１２３４５６７', 'phone_number'],
    ['scrivere a joy.okafor@gmail.com', 'email'],
    ['mail: Mario.Rossi+casa@example.org', 'email'],
    ['CF RSSMRA85T10A562S', 'fiscal_code'],
    ['cf rssmra85t10a562s', 'fiscal_code'],
    ['omocodico RSSMRA85T10A56NS', 'fiscal_code'],
    ['IBAN IT60X0542811101000000123456', 'iban'],
    ['iban IT60 X054 2811 1010 0000 0123 456', 'iban'],
    ['DE89370400440532013000', 'iban'],
    ['passaporto AA1234567', 'document_number'],
    ['passaporto n. YA 1234567', 'document_number'],
    ['carta identità CA12345AB', 'document_number'],
    ['passport A12345678', 'document_number'],
    ['patente GE1234567X', 'document_number'],
  ])('%s → %s', (text, kind) => {
    expect(findPersonalData(text)).toBe(kind);
  });

  it.each([
    'arriva con la mediatrice',
    'colloquio il 07/12/2026 alle 10.30',
    'colloquio il 07.12.2026',
    'dal 2026-12-07 al 2026-12-20',
    'ore 10.30-12.00',
    '2 bambini di 3 e 6 anni',
    'provincia GE, regione 07',
    'stessa rete di rete-ge-77',
    'LIG-2026-0042',
    'UOR07-2026-001',
    'TST-2026-0001',
    'LIG-2026-0042-2',
    'LIG-UI-1796543212345',
    'AUD-ab12cd34',
    'BENCH-42-001',
    'Via del Faro 1, Genova (fittizio)',
    'Via Roma 32 16121 Genova',
    'Via Roma 12, 16121 Genova',
    'Vicolo CANARY-3f2a9c71-1234-4123-8123-123456789012 7, Genova',
    'Casa Approdo Levante',
    'ATS InConTraRe',
    'crisi in struttura fino a lunedì',
    'in casa ora ci sono due ragazze della stessa rete di origine',
    'protocollo 1234',
    'Ｇ Ｅ',
  ])('keeps %s', (text) => {
    expect(findPersonalData(text)).toBeNull();
  });

  it('keeps UUIDs and timestamps inside codes, whatever their digits', () => {
    for (let i = 0; i < 2000; i++) {
      const uuid = crypto.randomUUID();
      expect({ text: `CANARY-${uuid}`, kind: findPersonalData(`Vicolo CANARY-${uuid} 7, Genova`) }).toEqual({
        text: `CANARY-${uuid}`,
        kind: null,
      });
    }
  });
});

describe('findPersonalData on hostile input', () => {
  // a quadratic scan of these would hold the event loop for minutes (the hostile-input fuzzer found it): jest's timeout fails it
  it('reads megabytes of letters, digits and @ (what it reads is bounded)', () => {
    expect(findPersonalData('é'.repeat(1_000_000))).toBeNull();
    expect(findPersonalData('a'.repeat(500_000) + '@')).toBeNull();
    expect(findPersonalData(`${'a.'.repeat(300_000)}@x`)).toBeNull();
    expect(findPersonalData('1 '.repeat(500_000))).toBeNull();
    expect(findPersonalData(`347 1234567 ${'x '.repeat(500_000)}`)).toBe('phone_number');
  });
});
