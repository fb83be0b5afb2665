import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { ApiErrors } from '../common/openapi.js';
import { ApiKeysService } from './api-keys.service.js';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto, ListApiKeysQueryDto } from './dto/api-key.dto.js';

/** API keys for machine clients: `Authorization: Bearer apk_…` or `X-Api-Key: apk_…` acts as the key's member. */
@ApiTags('api-keys')
@ApiBearerAuth()
@ApiSecurity('api-key')
@Controller('api/v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({
    summary:
      'Make an API key (default 90 days, at most a year): the answer shows the key once. An administrator may make one for a service member (`memberId`); an API key cannot make keys',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiErrors({ 403: ['not_a_member'], 404: ['not_found'], 409: ['too_many_api_keys', 'member_not_active'] })
  create(@CurrentUser() p: Principal, @Body() dto: CreateApiKeyDto) {
    return this.keys.create(p, dto);
  }

  @Get()
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({
    summary:
      'API keys not revoked: the caller’s own, and those of the members she looks after (all for an admin, her region’s managers for a UOR); never the key',
  })
  @ApiOkResponse({ type: ApiKeyListDto })
  list(@CurrentUser() p: Principal, @Query() q: ListApiKeysQueryDto) {
    return this.keys.list(p, q.memberId);
  }

  @Delete(':id')
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: 'Revoke an API key at once: its member, an administrator, or the UOR of a shelter manager’s region' })
  @ApiOkResponse({ type: ApiKeyDto })
  revoke(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.keys.revoke(p, id);
  }
}
