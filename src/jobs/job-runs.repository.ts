import { Injectable } from '@nestjs/common';
import { Transactions } from '../database/transactions.repository.js';

@Injectable()
export class JobRunsRepository {
  constructor(private readonly db: Transactions) {}

  /** The first instance to insert (job, occurrence) runs it; the others see the row and skip. */
  async claim(job: string, occurrence: string, now: Date): Promise<boolean> {
    const rows = await this.db
      .manager()
      .query(`INSERT INTO job_run (job, occurrence, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING job`, [
        job,
        occurrence,
        now,
      ]);
    return rows.length > 0;
  }

  async forget(before: Date): Promise<void> {
    await this.db.manager().query(`DELETE FROM job_run WHERE started_at < $1`, [before]);
  }
}
