import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

@Injectable()
export class HealthRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Names of the migrations recorded as applied (throws when the database does not answer). */
  async appliedMigrations(): Promise<string[]> {
    const rows: { name: string }[] = await this.ds.query(`SELECT name FROM schema_migrations`);
    return rows.map((r) => r.name);
  }
}
