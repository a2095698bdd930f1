import { z } from 'zod';
import { networkingConfiguration } from './bundle.contract';

/** Device Shadow topics: classic (`shadowName` null) and named. */
export const shadowTopic = (thingName: string, shadowName: string | null, op: 'update' | 'get' | 'delete') =>
  `$aws/things/${thingName}/shadow${shadowName ? `/name/${shadowName}` : ''}/${op}`;

/** `get` and `delete` carry nothing but the clientToken and the topic's parameters. */
export const shadowRequest = z.object({});

/** `…/update/documents` as AWS IoT publishes it; only the current document is read. */
export const shadowDocumentsEvent = z.object({
  current: z.object({ state: z.object({ reported: z.record(z.string(), z.unknown()).nullable().optional() }), version: z.int().min(0) }).nullable(),
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type ShadowState = { [key: string]: Json };

/** The reported part of the `system` named shadow: the device's self-report. */
const ethernet = z.object({
  ipAddress: z.string().max(64),
  connectionStatus: z.enum(['CONNECTED', 'NOT_CONNECTED']),
  hwAddress: z.string().max(32),
});
export const systemReport = z.object({
  currentSoftware: z.string().regex(/^\d{1,9}(\.\d{1,9}){0,3}$/).optional(),
  serialNumber: z.string().max(128).optional(),
  deviceType: z.enum(['PANORAMA_APPLIANCE', 'PANORAMA_APPLIANCE_DEVELOPER_KIT']).optional(),
  networking: z.object({ ethernet0: ethernet.optional(), ethernet1: ethernet.optional() }).optional(),
  /** The network settings the device has (those of its bundle), reported back. */
  networkingConfiguration: networkingConfiguration.optional(),
  ntp: z.object({ ntpServerName: z.string().max(255), connectionStatus: z.enum(['CONNECTED', 'NOT_CONNECTED']) }).partial().optional(),
  /**
   * How the device runs applications: its runtime (container, process, simulated), the container
   * engine's version, and its status after the Docker ACAP codes (-1 NOT STARTED … 7 SD CARD WRONG PERMISSION).
   */
  runtime: z
    .object({
      status: z.number().int().min(-1).max(7),
      message: z.string().max(255).optional(),
      kind: z.enum(['container', 'process', 'simulated']).optional(),
      engineVersion: z.string().max(64).optional(),
    })
    .optional(),
  /** The CPU architecture the device runs (arm64, amd64, armv7). */
  architecture: z.string().max(16).optional(),
  uptimeSeconds: z.number().nonnegative().optional(),
  /** The camera streams the device reads, as the streams say: STREAMING, CONNECTION_ERROR, AUTH_FAILED, STREAM_ERROR (or CONNECTING), why, and since when. */
  cameras: z.array(z.object({ name: z.string().max(255), status: z.string().max(64), reason: z.string().max(255).optional(), since: z.string().max(40).optional() })).max(64).optional(),
});
export type SystemReport = z.infer<typeof systemReport>;
export const SYSTEM_SHADOW = 'system';
