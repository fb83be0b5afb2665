/**
 * Hostile values shared by the security suites. None of them contains a leak marker (below), so a
 * marker found in an answer came from the server, never from an echo of what the test sent.
 */

/** What must never reach a client: stack frames, driver and SQL error text, file paths. */
export const LEAK_MARKERS = [
  '    at ',
  'syntax error',
  'violates',
  'relation "',
  'column "',
  'QueryFailedError',
  'duplicate key',
  '/work/',
  'node_modules',
];

export const leaksIn = (text: string): string[] => LEAK_MARKERS.filter((m) => text.includes(m));

export const hasNoMarker = (s: string) => leaksIn(s).length === 0;

export const SQL_FRAGMENTS = [
  "' OR 1=1--",
  "' OR '1'='1",
  '" OR ""="',
  '1 OR 1=1',
  "'; DROP TABLE facility; --",
  "'); DELETE FROM audit_log; --",
  '1; SELECT pg_sleep(10)--',
  "' UNION SELECT address_enc, location_enc FROM facility--",
  "' AND 1=CAST((SELECT version()) AS int)--",
  '$1',
  "$$; COPY facility TO '/tmp/x'; $$",
  "\\'; --",
  "%' OR '%'='",
  "07' OR region_code IS NOT NULL--",
  "admin'--",
  '1)) OR ((1=1',
  "';SET statement_timeout=1;--",
  "E'\\x27'",
  "U&'\\0027'",
  '/**/OR/**/1=1',
];

/** Unicode tricks: bidi overrides, zero-width, NUL, lone surrogates, homoglyphs, combining marks. */
export const UNICODE_TRICKS = [
  '\u202Egnp.exe',
  'Casa\u200B\u200C\u200D\uFEFF',
  'a\u0000b',
  '\u0000',
  '\uD800',
  '\uDFFF',
  'x\uD83Dy',
  'аdmin', // Cyrillic а
  'Ｇ Ｅ',
  'ＧＥ',
  '０７',
  '٠٧',
  'e\u0301\u0301\u0301\u0301',
  '\u2028\u2029',
  '\r\nBcc: evil@example.org',
  '<script>alert(1)</script>',
  '{{7*7}}${7*7}',
  '\u0007\u001b[31m',
  '\uFFFD\uFFFE\uFFFF',
  '🏠🔒',
  'İı',
  'ß'.repeat(10),
];

/** Numbers as text, and booleans and nulls as text. */
export const NUMERIC_STRINGS = [
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '-1e309',
  '-0',
  '0x10',
  '1e3',
  '1.5',
  '-1',
  '+1',
  ' 1',
  '1 ',
  '007',
  '9007199254740993',
  '99999999999999999999',
  '١٢',
  '0b1',
  'false',
  'true',
  'FALSE',
  'True',
  '0',
  '1',
  'null',
  'undefined',
  '[object Object]',
  '',
];

/** Ids that are not UUIDs, or almost. */
export const BAD_IDS = [
  'not-a-uuid',
  '123',
  '-1',
  '0',
  'null',
  'undefined',
  '00000000-0000-0000-0000-00000000000',
  '00000000-0000-0000-0000-0000000000000',
  'g0000000-0000-0000-0000-000000000000',
  '00000000000000000000000000000000',
  '{00000000-0000-0000-0000-000000000000}',
  '00000000-0000-0000-0000-000000000000 ',
  ' 00000000-0000-0000-0000-000000000000',
  '0000000０-0000-0000-0000-000000000000',
  'ааааaaaa-0000-0000-0000-000000000000',
  '..',
  '../audit',
  '..\\..\\etc\\passwd',
  '%00',
  '1e309',
  'NaN',
];
