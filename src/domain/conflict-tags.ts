/**
 * Conflict tags in one canonical form, so that two operators who type the same network differently
 * ("Rete GE 77", "RETE-GE-77 ", "rete_ge.77") protect the same people. The one fold used on every
 * way in (requests, edits, transfers, searches, the suggestions' prefix) and by the migration that
 * folded the tags stored before.
 */

export const CONFLICT_TAG_MIN = 2;
export const CONFLICT_TAG_MAX = 40;
/** What a folded tag looks like: a-z and 0-9 in words joined by single dashes. */
export const CANONICAL_CONFLICT_TAG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

// spaces (any Unicode space), dots, underscores, slashes and dashes (any Unicode dash)
const SEPARATORS = /[\s._/\\\p{Pd}]+/gu;
const MARKS = /\p{M}+/gu;

/** NFKC, lower case, accents dropped, trimmed, every run of separators one `-`, none at either end. */
export function foldConflictTag(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(MARKS, '')
    .normalize('NFC')
    .trim()
    .replace(SEPARATORS, '-')
    .replace(/^-+|-+$/g, '');
}

/** Whether a folded tag is one the service accepts: 2–40 characters of a-z, 0-9 and single dashes. */
export const isCanonicalConflictTag = (tag: string): boolean =>
  tag.length >= CONFLICT_TAG_MIN && tag.length <= CONFLICT_TAG_MAX && CANONICAL_CONFLICT_TAG.test(tag);

/** Folded, without repeats (two spellings of one network are one tag), in the order first typed. */
export const foldConflictTags = (raw: readonly string[]): string[] => [...new Set(raw.map(foldConflictTag))];
