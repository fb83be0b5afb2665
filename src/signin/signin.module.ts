import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { MembersModule } from '../members/members.module.js';
import { SigninController } from './signin.controller.js';
import { SigninService } from './signin.service.js';

/** /auth: the pages' sign-in through the identity provider, their sessions as rows that can be ended. */
@Module({
  imports: [AuthModule, AuditModule, MembersModule],
  controllers: [SigninController],
  providers: [SigninService],
})
export class SigninModule {}
