import { type DynamicModule, Global, Module } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { Clock, SystemClock } from './clock';
import { RedisConnections } from './redis.connections';
import { Scheduler } from './scheduler';

/** What every process has once: its configuration, a clock, Redis connections and an interval scheduler. */
@Global()
@Module({})
export class RuntimeModule {
  static forRoot(config: Config, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: RuntimeModule,
      providers: [{ provide: CONFIG, useValue: config }, { provide: Clock, useValue: clock }, RedisConnections, Scheduler],
      exports: [CONFIG, Clock, RedisConnections, Scheduler],
    };
  }
}
