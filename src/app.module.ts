import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard.js';
import { Authenticator } from './auth/authenticator.js';
import { IDENTITY_DIRECTORY } from './auth/identity.js';
import { API_KEY_DIRECTORY } from './auth/api-key.js';
import { ApiKeyDirectoryService } from './api-keys/api-key-directory.service.js';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { DirectoryService } from './members/directory.service.js';
import { MembersModule } from './members/members.module.js';
import { SigninModule } from './signin/signin.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AvailabilityModule } from './availability/availability.module.js';
import { CapacityModule } from './capacity/capacity.module.js';
import { MatchingModule } from './matching/matching.module.js';
import { ScheduleModule } from '@nestjs/schedule';
import { LifecycleModule } from './lifecycle/lifecycle.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CommonModule } from './common/common.module.js';
import { ErrorFilter } from './common/errors/error.filter.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { FacilitiesModule } from './facilities/facilities.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { RegionsModule } from './regions/regions.module.js';
import { ReportsModule } from './reports/reports.module.js';
// issue 22
import { EventsModule } from './events/events.module.js';
import { PushModule } from './push/push.module.js';

@Module({})
export class AppModule {
  /** `databaseUrl` is resolved before boot (embedded or external). */
  static forRoot(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl, config.db),
        CommonModule,
        AuthModule,
        AuditModule,
        RegionsModule,
        FacilitiesModule,
        AvailabilityModule,
        CapacityModule,
        MatchingModule,
        NotificationsModule,
        LifecycleModule,
        JobsModule,
        ReportsModule,
        ...(config.schedulerEnabled ? [ScheduleModule.forRoot()] : []),
        HealthModule,
        MetricsModule,
        MembersModule,
        SigninModule,
        DemoModule,
        // issue 22
        EventsModule,
        PushModule,
        // issue 34
        ApiKeysModule,
      ],
      // the guard needs auth's tokens and audit's denial recorder: wired here, so neither module imports the other
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        // the guard's one way to a caller: tokens (auth) and the members registry (members)
        Authenticator,
        { provide: IDENTITY_DIRECTORY, useExisting: DirectoryService },
        { provide: API_KEY_DIRECTORY, useExisting: ApiKeyDirectoryService },
      ],
    };
  }
}
