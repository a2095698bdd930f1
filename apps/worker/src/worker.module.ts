import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { type DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Config } from '@edgefleet/config';
import { RuntimeModule } from '@edgefleet/runtime';
import { OPS_HEALTH, TelemetryModule } from '@edgefleet/telemetry';
import { DbModule } from '@edgefleet/db';
import { DevicesModule } from '@edgefleet/devices';
import { JobsModule } from '@edgefleet/jobs';
import { ProvisioningModule } from '@edgefleet/provisioning';
import { QUEUE_NAMES } from '@edgefleet/queue';
import { StreamsModule } from '@edgefleet/streams';
import { ApplicationsModule } from '@edgefleet/applications';
import { GroupsModule } from '@edgefleet/groups';
import { AwsIotEventsSubscriber } from './devices/aws-iot-events.subscriber';
import { ClaimExpiryScheduler } from './devices/claim-expiry.scheduler';
import { DevicesProcessor } from './devices/devices.processor';
import { PresenceScheduler } from './devices/presence.scheduler';
import { JobsProcessor } from './jobs/jobs.processor';
import { JobsScheduler } from './jobs/jobs.scheduler';
import { OutboxRelay } from './outbox/outbox.relay';
import { FleetGaugesRepository } from './metrics/fleet-gauges.repository';
import { WORKER_QUEUES, WorkerMetrics } from './metrics/worker.metrics';
import { RetentionPruner } from './retention/retention.pruner';
import { ClipsModule } from '@edgefleet/clips';
import { RetentionRepository } from './retention/retention.repository';
import { GroupsProcessor } from './groups/groups.processor';
import { StreamsProcessor } from './streams/streams.processor';
import { ApplicationsProcessor, ApplicationsScheduler } from './applications/applications.processor';

@Module({})
export class WorkerModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        RuntimeModule.forRoot(config),
        TelemetryModule.forRoot({ app: 'worker', host: config.METRICS_HOST, port: config.WORKER_METRICS_PORT, portVariable: 'WORKER_METRICS_PORT' }),
        LoggerModule.forRoot({ pinoHttp: { level: config.LOG_LEVEL } }),
        DbModule,
        DevicesModule,
        ProvisioningModule.forRoot(config),
        JobsModule,
        StreamsModule,
        ApplicationsModule.forRoot(config),
        ClipsModule,
        GroupsModule,
        BullModule.forRoot({ connection: { url: config.REDIS_URL }, prefix: config.REDIS_PREFIX }),
        ...QUEUE_NAMES.map((name) => BullModule.registerQueue({ name })),
      ],
      providers: [
        FleetGaugesRepository,
        RetentionRepository,
        WorkerMetrics,
        { provide: OPS_HEALTH, inject: [WorkerMetrics], useFactory: (m: WorkerMetrics) => m.health },
        { provide: WORKER_QUEUES, inject: QUEUE_NAMES.map((name) => getQueueToken(name)), useFactory: (...queues: unknown[]) => queues },
        OutboxRelay, DevicesProcessor, JobsProcessor, JobsScheduler, ClaimExpiryScheduler, PresenceScheduler, AwsIotEventsSubscriber, RetentionPruner, StreamsProcessor, ApplicationsProcessor, ApplicationsScheduler, GroupsProcessor],
    };
  }
}
