import { registerDecorator, type ValidationOptions } from 'class-validator';

/**
 * What identifies a person, found in free text. Approdo's cases are pseudonymous: a note that
 * carries a street worker's mobile number or a woman's passport number must be refused, not relied
 * on everyone remembering. Tuned against what operators legitimately write: dates (07/12/2026,
 * 2026-12-07), times (10.30-12.00), short counts ("2 bambini"), province and region codes, tags
 * (rete-ge-77) and case codes (LIG-2026-0042, UOR07-2026-001).
 */
export const PERSONAL_DATA_KINDS = ['phone_number', 'email', 'fiscal_code', 'iban', 'document_number'] as const;
export type PersonalDataKind = (typeof PERSONAL_DATA_KINDS)[number];

/** The constraint name the validation pipe recognises (answered 422 personal_data_in_text). */
export const NO_PERSONAL_DATA = 'noPersonalData';

const ALNUM = /[\p{L}\p{N}]/u;
/** Joiners inside codes: a number glued to a word by one of these is part of a code (LIG-2026-0042). */
const JOINERS = new Set(['-', '_', '/']);

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/u;
// omocodia: any digit may be written as one of LMNPQRSTUV
const FISCAL_CODE =
  /(?<![\p{L}\p{N}])[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z](?![\p{L}\p{N}])/giu;
const IBAN = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![\p{L}\p{N}])/giu;
/** Passport and paper identity card (AA1234567), electronic identity card (CA12345AB), one letter and eight digits (many passports, residence permits). */
const DOCUMENT = /(?<![\p{L}\p{N}])(?:[A-Z]{2} ?\d{7}[A-Z]?|[A-Z] ?\d{8}|[A-Z]{2} ?\d{5} ?[A-Z]{2})(?![\p{L}\p{N}])/giu;
/** A maximal run of digits with single spaces, dots, dashes or slashes between them, maybe after a +. */
const NUMBER_RUN = /\+? ?\d(?:[ .\-/]?\d)*/g;
const DATE = /^(?:\d{1,2}[ ./-]\d{1,2}[ ./-]\d{2,4}|\d{4}[ ./-]\d{1,2}[ ./-]\d{1,2})$/;
/** A year then a separator: a case code or a reference (2026-0042), never a phone number. */
const YEAR_FIRST = /^(?:19|20)\d\d[ .\-/]/;

/** Whether the match at [start, end) is glued to a word (part of a code), by `text`. */
function glued(text: string, start: number, end: number): boolean {
  const before = text[start - 1];
  const after = text[end];
  if (before !== undefined && ALNUM.test(before)) return true;
  if (before !== undefined && JOINERS.has(before) && start >= 2 && ALNUM.test(text[start - 2])) return true;
  if (after !== undefined && ALNUM.test(after)) return true;
  if (after !== undefined && JOINERS.has(after) && end + 1 < text.length && ALNUM.test(text[end + 1])) return true;
  return false;
}

function isPhone(run: string): boolean {
  const digits = run.replace(/\D/g, '');
  if (digits.length < 7 || digits.length > 15) return false;
  // international: +39 …, 0039 …
  if (run.startsWith('+') || digits.startsWith('00')) return true;
  if (DATE.test(run) || YEAR_FIRST.test(run)) return false;
  const groups = run.split(/[ .\-/]/);
  const first = groups[0];
  // as Italian numbers are written (landline 0…, mobile 3…) and most foreign ones within their country (0…)
  if (first.startsWith('0')) return true;
  // a mobile, not a house number before a postcode (Via Roma 32 16121)
  if (first.startsWith('3')) return groups.length === 1 || first.length >= 3;
  // anything else written as a phone number is (555-123-4567), times (10.30-12.00) and timestamps are not
  return groups.length >= 3 && groups.some((g) => g.length >= 3);
}

function hasPhone(text: string): boolean {
  for (const m of text.matchAll(NUMBER_RUN)) {
    const start = m.index + (m[0].startsWith(' ') ? 1 : 0);
    const end = m.index + m[0].length;
    if (!glued(text, start, end) && isPhone(m[0].trimStart())) return true;
  }
  return false;
}

function hasMatch(re: RegExp, text: string, accept: (m: string) => boolean = () => true): boolean {
  for (const m of text.matchAll(re)) if (accept(m[0])) return true;
  return false;
}

const digitCount = (s: string) => s.replace(/\D/g, '').length;

/**
 * Read at most this much of a text: every free-text field is far shorter (at most 500), so a longer
 * one is refused for its length anyway, and hostile megabytes never reach the patterns.
 */
export const SCANNED_CHARS = 2_000;

/** The first kind of personal data found in `text`, or null. */
export function findPersonalData(text: string): PersonalDataKind | null {
  // NFKC: full-width digits and letters are read as the ones they look like
  const t = text.slice(0, SCANNED_CHARS).normalize('NFKC');
  // the e-mail pattern backtracks over long words: only where there is an @
  if (t.includes('@') && EMAIL.test(t)) return 'email';
  if (hasMatch(IBAN, t, (m) => digitCount(m) >= 10 && m.replace(/ /g, '').length >= 15)) return 'iban';
  if (hasMatch(FISCAL_CODE, t, (m) => digitCount(m) >= 2)) return 'fiscal_code';
  if (hasMatch(DOCUMENT, t)) return 'document_number';
  if (hasPhone(t)) return 'phone_number';
  return null;
}

/**
 * Free text that must not identify a person: refused with 422 personal_data_in_text and the field
 * (see createValidationPipe). Every free-text field of the API carries it; an e2e test reads the
 * OpenAPI document to hold that true. Arrays are checked element by element.
 */
export function NoPersonalData(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: NO_PERSONAL_DATA,
      target: target.constructor,
      propertyName: propertyName as string,
      options,
      validator: {
        validate: (value: unknown) => kindIn(value) === null,
        defaultMessage: (args) => kindIn(args?.value) ?? 'personal_data',
      },
    });
}

function kindIn(value: unknown): PersonalDataKind | null {
  if (typeof value === 'string') return findPersonalData(value);
  if (Array.isArray(value)) for (const v of value) if (typeof v === 'string' && findPersonalData(v)) return findPersonalData(v);
  return null;
}
