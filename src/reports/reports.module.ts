import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { ReportFactsRepository } from './report-facts.repository.js';
import { ReportFactsService } from './report-facts.service.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { SummaryRepository } from './summary.repository.js';
import { RollupFoldRepository } from './rollup-fold.repository.js';

/** Reports, and the anonymous facts they count (written by the lifecycle services through ReportFactsService). */
@Module({
  imports: [RegionsModule],
  controllers: [ReportsController],
  providers: [ReportFactsRepository, ReportFactsService, ReportsRepository, ReportsService, SummaryRepository, RollupFoldRepository],
  exports: [ReportFactsService, RollupFoldRepository],
})
export class ReportsModule {}
