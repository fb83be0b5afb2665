import { Module } from '@nestjs/common';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { DemoService } from './demo.service.js';

@Module({ imports: [FacilitiesModule], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
