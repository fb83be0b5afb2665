import { Module } from '@nestjs/common';
import { MatchingModule } from '../matching/matching.module.js';
import { CapacityController } from './capacity.controller.js';
import { CapacityRepository } from './capacity.repository.js';
import { CapacityService } from './capacity.service.js';

/** Owns /api/v1/capacity: the summary of free places and the coarse search (matching answers it). */
@Module({ imports: [MatchingModule], controllers: [CapacityController], providers: [CapacityRepository, CapacityService] })
export class CapacityModule {}
