import { z } from 'zod';

/**
 * EdgeFleet's own device topics for applications (AWS IoT has none for these): a camera's
 * credentials, asked for by a device that runs an application using the camera, and log
 * shipping. Both answer on `…/accepted` or `…/rejected`, to the asking session only.
 */
export const CAMERA_CREDENTIALS_TOPIC = 'edgefleet/things/{thingName}/cameras/credentials/get';
export const LOGS_TOPIC = 'edgefleet/things/{thingName}/logs';
export const cameraCredentialsTopic = (thingName: string) => CAMERA_CREDENTIALS_TOPIC.replace('{thingName}', thingName);
export const logsTopic = (thingName: string) => LOGS_TOPIC.replace('{thingName}', thingName);

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

/** The `applications` named shadow: what the worker wants on the device (desired) and what the device runs (reported). */
export const APPLICATIONS_SHADOW = 'applications';

/**
 * One application instance in the desired state, flat enough for AWS IoT's 6 levels of shadow
 * nesting. Camera credentials are never in it: devices ask for them on CAMERA_CREDENTIALS_TOPIC.
 */
export interface InstanceSpec {
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
  nodes: { name: string; interface: string; category: string; launch: string; value: string | number | boolean | null; streamUrl: string | null; asset: string | null; descriptor: string | null }[];
  edges: { producer: string; consumer: string }[];
  ports: { node: string; containerPort: number; hostPort: number }[];
  /** Node instance → PAUSE | RESUME. */
  signals: Record<string, string>;
}

export interface ApplicationsDesired {
  instances?: Record<string, InstanceSpec | null>;
}

/** What a device reports per instance. */
export interface ReportedInstance {
  status: 'DEPLOYMENT_IN_PROGRESS' | 'DEPLOYMENT_SUCCEEDED' | 'DEPLOYMENT_FAILED' | 'DEPLOYMENT_ERROR' | 'REMOVAL_IN_PROGRESS' | 'REMOVAL_SUCCEEDED' | 'REMOVAL_FAILED';
  reason?: string;
  healthStatus?: 'RUNNING' | 'ERROR' | 'NOT_AVAILABLE';
  nodes?: Record<string, { currentStatus: 'RUNNING' | 'ERROR' | 'NOT_AVAILABLE' | 'PAUSED'; reason?: string }>;
}
