import { createHash } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';
import { foldConflictTag } from '../src/domain/conflict-tags.js';

/**
 * Conflict tags in one canonical form (issue 28): the tags stored before were compared byte for
 * byte, so "RETE-GE-77" and "rete-ge-77" protected nobody from each other. Folds every stored tag
 * with the service's own function (src/domain/conflict-tags.ts), in both places a request keeps
 * them: the `conflict_tags` column the conflict check reads (proposals and placements join it) and
 * the copy inside `safety` that the request answers. In one transaction with the rest of the
 * migration, so the check never sees half the tags folded. A tag that folds to nothing (only
 * separators, once allowed) keeps its protection under a stable name of its own.
 *
 * Then a CHECK holds every stored tag canonical. `down` drops the CHECK only: the folded spellings
 * stay (the original ones are not kept, and every version of the service reads folded tags).
 */
export class FoldConflictTags1763900019000 implements MigrationInterface {
  name = 'FoldConflictTags1763900019000';

  async up(q: QueryRunner): Promise<void> {
    const rows: { id: string; conflict_tags: string[]; safety_tags: unknown }[] = await q.query(
      `SELECT id, conflict_tags, safety->'conflictTags' AS safety_tags FROM placement_request
        WHERE cardinality(conflict_tags) > 0 OR jsonb_typeof(safety->'conflictTags') = 'array'`,
    );
    for (const r of rows) {
      const column = foldAll(r.conflict_tags);
      const inSafety = Array.isArray(r.safety_tags) ? foldAll(r.safety_tags.filter((t): t is string => typeof t === 'string')) : null;
      const sameColumn = same(column, r.conflict_tags);
      const sameSafety = inSafety === null || same(inSafety, r.safety_tags as string[]);
      if (sameColumn && sameSafety) continue;
      await q.query(
        `UPDATE placement_request SET conflict_tags = $2::text[],
                safety = CASE WHEN $3::jsonb IS NULL THEN safety ELSE jsonb_set(safety, '{conflictTags}', $3::jsonb) END
          WHERE id = $1`,
        [r.id, column, inSafety === null ? null : JSON.stringify(inSafety)],
      );
    }
    await q.query(`CREATE FUNCTION conflict_tags_canonical(tags text[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
      SELECT coalesce(bool_and(t ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(t) <= 40), true) FROM unnest(tags) AS t
    $$`);
    await q.query(
      `ALTER TABLE placement_request ADD CONSTRAINT placement_request_conflict_tags_canonical CHECK (conflict_tags_canonical(conflict_tags))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE placement_request DROP CONSTRAINT placement_request_conflict_tags_canonical`);
    await q.query(`DROP FUNCTION conflict_tags_canonical(text[])`);
  }
}

/** The stored tag in its canonical form; one that folds to nothing keeps a stable name of its own. */
export function foldStoredTag(tag: string): string {
  const folded = foldConflictTag(tag);
  return folded || `legacy-${createHash('sha256').update(tag).digest('hex').slice(0, 16)}`;
}

const foldAll = (tags: readonly string[]): string[] => [...new Set(tags.map(foldStoredTag))];
const same = (a: readonly string[], b: readonly unknown[]): boolean => a.length === b.length && a.every((t, i) => t === b[i]);
