import { Inject, Injectable, Logger } from '@nestjs/common';
import type { z } from 'zod';
import { CONFIG, type Config } from '@edgefleet/config';
import {
  JobsError,
  describeJobExecutionRequest,
  getPendingRequest,
  parseJobsTopic,
  parseJsonObject,
  startNextRequest,
  updateJobExecutionRequest,
} from '@edgefleet/contracts';
import { JobExecutionService } from '@edgefleet/jobs';
import type { Reply } from './fleet-provisioning.handler';

/** Serves the AWS IoT Jobs device API of a device's own thing; each request gets `/accepted` or `/rejected`. */
@Injectable()
export class JobsHandler {
  private readonly logger = new Logger(JobsHandler.name);

  constructor(
    private readonly executions: JobExecutionService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Devices cannot publish the response topics (topic policy), so anything under `…/jobs/` is a request. */
  isJobsRequest = (topic: string) => topic.startsWith('$aws/things/') && topic.includes('/jobs/');

  async handle(thingName: string, sessionId: string, topic: string, payload: Buffer): Promise<Reply> {
    let clientToken: string | undefined;
    try {
      const t = parseJobsTopic(topic);
      if (!t) throw new JobsError('InvalidTopic', `${topic} is not an AWS IoT Jobs API topic.`);
      if (t.thingName !== thingName) throw new JobsError('InvalidRequest', 'A device may only use the jobs of its own thing.');
      if (payload.length > this.config.MQTT_MAX_PAYLOAD_BYTES) throw new JobsError('InvalidRequest', 'The payload exceeds the maximum size allowed.');
      const json = parseJsonObject(payload, t.op !== 'update');
      if (!json.ok) throw new JobsError('InvalidJson', json.error);
      if (typeof json.value.clientToken === 'string') clientToken = json.value.clientToken.slice(0, 64);
      // The AWS SDK repeats topic parameters in the body: a disagreement is refused, the topic is what was authorized.
      if (json.value.thingName !== undefined && json.value.thingName !== t.thingName) throw new JobsError('InvalidRequest', 'thingName in the payload does not match the topic.');
      if (json.value.jobId !== undefined && json.value.jobId !== t.jobId) throw new JobsError('InvalidRequest', 'jobId in the payload does not match the topic.');
      const timestamp = Math.floor(Date.now() / 1000);
      const ok = (body: object) => ({ topic: `${topic}/accepted`, body: { ...body, timestamp, ...(clientToken ? { clientToken } : {}) } });
      switch (t.op) {
        case 'list':
          parse(getPendingRequest, json.value);
          return ok(await this.executions.listPending(thingName));
        case 'start-next': {
          const execution = await this.executions.startNext(thingName, parse(startNextRequest, json.value));
          return ok(execution ? { execution } : {});
        }
        case 'describe': {
          const execution = await this.executions.describe(thingName, t.jobId!, parse(describeJobExecutionRequest, json.value));
          if (!execution && t.jobId !== '$next') throw new JobsError('ResourceNotFound', `Job ${t.jobId} has no execution for this thing.`);
          return ok(execution ? { execution } : {});
        }
        case 'update':
          return ok(await this.executions.update(thingName, t.jobId!, sessionId, parse(updateJobExecutionRequest, json.value)));
      }
    } catch (err) {
      const e = err instanceof JobsError ? err : new JobsError('InternalError', 'Internal service failure.');
      if (!(err instanceof JobsError)) this.logger.error({ err, deviceId: thingName, topic }, 'jobs request failed');
      return {
        topic: `${topic}/rejected`,
        body: { code: e.code, message: e.message, timestamp: Math.floor(Date.now() / 1000), ...(clientToken ? { clientToken } : {}), ...(e.executionState ? { executionState: e.executionState } : {}) },
      };
    }
  }
}

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new JobsError('InvalidRequest', `${issue.path.join('.') || 'payload'}: ${issue.message}`);
}
