import { Module } from '@nestjs/common';
import { ShadowService } from './shadow.service';

@Module({ providers: [ShadowService], exports: [ShadowService] })
export class ShadowsModule {}
