import { type DynamicModule, Global, Module } from '@nestjs/common';
import { type AppName, Metrics } from './metrics';

/** The process's one metrics registry, for every provider that records something. */
@Global()
@Module({})
export class TelemetryModule {
  static forRoot(app: AppName): DynamicModule {
    return { module: TelemetryModule, providers: [{ provide: Metrics, useValue: new Metrics(app) }], exports: [Metrics] };
  }
}
