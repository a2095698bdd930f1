import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { MqttClient } from 'mqtt';
import type { z } from 'zod';
import { type DisconnectReason, jobExecutionEvent, parseBody, parseJsonObject, presenceEventPayload, shadowDocumentsEvent } from '@edgefleet/contracts';
import { DeploymentService } from '@edgefleet/applications';
import { DevicePresenceService, SystemReports } from '@edgefleet/devices';
import { PresenceFeed } from '@edgefleet/iot';
import { JobsDeviceApi } from '@edgefleet/jobs';

const ACTOR = 'system:aws-iot';
const PRESENCE = /^\$aws\/events\/presence\/(connected|disconnected)\/([^/]+)$/;
const SYSTEM_DOCUMENTS = /^\$aws\/things\/([^/]+)\/shadow\/name\/system\/update\/documents$/;
const APPLICATIONS_DOCUMENTS = /^\$aws\/things\/([^/]+)\/shadow\/name\/applications\/update\/documents$/;
const JOB_EXECUTION = /^\$aws\/events\/jobExecution\/([^/]+)\/[a-z_]+$/;

/**
 * AWS backend (only its presence feed gives an events connection): AWS IoT Core is the gateway,
 * so the worker listens to its lifecycle events and `system` and `applications` shadow documents (MQTT over mTLS)
 * and keeps the registry current.
 * A thing's first connection with its own certificate completes its provisioning; job
 * execution events move device jobs (which the worker created as AWS IoT jobs).
 */
@Injectable()
export class AwsIotEventsSubscriber implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(AwsIotEventsSubscriber.name);
  private client?: MqttClient;

  constructor(
    private readonly feed: PresenceFeed,
    private readonly presence: DevicePresenceService,
    private readonly systemReports: SystemReports,
    private readonly deployments: DeploymentService,
    private readonly jobs: JobsDeviceApi,
  ) {}

  onApplicationBootstrap(): void {
    this.client = this.feed.connectEvents();
    if (!this.client) {
      // Our gateways record presence themselves; with AWS IoT Core, the events connection is not configured.
      if (!this.feed.gatewayHeartbeats) this.logger.warn('AWS_IOT_EVENTS_URL is not set: device presence and system reports from AWS IoT are not followed');
      return;
    }
    this.client.on('error', (err) => this.logger.warn({ err: err.message }, 'AWS IoT events connection error'));
    this.client.on('message', (topic, payload) => void this.handle(topic, payload).catch((err) => this.logger.error({ err, topic }, 'could not apply an AWS IoT event')));
  }

  async handle(topic: string, payload: Buffer): Promise<void> {
    const presence = PRESENCE.exec(topic);
    if (presence) {
      const event = this.parse(topic, payload, presenceEventPayload);
      if (!event) return;
      const thingName = presence[2];
      if (presence[1] === 'connected') {
        await this.presence.connected(thingName, event.sessionIdentifier, 0, new Date(event.timestamp), ACTOR, { registers: true });
      } else {
        await this.presence.disconnected(thingName, event.sessionIdentifier, (event.disconnectReason ?? 'CONNECTION_LOST') as DisconnectReason, ACTOR);
      }
      return;
    }
    const execution = JOB_EXECUTION.exec(topic);
    if (execution) {
      const event = this.parse(topic, payload, jobExecutionEvent);
      if (event) await this.jobs.applyAwsEvent(event.thingArn.split(':thing/')[1], execution[1], event.status, event.statusDetails);
      return;
    }
    const applications = APPLICATIONS_DOCUMENTS.exec(topic);
    if (applications) {
      // The device reported (or the worker wrote) its applications: the deployment worker follows the shadow itself.
      const current = this.parse(topic, payload, shadowDocumentsEvent)?.current;
      if (current?.state.reported) await this.deployments.reportArrived(applications[1], current.version);
      return;
    }
    const documents = SYSTEM_DOCUMENTS.exec(topic);
    if (documents) {
      const current = this.parse(topic, payload, shadowDocumentsEvent)?.current;
      if (current) await this.systemReports.project(documents[1], { reported: (current.state.reported ?? null) as never, version: current.version });
    }
  }

  /** The event, if it has the shape AWS IoT documents; anything else is logged and skipped, never applied. */
  private parse<S extends z.ZodType>(topic: string, payload: Buffer, schema: S): z.output<S> | undefined {
    const json = parseJsonObject(payload, false);
    try {
      if (!json.ok) throw new Error(json.error);
      return parseBody(schema, json.value);
    } catch (err) {
      this.logger.warn({ topic, problem: (err as Error).message }, 'malformed AWS IoT event skipped');
      return undefined;
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.client?.endAsync(true);
  }
}
