import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { CapacityRepository, type CapacityFilter } from './capacity.repository.js';

@Injectable()
export class CapacityService {
  constructor(
    private readonly repo: CapacityRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async capacity(filter: CapacityFilter) {
    const rows = await this.repo.aggregate(filter, this.clock.now(), this.config.staleAfterHours);
    const sum = (k: 'free' | 'freeStale' | 'total' | 'facilities') => rows.reduce((a, r) => a + r[k], 0);
    return {
      generatedAt: this.clock.now().toISOString(),
      staleAfterHours: this.config.staleAfterHours,
      totals: { facilityPlaceKinds: sum('facilities'), total: sum('total'), free: sum('free'), freeStale: sum('freeStale') },
      rows,
    };
  }
}
