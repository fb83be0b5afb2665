import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DENIALS } from '../auth/denials.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditController } from './audit.controller.js';
import { AuditLogEntity } from './audit.entity.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { DenialAuditInterceptor } from './denial-audit.interceptor.js';

@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity])],
  controllers: [AuditController],
  providers: [
    AuditRepository,
    AuditService,
    { provide: DENIALS, useExisting: AuditService },
    { provide: APP_INTERCEPTOR, useClass: DenialAuditInterceptor },
  ],
  exports: [AuditService, DENIALS],
})
export class AuditModule {}
