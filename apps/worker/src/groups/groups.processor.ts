import { Processor } from '@nestjs/bullmq';
import { PrismaService } from '@edgefleet/db';
import { GroupMembership } from '@edgefleet/groups';
import { OutboxProcessor, type QueueJob } from '../outbox/outbox.processor';

/** Dynamic thing groups' membership, evaluated per device as devices change and per group when its query does. */
@Processor('groups', { concurrency: 8 })
export class GroupsProcessor extends OutboxProcessor<'groups'> {
  constructor(
    prisma: PrismaService,
    private readonly membership: GroupMembership,
  ) {
    super(prisma);
  }

  protected async handle(job: QueueJob<'groups'>): Promise<void> {
    switch (job.name) {
      case 'evaluate-device':
        await this.membership.evaluateDevice(job.data.deviceId);
        return;
      case 'evaluate-group': {
        const changed = await this.membership.evaluateGroup(job.data.groupId);
        this.logger.log({ groupId: job.data.groupId, changed }, 'dynamic group evaluated');
        return;
      }
    }
  }
}
