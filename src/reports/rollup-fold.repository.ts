import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';

/**
 * The roll-ups' pending deltas (migration 1763900022000): lifecycle transactions append them, this
 * moves them into the roll-up rows. Reports read both, so folding changes no answer, only how
 * many rows a report reads.
 */
@Injectable()
export class RollupFoldRepository {
  constructor(private readonly tx: Transactions) {}

  /** Folds every delta committed so far, in one transaction; returns how many delta rows it moved. */
  async fold(): Promise<number> {
    const [row] = (await this.tx.manager().query(`SELECT report_rollup_fold() AS moved`)) as { moved: number }[];
    return row.moved;
  }

  /** Deltas not folded yet, and the age in seconds of the oldest (0 when none): the roll-ups' lag. */
  async pending(): Promise<{ rows: number; oldestS: number }> {
    const [row] = (await this.tx.manager().query(
      `SELECT count(*)::int AS rows, coalesce(extract(epoch FROM now() - min(at)), 0)::float8 AS "oldestS"
       FROM (SELECT at FROM report_flow_delta UNION ALL SELECT at FROM report_people_delta UNION ALL SELECT at FROM report_bed_delta) d`,
    )) as { rows: number; oldestS: number }[];
    return row;
  }
}
