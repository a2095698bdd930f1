import { Processor } from '@nestjs/bullmq';
import { PrismaService } from '@edgefleet/db';
import { DeviceService } from '@edgefleet/devices';
import { DeviceIdentities } from '@edgefleet/iot';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

@Processor('devices', { concurrency: 8 })
export class DevicesProcessor extends OutboxProcessor<'devices'> {
  constructor(
    prisma: PrismaService,
    private readonly devices: DeviceService,
    private readonly identities: DeviceIdentities,
  ) {
    super(prisma);
  }

  protected async handle(job: QueueJob<'devices'>): Promise<void> {
    switch (job.name) {
      case 'purge-device': {
        const { deviceId } = job.data;
        const device = await this.prisma.device.findUnique({ where: { deviceId }, select: { provisioningStatus: true } });
        // Certificates revoked and connections dropped first: the device can never come back.
        if (device?.provisioningStatus === 'DELETING') await this.identities.decommissionThing(deviceId);
        const purged = await this.devices.purge(deviceId, 'system:worker');
        this.logger.log({ deviceId, jobId: job.id, purged }, purged ? 'device purged' : 'nothing to purge');
        return;
      }
    }
  }
}
