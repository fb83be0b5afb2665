import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface PoolFigures {
  total: number;
  idle: number;
  waiting: number;
}

/** Read-only counts for the scrape: one statement, no locks. */
@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async counts(): Promise<{ proposals: Record<string, number>; holdsLive: number; holdsReleased: Record<string, number> }> {
    const rows: { what: string; key: string | null; n: number }[] = await this.ds.query(
      `SELECT 'proposal' AS what, status AS key, count(*)::int AS n FROM proposal GROUP BY status
       UNION ALL SELECT 'hold', release_reason, count(*)::int FROM place_hold GROUP BY release_reason`,
    );
    const proposals: Record<string, number> = {};
    const holdsReleased: Record<string, number> = {};
    let holdsLive = 0;
    for (const r of rows) {
      if (r.what === 'proposal') proposals[r.key!] = r.n;
      else if (r.key === null) holdsLive = r.n;
      else holdsReleased[r.key] = r.n;
    }
    return { proposals, holdsLive, holdsReleased };
  }

  /** The pg Pool under TypeORM's postgres driver. */
  pool(): PoolFigures | undefined {
    const pool = (this.ds.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }).master;
    return pool ? { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : undefined;
  }
}
