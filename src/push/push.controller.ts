import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { ApiErrors } from '../common/openapi.js';
import { CreatePushSubscriptionDto, PushKeyDto, PushSubscriptionCreatedDto } from './dto/push-subscription.dto.js';
import { PushService } from './push.service.js';

@ApiTags('push')
@ApiBearerAuth()
@Controller('api/v1/push')
export class PushKeyController {
  constructor(private readonly push: PushService) {}

  @Get('key')
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: "The VAPID public key a page subscribes with (PushManager.subscribe's applicationServerKey)" })
  @ApiOkResponse({ type: PushKeyDto })
  @ApiErrors({ 404: ['push_not_configured'] })
  key() {
    return this.push.publicKey();
  }
}

@ApiTags('push')
@ApiBearerAuth()
@Controller('api/v1/push-subscriptions')
export class PushSubscriptionsController {
  constructor(private readonly push: PushService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({
    summary:
      "Subscribe this browser (PushSubscription.toJSON()): the caller's phone is told of new proposals (managers), answers and expiries (UOR and facility)",
  })
  @ApiCreatedResponse({ type: PushSubscriptionCreatedDto })
  @ApiErrors({ 400: ['validation_failed', 'push_endpoint_not_allowed'], 404: ['push_not_configured'] })
  subscribe(@CurrentUser() p: Principal, @Body() dto: CreatePushSubscriptionDto) {
    return this.push.subscribe(p, dto);
  }

  @Delete(':id')
  @Roles('admin', 'uor', 'shelter_manager', 'national')
  @ApiOperation({ summary: "Unsubscribe (only the caller's own subscriptions; anyone else's answers 404)" })
  @ApiOkResponse({ type: PushSubscriptionCreatedDto, description: 'removed: its id' })
  @ApiErrors({ 404: ['not_found'] })
  async unsubscribe(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    await this.push.unsubscribe(p, id);
    return { id };
  }
}
