import { CancelJobCommand, CreateJobCommand, DescribeThingCommand, type IoTClient } from '@aws-sdk/client-iot';

/**
 * AWS backend: device jobs become AWS IoT jobs (one per device job, same id, a snapshot
 * targeting the thing), which AWS IoT delivers over its Jobs MQTT API.
 */
export class AwsJobsClient {
  private readonly arns = new Map<string, string>();

  constructor(private readonly iot: IoTClient) {}

  /** CreateJob; an existing job of that id is the same job (a repeated dispatch). */
  async createJob(jobId: string, thingName: string, document: object, inProgressTimeoutMinutes?: number): Promise<void> {
    try {
      await this.iot.send(
        new CreateJobCommand({
          jobId,
          targets: [await this.thingArn(thingName)],
          document: JSON.stringify(document),
          targetSelection: 'SNAPSHOT',
          ...(inProgressTimeoutMinutes ? { timeoutConfig: { inProgressTimeoutInMinutes: inProgressTimeoutMinutes } } : {}),
        }),
      );
    } catch (err) {
      if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
    }
  }

  /** CancelJob: queued executions only (force=false), so a device mid-update is never interrupted. */
  async cancelJob(jobId: string, comment: string): Promise<void> {
    try {
      await this.iot.send(new CancelJobCommand({ jobId, force: false, comment: comment.slice(0, 2028) }));
    } catch (err) {
      if ((err as Error).name !== 'ResourceNotFoundException') throw err;
    }
  }

  private async thingArn(thingName: string): Promise<string> {
    let arn = this.arns.get(thingName);
    if (!arn) {
      arn = (await this.iot.send(new DescribeThingCommand({ thingName }))).thingArn;
      if (!arn) throw new Error(`AWS IoT returned no ARN for thing ${thingName}`);
      this.arns.set(thingName, arn);
    }
    return arn;
  }
}
