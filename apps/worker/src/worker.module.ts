import { BullModule } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { CONFIG, type Config } from '@edgefleet/config';
import { DbModule } from '@edgefleet/db';
import { DevicesModule } from '@edgefleet/devices';
import { QUEUE_NAMES } from '@edgefleet/queue';
import { DevicesProcessor } from './devices/devices.processor';
import { OutboxRelay } from './outbox/outbox.relay';

@Module({})
export class WorkerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        { module: class ConfigModule {}, global: true, providers: [{ provide: CONFIG, useValue: config }], exports: [CONFIG] },
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        DbModule,
        DevicesModule,
        BullModule.forRoot({ connection: { url: config.REDIS_URL }, prefix: config.REDIS_PREFIX }),
        ...QUEUE_NAMES.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [OutboxRelay, DevicesProcessor],
    };
  }
}
