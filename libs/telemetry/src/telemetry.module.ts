import { type DynamicModule, Global, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type AppName, Metrics } from './metrics';
import { stopTracing } from './tracing';

/** The process's one metrics registry, for every provider that records something; traces flushed at shutdown. */
@Global()
@Module({})
export class TelemetryModule implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }

  static forRoot(app: AppName): DynamicModule {
    return { module: TelemetryModule, providers: [{ provide: Metrics, useValue: new Metrics(app) }], exports: [Metrics] };
  }
}
