import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { DirectoryService } from './directory.service.js';
import { MembersController } from './members.controller.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

/** Members and the pages' sessions. The guard reaches DirectoryService through auth's IDENTITY_DIRECTORY (wired by the app module). */
@Module({
  imports: [ApiKeysModule, AuditModule, NotificationsModule],
  controllers: [MembersController],
  providers: [MembersRepository, MembersService, DirectoryService],
  exports: [DirectoryService, MembersService, MembersRepository],
})
export class MembersModule {}
