import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ApiKeyDirectoryService } from './api-key-directory.service.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';

/** API keys for machine clients. The guard reaches ApiKeyDirectoryService through auth's API_KEY_DIRECTORY (wired by the app module). */
@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysRepository, ApiKeysService, ApiKeyDirectoryService],
  exports: [ApiKeyDirectoryService, ApiKeysService],
})
export class ApiKeysModule {}
