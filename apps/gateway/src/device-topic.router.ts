import { Logger } from '@nestjs/common';
import { z } from 'zod';
import {
  APPLICATIONS_SHADOW,
  CAMERA_CREDENTIALS_TOPIC,
  CREATE_CERTIFICATE_FROM_CSR_TOPIC,
  LOGS_TOPIC,
  APPLICATION_FRAMES_TOPIC,
  applicationFrameRequest,
  cameraCredentialsRequest,
  logBatchRequest,
  CREATE_KEYS_AND_CERTIFICATE_TOPIC,
  SYSTEM_SHADOW,
  type DeviceService,
  createCertificateFromCsrRequest,
  createKeysAndCertificateRequest,
  describeJobExecutionRequest,
  getPendingRequest,
  jobsTopic,
  parseBody,
  parseJsonObject,
  registerThingRequest,
  registerThingTopic,
  shadowRequest,
  shadowTopic,
  shadowUpdateRequest,
  startNextRequest,
  toRejected,
  updateJobExecutionRequest,
} from '@edgefleet/contracts';
import { type DeviceApplicationsApi, applicationsReportFollower } from '@edgefleet/applications';
import type { DeviceEventsPublisher, SystemReports } from '@edgefleet/devices';
import { DomainError, assertShadowName, validationFailed } from '@edgefleet/domain';
import type { JobsDeviceApi } from '@edgefleet/jobs';
import type { ClaimCertificates, FleetProvisioningService } from '@edgefleet/provisioning';
import type { Clock } from '@edgefleet/runtime';
import type { ShadowDeviceApi } from '@edgefleet/shadows';
import type { DeviceRequestLimiter } from './device-request.limiter';
import type { Identity } from './topic.policy';

export interface Reply {
  topic: string;
  body: object;
}

/** A topic level a route names `{param}`; the AWS SDK repeats these in the body. */
const PARAMS = { thingName: '[^/#+]+', shadowName: '[^/#+]+', jobId: '\\$next|[a-zA-Z0-9_-]{1,64}', templateName: '[^/#+]+' };
type TopicParams = Partial<Record<keyof typeof PARAMS, string>>;

/**
 * Who may call each service, and where its answers go: the request/response APIs answer the
 * asking client only, as AWS IoT does; shadow replies reach every subscriber of the topic, which
 * for a device's own topics is the device alone (the gateway delivers them to it directly, see
 * MqttGateway.replyIfSubscribed).
 */
const SERVICES: Record<DeviceService, { caller: Identity['kind']; direct: boolean }> = {
  provisioning: { caller: 'claim', direct: true },
  shadow: { caller: 'device', direct: false },
  jobs: { caller: 'device', direct: true },
  // Camera credentials and log shipping: answers go to the asking session only (a credential must never be routed).
  edgefleet: { caller: 'device', direct: true },
};

/** A device's request once the router has checked it. */
export interface DeviceRequest<T> {
  topic: string;
  identity: Identity;
  sessionId: string;
  params: TopicParams;
  body: T;
  clientToken?: string;
}

/** A topic template in AWS's style (`{param}` is one topic level, a trailing `#` any rest) → the schema of its body → its handler. */
export interface DeviceRoute<S extends z.ZodType = z.ZodType> {
  service: DeviceService;
  topic: string;
  /** AWS accepts an empty payload for this request (as `{}`). */
  emptyAllowed?: boolean;
  schema: S;
  // Method syntax, so that a route of any schema is a DeviceRoute.
  handle(request: DeviceRequest<z.output<S>>): Promise<Reply[]>;
}

/** How one request ended, for metrics: `operation` is the route's topic template (bounded, unlike topics). */
export type RequestObserver = (service: DeviceService, operation: string, result: 'accepted' | 'rejected', seconds: number) => void;

/** Infers the handler's body from the route's schema. */
export const route = <S extends z.ZodType>(r: DeviceRoute<S>): DeviceRoute => r;

function patternOf(template: string): RegExp {
  const source = template
    .replace(/[$.]/g, '\\$&')
    .replace(/\{(\w+)\}/g, (_, name: keyof typeof PARAMS) => `(?<${name}>${PARAMS[name]})`)
    .replace(/#$/, '.+');
  // `s`: a trailing `#` takes any rest, line separators (U+2028, …) included, as MQTT's does.
  return new RegExp(`^${source}$`, 's');
}

/**
 * Every message a device or claim publishes to an AWS IoT service topic: the common checks
 * once (own thing only, shadow name, size, JSON object, clientToken, rate, topic parameters,
 * schema), then the route's handler; any error becomes the service's `/rejected` payload
 * through `toRejected`.
 */
export class DeviceTopicRouter {
  private readonly logger = new Logger(DeviceTopicRouter.name);

  private readonly routes: (DeviceRoute & { pattern: RegExp })[];

  constructor(
    routes: DeviceRoute[],
    private readonly maxPayloadBytes: number,
    /** Without one, requests are not throttled. */
    private readonly limiter?: DeviceRequestLimiter,
    private readonly observe: RequestObserver = () => undefined,
  ) {
    this.routes = routes.map((r) => ({ ...r, pattern: patternOf(r.topic) }));
  }

  /** The replies, and whether they go to the asking client only; undefined for plain pub/sub topics. */
  async dispatch(identity: Identity, sessionId: string, topic: string, payload: Buffer): Promise<{ replies: Reply[]; direct: boolean } | undefined> {
    const match = this.match(identity, topic);
    if (!match) return undefined;
    const { route, params } = match;
    const { direct } = SERVICES[route.service];
    const started = performance.now();
    const done = (result: 'accepted' | 'rejected') => this.observe(route.service, route.topic, result, (performance.now() - started) / 1000);
    let clientToken: string | undefined;
    // Every request counts, valid or not; the refusal waits for the clientToken, so SDKs can match it.
    const allowed = this.limiter?.take(identity.thingName) ?? true;
    try {
      if (params.thingName !== undefined && params.thingName !== identity.thingName) throw new DomainError('NOT_YOUR_THING', 'A device may only address its own thing.');
      if (params.shadowName !== undefined) assertShadowName('shadowName', params.shadowName);
      if (payload.length > this.maxPayloadBytes) throw new DomainError('PAYLOAD_TOO_LARGE', `The payload is larger than ${this.maxPayloadBytes} bytes.`, { limit: this.maxPayloadBytes });
      const json = parseJsonObject(payload, route.emptyAllowed ?? false);
      if (!json.ok) throw new DomainError('INVALID_JSON', json.error);
      const token = json.value.clientToken;
      if (token !== undefined) {
        if (typeof token !== 'string' || token.length > 64) throw validationFailed('clientToken', 'must be a string of at most 64 characters.');
        clientToken = token;
      }
      if (!allowed) throw this.throttled();
      // The topic is what authorization checked: a repeated parameter that disagrees is refused.
      for (const key of Object.keys(PARAMS) as (keyof typeof PARAMS)[]) {
        if (json.value[key] !== undefined && json.value[key] !== params[key]) {
          throw new DomainError('INVALID_ARGUMENT', `${key} in the payload does not match the topic.`, { field: key });
        }
      }
      const body = parseBody(route.schema, json.value);
      const replies = await route.handle({ topic, identity, sessionId, params, body, clientToken });
      done('accepted');
      return { replies, direct };
    } catch (err) {
      if (!(err instanceof DomainError) || err.code === 'INTERNAL') this.logger.error({ err, deviceId: identity.thingName, topic }, 'device request failed');
      // A device that cannot provision is an operator's first question; other refusals are routine.
      // (Throttled claims are not: a flood of them would flood the log.)
      else this.logger[identity.kind === 'claim' && err.code !== 'RATE_LIMITED' ? 'warn' : 'debug']({ deviceId: identity.thingName, topic, reason: err.reason }, 'device request rejected');
      done('rejected');
      return { replies: [{ topic: `${topic}/rejected`, body: toRejected(route.service, err, clientToken) }], direct };
    }
  }

  private throttled(): DomainError {
    const { requestsPerSecond, burst } = this.limiter!;
    return new DomainError(
      'DEVICE_REQUEST_RATE_EXCEEDED',
      `Too Many Requests: a thing may send ${requestsPerSecond} requests per second (bursts of ${burst}) to the AWS IoT service topics; retry later, with backoff.`,
      { requestsPerSecond, burst },
    );
  }

  private match(identity: Identity, topic: string): { route: DeviceRoute; params: TopicParams } | undefined {
    for (const route of this.routes) {
      if (SERVICES[route.service].caller !== identity.kind) continue;
      const m = route.pattern.exec(topic);
      if (m) return { route, params: { ...m.groups } };
    }
    return undefined;
  }
}

const accepted = (request: DeviceRequest<unknown>, body: object): Reply => ({ topic: `${request.topic}/accepted`, body });

/** The AWS IoT device APIs the gateway serves: fleet provisioning (claims), Device Shadow and Jobs (devices). */
export function deviceTopicRoutes(s: {
  claims: ClaimCertificates;
  provisioning: FleetProvisioningService;
  shadows: ShadowDeviceApi;
  systemReports: SystemReports;
  jobs: JobsDeviceApi;
  events: DeviceEventsPublisher;
  applications: DeviceApplicationsApi;
  clock: Clock;
}): DeviceRoute[] {
  /** AWS IoT Jobs stamps every response, and echoes the clientToken. */
  const jobsAccepted = (request: DeviceRequest<unknown>, body: object) =>
    accepted(request, { ...body, timestamp: Math.floor(s.clock.now().getTime() / 1000), ...(request.clientToken ? { clientToken: request.clientToken } : {}) });
  const claim = ({ identity }: DeviceRequest<unknown>) => ({ certificateId: identity.certificateId, thingName: identity.thingName });
  const shadow = (r: DeviceRequest<unknown>) => [r.identity.thingName, r.params.shadowName ?? null] as const;
  return [
    route({ service: 'provisioning', topic: CREATE_CERTIFICATE_FROM_CSR_TOPIC, schema: createCertificateFromCsrRequest, handle: async (r) => [accepted(r, await s.claims.createCertificateFromCsr(claim(r), r.body.certificateSigningRequest))] }),
    route({ service: 'provisioning', topic: CREATE_KEYS_AND_CERTIFICATE_TOPIC, emptyAllowed: true, schema: createKeysAndCertificateRequest, handle: async (r) => [accepted(r, await s.claims.createKeysAndCertificate(claim(r)))] }),
    route({
      service: 'provisioning',
      topic: registerThingTopic('{templateName}'),
      schema: registerThingRequest,
      handle: async (r) => {
        const registered = await s.provisioning.registerThing(claim(r), r.params.templateName!, r.body);
        await s.events.updated([r.identity.thingName]);
        return [accepted(r, registered)];
      },
    }),
    ...[null, '{shadowName}'].flatMap((shadowName) => [
      route({ service: 'shadow', topic: shadowTopic('{thingName}', shadowName, 'get'), emptyAllowed: true, schema: shadowRequest, handle: async (r) => [accepted(r, await s.shadows.get(...shadow(r), r.clientToken))] }),
      route({ service: 'shadow', topic: shadowTopic('{thingName}', shadowName, 'delete'), emptyAllowed: true, schema: shadowRequest, handle: async (r) => [accepted(r, await s.shadows.delete(...shadow(r), r.clientToken))] }),
      route({
        service: 'shadow',
        topic: shadowTopic('{thingName}', shadowName, 'update'),
        schema: shadowUpdateRequest,
        handle: async (r) => {
          // Accepted `system` reports project into the registry in the same transaction; `applications`
          // reports go to the worker (in the same transaction too), which follows them into instance rows.
          const reports = r.body.state?.reported !== undefined;
          const follow = !reports ? undefined : r.params.shadowName === SYSTEM_SHADOW ? s.systemReports.follower : r.params.shadowName === APPLICATIONS_SHADOW ? applicationsReportFollower : undefined;
          const result = await s.shadows.update(...shadow(r), r.body, r.clientToken, follow);
          if (result.projected) await s.events.updated([r.identity.thingName]);
          const delta = result.delta ? [{ topic: `${r.topic}/delta`, body: result.delta }] : [];
          return [accepted(r, result.accepted), { topic: `${r.topic}/documents`, body: result.documents }, ...delta];
        },
      }),
    ]),
    route({
      service: 'edgefleet',
      topic: CAMERA_CREDENTIALS_TOPIC,
      schema: cameraCredentialsRequest,
      handle: async (r) => [accepted(r, { camera: r.body.camera, ...(await s.applications.cameraCredentials(r.identity.thingName, r.body.camera)), ...(r.clientToken ? { clientToken: r.clientToken } : {}) })],
    }),
    route({
      service: 'edgefleet',
      topic: LOGS_TOPIC,
      schema: logBatchRequest,
      handle: async (r) => [accepted(r, { ...(await s.applications.ingestLogs(r.identity.thingName, r.body)), ...(r.clientToken ? { clientToken: r.clientToken } : {}) })],
    }),
    route({
      service: 'edgefleet',
      topic: APPLICATION_FRAMES_TOPIC,
      schema: applicationFrameRequest,
      handle: async (r) => [accepted(r, { ...(await s.applications.storeFrame(r.identity.thingName, r.body)), ...(r.clientToken ? { clientToken: r.clientToken } : {}) })],
    }),
    route({ service: 'jobs', topic: jobsTopic('{thingName}', 'get'), emptyAllowed: true, schema: getPendingRequest, handle: async (r) => [jobsAccepted(r, await s.jobs.listPending(r.identity.thingName))] }),
    route({
      service: 'jobs',
      topic: jobsTopic('{thingName}', 'start-next'),
      emptyAllowed: true,
      schema: startNextRequest,
      handle: async (r) => {
        const execution = await s.jobs.startNext(r.identity.thingName, r.body);
        return [jobsAccepted(r, execution ? { execution } : {})];
      },
    }),
    route({
      service: 'jobs',
      topic: jobsTopic('{thingName}', '{jobId}/get'),
      emptyAllowed: true,
      schema: describeJobExecutionRequest,
      handle: async (r) => {
        const jobId = r.params.jobId!;
        const execution = await s.jobs.describe(r.identity.thingName, jobId, r.body);
        if (!execution && jobId !== '$next') throw new DomainError('JOB_NOT_FOUND', `Job ${jobId} has no execution for this thing.`);
        return [jobsAccepted(r, execution ? { execution } : {})];
      },
    }),
    route({ service: 'jobs', topic: jobsTopic('{thingName}', '{jobId}/update'), schema: updateJobExecutionRequest, handle: async (r) => [jobsAccepted(r, await s.jobs.update(r.identity.thingName, r.params.jobId!, r.sessionId, r.body))] }),
    // Last: AWS IoT Jobs answers any other topic under `jobs/` with InvalidTopic.
    route({ service: 'jobs', topic: jobsTopic('{thingName}', '#'), emptyAllowed: true, schema: z.object({}), handle: (r) => Promise.reject(new DomainError('INVALID_TOPIC', `${r.topic} is not an AWS IoT Jobs API topic.`)) }),
  ];
}
