import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class JobRunsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** The first instance to insert (job, occurrence) runs it; the others see the row and skip. */
  async claim(job: string, occurrence: string, now: Date): Promise<boolean> {
    const rows = await this.ds.query(`INSERT INTO job_run (job, occurrence, started_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING job`, [job, occurrence, now]);
    return rows.length > 0;
  }

  async forget(before: Date): Promise<void> {
    await this.ds.query(`DELETE FROM job_run WHERE started_at < $1`, [before]);
  }
}
