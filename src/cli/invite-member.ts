import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module.js';
import type { Principal } from '../auth/principal.js';
import type { AppConfig } from '../config/app-config.js';
import { createValidationPipe } from '../common/validation.js';
import { InviteMemberDto } from '../members/dto/member.dto.js';
import { MembersService } from '../members/members.service.js';

/**
 * The first administrator of a new deployment (issue 34): with no shared secret that mints an admin
 * any more, whoever runs a command where the service runs (its database in reach) invites her. The
 * invitation goes through the members service like any other: checked, audited (actor `cli`), and
 * its e-mail queued in the outbox the running service sends. Its fields pass the API's own validation
 * first, so a fiscal code typed with spaces or in lower case is folded exactly as the API folds it.
 */
export const CLI_PRINCIPAL: Principal = { sub: 'cli', role: 'admin', facilities: [] };

export async function inviteFromCli(
  config: AppConfig,
  databaseUrl: string,
  input: InviteMemberDto,
): Promise<{ id: string; status: string }> {
  const dto = (await createValidationPipe().transform(input, { type: 'body', metatype: InviteMemberDto })) as InviteMemberDto;
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ ...config, schedulerEnabled: false }, databaseUrl), {
    logger: ['error', 'fatal'],
  });
  try {
    return await app.get(MembersService).invite(CLI_PRINCIPAL, dto);
  } finally {
    await app.close();
  }
}
