import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { AvailabilityController } from './availability.controller.js';
import { AvailabilityRepository } from './availability.repository.js';
import { AvailabilityService } from './availability.service.js';
import { HoldsService } from './holds.service.js';

@Module({
  imports: [AuditModule, FacilitiesModule],
  controllers: [AvailabilityController],
  providers: [AvailabilityRepository, AvailabilityService, HoldsService],
  exports: [HoldsService, AvailabilityService],
})
export class AvailabilityModule {}
