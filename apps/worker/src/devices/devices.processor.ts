import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { PrismaService } from '@edgefleet/db';
import { DeviceService } from '@edgefleet/devices';
import { IotBackend } from '@edgefleet/iot';
import type { JobName, JobPayload } from '@edgefleet/queue';
import { completeOutboxMessage } from '../outbox/outbox.relay';

type DevicesJob = { [N in JobName<'devices'>]: Job<JobPayload<'devices', N>, unknown, N> }[JobName<'devices'>];

@Processor('devices', { concurrency: 8 })
export class DevicesProcessor extends WorkerHost {
  private readonly logger = new Logger(DevicesProcessor.name);

  constructor(
    private readonly devices: DeviceService,
    private readonly prisma: PrismaService,
    private readonly iot: IotBackend,
  ) {
    super();
  }

  async process(job: DevicesJob): Promise<void> {
    switch (job.name) {
      case 'purge-device': {
        const { deviceId } = job.data;
        const device = await this.prisma.device.findUnique({ where: { deviceId }, select: { provisioningStatus: true } });
        // Certificates revoked and connections dropped first: the device can never come back.
        if (device?.provisioningStatus === 'DELETING') await this.iot.decommissionThing(deviceId);
        const purged = await this.devices.purge(deviceId, 'system:worker');
        this.logger.log({ deviceId: job.data.deviceId, jobId: job.id, purged }, purged ? 'device purged' : 'nothing to purge');
        break;
      }
    }
    await completeOutboxMessage(this.prisma, job.id);
  }
}
