import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { HealthController } from './health.controller.js';
import { HealthRepository } from './health.repository.js';

@Module({ imports: [NotificationsModule], controllers: [HealthController], providers: [HealthRepository] })
export class HealthModule {}
