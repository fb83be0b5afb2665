import { Module } from '@nestjs/common';
import { EventHub } from './event-hub.service.js';
import { EventsController } from './events.controller.js';
import { EventsRepository } from './events.repository.js';
import { EventsService } from './events.service.js';

/** The live event stream (issue 22): fed by PostgreSQL, fanned out to this instance's open streams. */
@Module({
  controllers: [EventsController],
  providers: [EventHub, EventsRepository, EventsService],
  exports: [EventsService, EventHub],
})
export class EventsModule {}
