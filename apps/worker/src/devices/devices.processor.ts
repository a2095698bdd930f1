import { Processor } from '@nestjs/bullmq';
import { PrismaService } from '@edgefleet/db';
import { ProvisioningService } from '@edgefleet/provisioning';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

@Processor('devices', { concurrency: 8 })
export class DevicesProcessor extends OutboxProcessor<'devices'> {
  constructor(
    prisma: PrismaService,
    private readonly provisioning: ProvisioningService,
  ) {
    super(prisma);
  }

  protected async handle(job: QueueJob<'devices'>): Promise<void> {
    switch (job.name) {
      case 'purge-device': {
        const { deviceId } = job.data;
        const purged = await this.provisioning.purgeDevice(deviceId, 'system:worker');
        this.logger.log({ deviceId, jobId: job.id, purged }, purged ? 'device purged' : 'nothing to purge');
        return;
      }
    }
  }
}
