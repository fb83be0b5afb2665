import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AvailabilityEventEntity, PlaceHoldEntity } from './place-event.entity.js';
import { AvailabilityEventsRepository } from './place-events.repository.js';
import { FacilitiesController } from './facilities.controller.js';
import { FacilitiesRepository } from './facilities.repository.js';
import { AddressRevealRepository } from './address-reveal.repository.js';
import { FacilitiesService } from './facilities.service.js';
import { FacilityImportService } from './facility-import.service.js';
import { FacilityEntity, FacilityPlaceEntity } from './facility.entity.js';

@Module({
  imports: [
    RegionsModule,
    AuditModule,
    TypeOrmModule.forFeature([FacilityEntity, FacilityPlaceEntity, AvailabilityEventEntity, PlaceHoldEntity]),
  ],
  controllers: [FacilitiesController],
  providers: [FacilitiesRepository, AvailabilityEventsRepository, FacilitiesService, FacilityImportService, AddressRevealRepository],
  exports: [FacilitiesService, FacilitiesRepository, AvailabilityEventsRepository],
})
export class FacilitiesModule {}
