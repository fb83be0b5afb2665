import { Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FileTransport, MAIL_TRANSPORT, SmtpTransport } from './mail-transport.js';
import { NotificationsService } from './notifications.service.js';
import { OutboxAdminService } from './outbox-admin.service.js';
import { OutboxDispatcher } from './outbox-dispatcher.service.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxRepository } from './outbox.repository.js';
import { RecipientsRepository } from './recipients.repository.js';

@Module({
  controllers: [OutboxController],
  providers: [
    OutboxRepository,
    RecipientsRepository,
    NotificationsService,
    OutboxDispatcher,
    OutboxAdminService,
    {
      provide: MAIL_TRANSPORT,
      useFactory: (c: AppConfig) => (c.mail.smtpUrl ? new SmtpTransport(c.mail.smtpUrl) : new FileTransport(c.mail.dir)),
      inject: [APP_CONFIG],
    },
  ],
  exports: [NotificationsService, RecipientsRepository, OutboxDispatcher, OutboxAdminService],
})
export class NotificationsModule {}
