import { z } from 'zod';

/**
 * EdgeFleet's own device topics for applications (AWS IoT has none for these): a camera's
 * credentials, asked for by a device that runs an application using the camera, and log
 * shipping. Both answer on `…/accepted` or `…/rejected`, to the asking session only.
 */
export const CAMERA_CREDENTIALS_TOPIC = 'edgefleet/things/{thingName}/cameras/credentials/get';
export const LOGS_TOPIC = 'edgefleet/things/{thingName}/logs';
/** An application's last output frame, sent only while an operator asked for snapshots of it. */
export const APPLICATION_FRAMES_TOPIC = 'edgefleet/things/{thingName}/applications/frames';
export const cameraCredentialsTopic = (thingName: string) => CAMERA_CREDENTIALS_TOPIC.replace('{thingName}', thingName);
export const logsTopic = (thingName: string) => LOGS_TOPIC.replace('{thingName}', thingName);
export const applicationFramesTopic = (thingName: string) => APPLICATION_FRAMES_TOPIC.replace('{thingName}', thingName);

/** `camera` is the camera's package name (outputPackageName of its CreateNodeFromTemplateJob). */
export const cameraCredentialsRequest = z.object({ camera: z.string().min(1).max(128) });

/** The latest instant a JavaScript Date holds (8.64e15 ms, year 275760): a later timestamp could be stored but never shown. */
export const MAX_TIMESTAMP_MS = 8_640_000_000_000_000;

export const logBatchRequest = z.object({
  applicationInstanceId: z.string().regex(/^applicationInstance-[a-z2-7]{26}$/, 'must be an application instance id').optional(),
  /** A node name or console_output for an application; occ_log, ota_log, syslog, … for the device itself. */
  logStream: z.string().regex(/^[a-zA-Z0-9_.-]{1,128}$/, 'must be 1 to 128 of a-z, A-Z, 0-9, _, . and -'),
  events: z
    .array(
      z.object({
        timestamp: z.number().int().nonnegative().max(MAX_TIMESTAMP_MS, `must be milliseconds since 1970 up to ${MAX_TIMESTAMP_MS} (a JavaScript date)`),
        message: z.string().max(8192),
      }),
    )
    .max(10_000),
});
export type LogBatchRequest = z.infer<typeof logBatchRequest>;

/** Largest JPEG a frame may carry, base64 (the frame fits the gateway's 128 KiB payload limit). */
export const FRAME_JPEG_MAX_BASE64 = 120_000;
export const applicationFrameRequest = z.object({
  applicationInstanceId: z.string().regex(/^applicationInstance-[a-z2-7]{26}$/, 'must be an application instance id'),
  streamId: z.string().min(1).max(255),
  capturedAt: z.number().int().nonnegative().max(MAX_TIMESTAMP_MS),
  /** The labels the application drew, as text. */
  labels: z.array(z.string().max(512)).max(50),
  jpeg: z.string().min(4).max(FRAME_JPEG_MAX_BASE64).regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
});
export type ApplicationFrameRequest = z.infer<typeof applicationFrameRequest>;

/** The `applications` named shadow: what the worker wants on the device (desired) and what the device runs (reported). */
export const APPLICATIONS_SHADOW = 'applications';

/**
 * The desired state of the `applications` shadow: each instance by the revision of its spec, and
 * where the device fetches specs: `specs` is a URL signed for this device, under which
 * `<specs path>/<instance id>` answers the instance's spec. The specs themselves are too large
 * for the shadow: ten of the guide's sample would need 23 KB of the 8 KB AWS IoT (and
 * SHADOW_MAX_BYTES) allows for desired and reported state together.
 */
export interface ApplicationsDesired {
  specs?: string;
  instances?: Record<string, string | null>;
}

/** The api path under which a device's specs are served (signed as a whole). */
export const deploymentSpecsPath = (thingName: string) => `/deployments/${thingName}`;
/** The URL of one instance's spec, from the desired state's `specs`. */
export function instanceSpecUrl(specs: string, applicationInstanceId: string): string {
  const url = new URL(specs);
  url.pathname = `${url.pathname}/${applicationInstanceId}`;
  return url.toString();
}

/**
 * One application instance as the device runs it, fetched from `instanceSpecUrl`. Camera
 * credentials are never in it: devices ask for them on CAMERA_CREDENTIALS_TOPIC.
 */
export interface InstanceSpec {
  /** Changes whenever anything below changes but the file URLs (signed again on every fetch); REVISION_LENGTH hex digits. */
  revision: string;
  name: string | null;
  /** The instance this one replaces: keep that one running until this one runs. */
  replaces: string | null;
  packages: { name: string; version: string; patchVersion: string }[];
  /** Every file to download, by SHA-256: a signed URL and the size. */
  files: Record<string, { url: string; sizeBytes: number }>;
  /**
   * category: business_logic, ml_model, media_source (camera), media_sink or parameter; `asset` and
   * `descriptor` are the SHA-256 of a code or model node's files; `streamUrl` is a camera's.
   */
  nodes: {
    name: string;
    interface: string;
    category: string;
    launch: string;
    value: string | number | boolean | null;
    streamUrl: string | null;
    asset: string | null;
    descriptor: string | null;
    /** A code node's package asks for the GPU (Panorama's hardware_access nvhost_gpu requirement). */
    gpu?: boolean;
    /** The CPU architecture its container is built for, when the package says. */
    architecture?: string;
  }[];
  edges: { producer: string; consumer: string }[];
  ports: { node: string; containerPort: number; hostPort: number }[];
  /** Node instance → PAUSE | RESUME. */
  signals: Record<string, string>;
  /** Every how many seconds the device sends the last output frame (APPLICATION_FRAMES_TOPIC); absent: never. */
  snapshotIntervalSeconds?: number;
  /** The instance's runtime role (its runtimeRoleArn, as a role alias): its code nodes get temporary credentials for it through panoramasdk. */
  runtimeRole?: RuntimeRole;
}

/**
 * Where a device gets its applications' credentials: the role alias at the credentials provider
 * (AWS IoT's protocol, mutual TLS with the device's certificate), and the S3-compatible endpoint
 * they are for.
 */
export interface RuntimeRole {
  roleAlias: string;
  /** https://host:port of the credentials provider. */
  credentialsProvider: string;
  s3Endpoint: string;
}

export const REVISION_LENGTH = 16;

/** Longest reasons a device reports, so that ten instances always fit the shadow (the full text goes to its logs). */
export const REPORTED_REASON_MAX = 100;
export const REPORTED_NODE_REASON_MAX = 40;

/** What a device reports per instance. */
export interface ReportedInstance {
  status: 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYMENT_SUCCEEDED' | 'DEPLOYMENT_FAILED' | 'DEPLOYMENT_ERROR' | 'REMOVAL_IN_PROGRESS' | 'REMOVAL_SUCCEEDED' | 'REMOVAL_FAILED';
  reason?: string;
  healthStatus?: 'RUNNING' | 'ERROR' | 'NOT_AVAILABLE';
  nodes?: Record<string, { currentStatus: 'RUNNING' | 'ERROR' | 'NOT_AVAILABLE' | 'PAUSED'; reason?: string }>;
}

/**
 * The most one instance takes of the `applications` shadow: its desired entry, and its reported
 * entry at its longest (longest statuses, and reasons as long as a device reports them).
 */
export function applicationsShadowFootprint(applicationInstanceId: string, nodeInstanceIds: string[]): number {
  const revision = 'x'.repeat(REVISION_LENGTH);
  const reported: Required<ReportedInstance> = {
    status: 'DEPLOYMENT_IN_PROGRESS',
    reason: 'x'.repeat(REPORTED_REASON_MAX),
    healthStatus: 'NOT_AVAILABLE',
    nodes: Object.fromEntries(nodeInstanceIds.map((id) => [id, { currentStatus: 'NOT_AVAILABLE', reason: 'x'.repeat(REPORTED_NODE_REASON_MAX) }])),
  };
  // Each entry with its key, a colon and a comma, in both halves.
  return 2 * (JSON.stringify(applicationInstanceId).length + 2) + JSON.stringify(revision).length + JSON.stringify(reported).length;
}

/** The state around the entries, with its `specs` URL: `{"desired":{"specs":"…","instances":{…}},"reported":{"instances":{…}}}`. */
export const applicationsShadowOverhead = (specsUrl: string) => JSON.stringify({ desired: { specs: specsUrl, instances: {} }, reported: { instances: {} } }).length;
