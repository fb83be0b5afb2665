import { Module } from '@nestjs/common';
import { MatchingCatalogue } from './matching-catalogue.js';
import { MatchingRepository } from './matching.repository.js';
import { MatchingService } from './matching.service.js';
import { ReportsModule } from '../reports/reports.module.js';

@Module({ imports: [ReportsModule], providers: [MatchingRepository, MatchingCatalogue, MatchingService], exports: [MatchingService] })
export class MatchingModule {}
