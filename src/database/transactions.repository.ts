import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export type Tx = EntityManager;

/** Services open transactions through this and hand `tx` to repository intent methods. */
@Injectable()
export class Transactions {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.ds.transaction('READ COMMITTED', work);
  }

  /** Outside any transaction, for plain reads. */
  get reader(): Tx {
    return this.ds.manager;
  }

  async ping(): Promise<void> {
    await this.ds.query('SELECT 1');
  }
}
