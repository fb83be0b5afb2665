/**
 * Pieces of SQL that repositories hand out so that a unit of work can send several of them as one
 * statement (one round trip): writes as data-modifying CTEs, reads as JSON columns of one row.
 * Each part numbers its own parameters from $1; combining renumbers them.
 */
export interface SqlPart {
  sql: string;
  params: unknown[];
}

/** `part`'s text with its parameters numbered from `offset + 1`: to embed it in a part whose own come first. */
export const renumber = (part: SqlPart, offset: number) => part.sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);

function join(parts: SqlPart[]): { texts: string[]; params: unknown[] } {
  const params: unknown[] = [];
  const texts = parts.map((p) => {
    const text = renumber(p, params.length);
    params.push(...p.params);
    return text;
  });
  return { texts, params };
}

/**
 * Writes (INSERT/UPDATE … without RETURNING) run in one statement, each as a data-modifying CTE:
 * PostgreSQL runs every one of them to completion. `main` is the statement's own query (its rows
 * are the answer); by default none.
 */
export function writesTogether(writes: (SqlPart | null)[], main: SqlPart = { sql: 'SELECT 1 AS done', params: [] }): SqlPart {
  const all = writes.filter((w): w is SqlPart => w !== null);
  const { texts, params } = join([...all, main]);
  const mainText = texts.pop()!;
  if (!texts.length) return { sql: mainText, params };
  return { sql: `WITH ${texts.map((t, i) => `w${i} AS (${t})`).join(',\n')}\n${mainText}`, params };
}

/** Reads in one statement: one row whose column `name` is the JSON array of that read's rows. */
export function readsTogether(reads: Record<string, SqlPart>): SqlPart {
  const names = Object.keys(reads);
  const { texts, params } = join(names.map((n) => reads[n]));
  return {
    sql: `SELECT ${texts.map((t, i) => `(SELECT coalesce(json_agg(x), '[]') FROM (${t}) x) AS "${names[i]}"`).join(',\n')}`,
    params,
  };
}
