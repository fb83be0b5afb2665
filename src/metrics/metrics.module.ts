import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsRepository } from './metrics.repository.js';
import { MetricsService } from './metrics.service.js';

@Module({ imports: [NotificationsModule], controllers: [MetricsController], providers: [MetricsRepository, MetricsService] })
export class MetricsModule {}
