import { type DynamicModule, Global, Inject, Injectable, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type AppName, Metrics } from './metrics';
import { type HealthProbe, type OpsServer, startOpsServer } from './ops.server';
import { stopTracing } from './tracing';

/** Provide this (a function) in an app to make `/health` check what the app depends on. */
export const OPS_HEALTH = 'EDGEFLEET_OPS_HEALTH';

const OPS_OPTIONS = 'EDGEFLEET_OPS_OPTIONS';
interface OpsOptions {
  app: AppName;
  host: string;
  port: number;
  /** The configuration variable of the port, for the message when it is taken. */
  portVariable: string;
}

/** `/metrics` and `/health` of this process on their own port (METRICS_HOST and the app's metrics port). */
@Injectable()
export class OpsServerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Metrics');
  private server?: OpsServer;

  constructor(
    private readonly metrics: Metrics,
    private readonly moduleRef: ModuleRef,
    @Inject(OPS_OPTIONS) private readonly options: OpsOptions,
  ) {}

  /** The port it listens on; undefined when it could not listen. */
  get port(): number | undefined {
    return this.server?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const probe = this.probe();
    try {
      this.server = await startOpsServer({ host: this.options.host, port: this.options.port, metrics: this.metrics, health: probe });
    } catch (err) {
      // A second process on the host with the same port: it runs, without metrics, and says how to fix it.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
      this.logger.warn(`${this.options.host}:${this.options.port} is taken: no /metrics for this ${this.options.app}; give each process its own ${this.options.portVariable} (0 picks a free one)`);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
  }

  private probe(): HealthProbe {
    try {
      return this.moduleRef.get<HealthProbe>(OPS_HEALTH, { strict: false });
    } catch {
      return async () => ({ status: 'ok' });
    }
  }
}

/** The process's one metrics registry, its ops server, and its traces flushed at shutdown. */
@Global()
@Module({})
export class TelemetryModule implements OnApplicationShutdown {
  static forRoot(options: OpsOptions): DynamicModule {
    return {
      module: TelemetryModule,
      providers: [{ provide: Metrics, useValue: new Metrics(options.app) }, { provide: OPS_OPTIONS, useValue: options }, OpsServerHost],
      exports: [Metrics, OpsServerHost],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}
