import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { MatchingCatalogue } from './matching-catalogue.js';
import { MatchingRepository } from './matching.repository.js';
import { MatchingService } from './matching.service.js';
import { ReportsModule } from '../reports/reports.module.js';

@Module({
  imports: [RegionsModule, ReportsModule],
  providers: [MatchingRepository, MatchingCatalogue, MatchingService],
  exports: [MatchingService],
})
export class MatchingModule {}
