import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { LifecycleModule } from '../lifecycle/lifecycle.module.js';
import { EventsModule } from '../events/events.module.js';
import { PushModule } from '../push/push.module.js';
import { ReportsModule } from '../reports/reports.module.js';
import { JobRunsRepository } from './job-runs.repository.js';
import { JobsScheduler } from './jobs.scheduler.js';
import { JobsService } from './jobs.service.js';
import { RemindersRepository } from './reminders.repository.js';

@Module({
  imports: [NotificationsModule, LifecycleModule, EventsModule, PushModule, ReportsModule],
  providers: [JobRunsRepository, RemindersRepository, JobsService, JobsScheduler],
  exports: [JobsService],
})
export class JobsModule {}
