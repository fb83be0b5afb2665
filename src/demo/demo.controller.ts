import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { notFound } from '../domain/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DemoService } from './demo.service.js';

class DemoUserDto {
  @ApiProperty() user: string;
  @ApiProperty() role: string;
  @ApiProperty({ type: String, nullable: true }) region: string | null;
  @ApiProperty() token: string;
}

class DemoUsersDto {
  @ApiProperty({ type: [DemoUserDto] }) items: DemoUserDto[];
}

/** The demo users for the sign-in page: served only with the demo network on, never in production. */
@ApiTags('demo')
@Controller('api/v1/demo')
export class DemoController {
  constructor(
    private readonly demo: DemoService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('users')
  @Public()
  @ApiOperation({ summary: 'Demo users with a token each (only when DEMO_DATA is on and NODE_ENV is not production; else 404)' })
  @ApiOkResponse({ type: DemoUsersDto })
  async users() {
    if (!this.config.demoData || this.config.production) throw notFound();
    return { items: await this.demo.users() };
  }
}
