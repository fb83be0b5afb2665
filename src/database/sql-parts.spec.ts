import { readsTogether, writesTogether } from './sql-parts.js';

describe('sql parts', () => {
  it('renumbers each part after the ones before it', () => {
    const w = writesTogether(
      [
        { sql: 'INSERT INTO a VALUES ($1, $2)', params: [1, 2] },
        null,
        { sql: 'UPDATE b SET x = $1 WHERE id = $2 OR id = $1', params: [3, 4] },
      ],
      { sql: 'SELECT f($1)', params: [5] },
    );
    expect(w.sql).toBe('WITH w0 AS (INSERT INTO a VALUES ($1, $2)),\nw1 AS (UPDATE b SET x = $3 WHERE id = $4 OR id = $3)\nSELECT f($5)');
    expect(w.params).toEqual([1, 2, 3, 4, 5]);
  });

  it('sends a lone main query as it is, and reads as JSON columns of one row', () => {
    expect(writesTogether([null], { sql: 'SELECT $1', params: [1] })).toEqual({ sql: 'SELECT $1', params: [1] });
    const r = readsTogether({ a: { sql: 'SELECT $1 AS v', params: ['x'] }, b: { sql: 'SELECT $1 AS w, $2 AS z', params: ['y', 'z'] } });
    expect(r.params).toEqual(['x', 'y', 'z']);
    expect(r.sql).toContain(`FROM (SELECT $1 AS v) x) AS "a"`);
    expect(r.sql).toContain(`FROM (SELECT $2 AS w, $3 AS z) x) AS "b"`);
  });
});
