import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { Transactions } from './transactions.repository.js';

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(url: string, db: AppConfig['db']): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [TypeOrmModule.forRoot({ ...dataSourceOptions(url, db), autoLoadEntities: true, retryAttempts: 2, retryDelay: 500 })],
      providers: [Transactions],
      exports: [Transactions],
    };
  }
}
