import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AvailabilityEventEntity } from '../availability/availability.entity.js';
import { AvailabilityEventsRepository } from '../availability/availability-events.repository.js';
import { FacilitiesController } from './facilities.controller.js';
import { FacilitiesRepository } from './facilities.repository.js';
import { ADDRESS_REVEAL_POLICY, FacilitiesService } from './facilities.service.js';
import { FacilityEntity, FacilityPlaceEntity } from './facility.entity.js';

@Module({
  imports: [TypeOrmModule.forFeature([FacilityEntity, FacilityPlaceEntity, AvailabilityEventEntity])],
  controllers: [FacilitiesController],
  providers: [
    FacilitiesRepository,
    AvailabilityEventsRepository,
    FacilitiesService,
    // until placements exist no proposal can have been accepted
    { provide: ADDRESS_REVEAL_POLICY, useValue: { acceptedForCaller: async () => false } },
  ],
  exports: [FacilitiesService, FacilitiesRepository, AvailabilityEventsRepository],
})
export class FacilitiesModule {}
