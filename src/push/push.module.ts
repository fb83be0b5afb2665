import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { EventsModule } from '../events/events.module.js';
import { PushDispatcher } from './push-dispatcher.service.js';
import { PUSH_SENDER, WebPushSender } from './push-sender.js';
import { PushKeyController, PushSubscriptionsController } from './push.controller.js';
import { PushRepository } from './push.repository.js';
import { PushService } from './push.service.js';
import { resolveVapid, VAPID, type VapidKeys } from './vapid.js';

/** Web Push (issue 22): subscriptions, and the dispatcher of the pushes the proposal trigger queues. */
@Module({
  imports: [EventsModule],
  controllers: [PushKeyController, PushSubscriptionsController],
  providers: [
    PushRepository,
    PushService,
    PushDispatcher,
    { provide: VAPID, useFactory: (c: AppConfig) => resolveVapid(c), inject: [APP_CONFIG] },
    { provide: PUSH_SENDER, useFactory: (v: VapidKeys | null) => (v ? new WebPushSender(v) : null), inject: [VAPID] },
  ],
  exports: [PushDispatcher],
})
export class PushModule {}
