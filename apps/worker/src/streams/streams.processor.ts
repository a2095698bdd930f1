import { Processor } from '@nestjs/bullmq';
import { PrismaService } from '@edgefleet/db';
import { CameraStreamService } from '@edgefleet/streams';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

@Processor('streams', { concurrency: 4 })
export class StreamsProcessor extends OutboxProcessor<'streams'> {
  constructor(
    prisma: PrismaService,
    private readonly cameras: CameraStreamService,
  ) {
    super(prisma);
  }

  protected async handle(job: QueueJob<'streams'>): Promise<void> {
    switch (job.name) {
      case 'create-camera-node': {
        const status = await this.cameras.process(job.data.jobId);
        this.logger.log({ jobId: job.data.jobId, status }, 'camera node job processed');
        return;
      }
    }
  }
}
