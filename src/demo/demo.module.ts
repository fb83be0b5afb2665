import { MembersModule } from '../members/members.module.js';
import { DevProvider } from './dev-provider.js';
import { Module } from '@nestjs/common';
import { RegionsModule } from '../regions/regions.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { DemoService } from './demo.service.js';

@Module({
  imports: [RegionsModule, AuthModule, FacilitiesModule, MembersModule],
  providers: [DemoService, DevProvider],
  exports: [DemoService, DevProvider],
})
export class DemoModule {}
