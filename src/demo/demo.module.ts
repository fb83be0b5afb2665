import { Module } from '@nestjs/common';
import { FacilitiesModule } from '../facilities/facilities.module.js';
import { DemoController } from './demo.controller.js';
import { DemoService } from './demo.service.js';

@Module({ imports: [FacilitiesModule], controllers: [DemoController], providers: [DemoService], exports: [DemoService] })
export class DemoModule {}
