import { Module } from '@nestjs/common';
import { CapacityController } from './capacity.controller.js';
import { CapacityRepository } from './capacity.repository.js';
import { CapacityService } from './capacity.service.js';

@Module({ controllers: [CapacityController], providers: [CapacityRepository, CapacityService] })
export class CapacityModule {}
