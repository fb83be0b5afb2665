import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, Roles } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { UuidParam } from '../common/id-param.js';
import { ApiErrors } from '../common/openapi.js';
import { InvitedDto, InviteMemberDto, MemberDto, MemberListDto, UpdateMemberDto } from './dto/member.dto.js';
import { MembersService } from './members.service.js';

/** The members registry: what each person signed in through the identity provider may do. */
@ApiTags('members')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @HttpCode(201)
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Invite a member (an e-mail with a sign-in link goes out); a UOR invites managers of its region’s facilities' })
  @ApiCreatedResponse({ type: InvitedDto })
  @ApiErrors({ 409: ['member_exists'], 422: ['unknown_region', 'unknown_facility'] })
  invite(@CurrentUser() p: Principal, @Body() dto: InviteMemberDto) {
    return this.members.invite(p, dto);
  }

  @Get()
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Members: all (admin), or the shelter managers of the region’s facilities (uor)' })
  @ApiOkResponse({ type: MemberListDto })
  list(@CurrentUser() p: Principal) {
    return this.members.list(p);
  }

  @Get(':id')
  @Roles('admin', 'uor')
  @ApiOkResponse({ type: MemberDto })
  get(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.members.get(p, id);
  }

  @Patch(':id')
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Change a member’s role, region, facilities, name or fiscal code' })
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors({ 409: ['member_exists'], 422: ['unknown_region', 'unknown_facility'] })
  update(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string, @Body() dto: UpdateMemberDto) {
    return this.members.update(p, id, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles('admin', 'uor')
  @ApiOperation({ summary: 'Disable a member: her sessions end at once' })
  @ApiOkResponse({ type: MemberDto })
  @ApiErrors({ 409: ['cannot_disable_self'] })
  disable(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.members.disable(p, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Roles('admin', 'uor')
  @ApiOkResponse({ type: MemberDto })
  enable(@CurrentUser() p: Principal, @Param('id', UuidParam) id: string) {
    return this.members.enable(p, id);
  }
}
