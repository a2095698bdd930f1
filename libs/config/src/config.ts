import { isIP } from 'node:net';
import { z } from 'zod';

/** Dependency-injection token under which apps provide the loaded {@link Config}. */
export const CONFIG = 'EDGEFLEET_CONFIG';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const schema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgresql://postgres@127.0.0.1:5432/edgefleet'),
  /** Connections each process keeps to Postgres. */
  DATABASE_POOL_SIZE: positiveInt(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /** Prefix of every BullMQ and Redis key, so several installations (or test runs) can share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9:_-]+$/).default('edgefleet'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port(3000),
  /**
   * Whose X-Forwarded-For/-Proto/-Host the api believes (the client address of audits and
   * tunnels, the URLs it hands out): comma-separated addresses or CIDRs, or loopback,
   * linklocal, uniquelocal. A load balancer on this host (npm start -- --scale) is loopback.
   */
  TRUSTED_PROXIES: z
    .string()
    .min(1)
    .refine((v) => v.split(',').every((e) => /^(loopback|linklocal|uniquelocal)$/.test(e.trim()) || isIP(e.trim().replace(/\/\d{1,3}$/, '')) !== 0), 'must be comma-separated IP addresses or CIDRs, or loopback, linklocal, uniquelocal')
    .default('loopback'),
  /** Public base URL of the api, used in signed download links. */
  API_PUBLIC_URL: z.url().optional(),
  /** Where local proxies join secure tunnels (ws:// or wss://, the api's /tunnel); by default the api's public URL, or the address a caller reached it at. */
  TUNNEL_PUBLIC_URL: z.url({ protocol: /^wss?$/ }).optional(),
  GRAPHIQL: flag(true),
  /** Prometheus: each process serves `/metrics` and `/health` here, apart from the api's public port. */
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  API_METRICS_PORT: port(9463),
  WORKER_METRICS_PORT: port(9464),
  GATEWAY_METRICS_PORT: port(9465),
  IOT_BACKEND: z.enum(['local', 'aws']).default('local'),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** PEM file of the root CA AWS IoT endpoints present (Amazon Root CA 1); shipped in bundles with IOT_BACKEND=aws. */
  AWS_IOT_ROOT_CA_FILE: z.string().optional(),
  /** IOT_BACKEND=aws: where the worker listens to lifecycle and shadow events (mqtts://<endpoint>:8883), with its certificate. */
  AWS_IOT_EVENTS_URL: z.url({ protocol: /^mqtts?$/ }).optional(),
  AWS_IOT_CLIENT_CERT_FILE: z.string().optional(),
  AWS_IOT_CLIENT_KEY_FILE: z.string().optional(),
  /**
   * The installation's region: in ARNs (`local` when unset) and, when set, the only region
   * SigV4 requests may be signed for. Unset, a request signed for any region is accepted (the
   * signature is checked for the region it names), so users' usual AWS configuration works.
   */
  EDGEFLEET_REGION: z.string().regex(/^[a-z0-9-]+$/).optional(),
  EDGEFLEET_DEFAULT_ORGANIZATION: z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/).default('default'),
  /** Installation administration (create, list, suspend organizations) over GraphQL; unset, only `npm run org` can. */
  EDGEFLEET_INSTALLATION_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** When set, becomes the default organization's admin key on first start (for automation). */
  EDGEFLEET_BOOTSTRAP_API_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  /** Panorama's defaults: 50 devices, 5 requests/s and 1 mutating request/s per key. */
  QUOTA_DEVICES: positiveInt(50),
  /** Panorama's package quotas: 50 packages (camera streams included), 20 versions per package. */
  QUOTA_PACKAGES: positiveInt(50),
  QUOTA_PACKAGE_VERSIONS: positiveInt(20),
  RATE_LIMIT_REQUESTS_PER_SECOND: positiveInt(5),
  RATE_LIMIT_MUTATIONS_PER_SECOND: positiveInt(1),
  RATE_LIMIT_REQUEST_BURST: positiveInt(10),
  RATE_LIMIT_MUTATION_BURST: positiveInt(5),
  /** Limits on one GraphQL request, checked before anything runs: cost (lists count × `first`), aliases, depth, tokens. */
  GRAPHQL_MAX_COST: positiveInt(10_000),
  GRAPHQL_MAX_ALIASES: positiveInt(50),
  GRAPHQL_MAX_DEPTH: positiveInt(12),
  GRAPHQL_MAX_TOKENS: positiveInt(5_000),
  /** Where the local CA, server certificate and uploaded images live. Never committed. */
  DATA_DIR: z.string().min(1).default('.data'),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  GATEWAY_PORT: port(8883),
  /** The gateway's accept queue: connections waiting for their TLS handshake in a storm (the kernel caps it at net.core.somaxconn). */
  GATEWAY_LISTEN_BACKLOG: positiveInt(4096),
  /** Redis for the gateways' shared MQTT sessions and routing (aedes keys are unprefixed, so a database of their own). */
  GATEWAY_REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379/2'),
  /**
   * Instead of GATEWAY_REDIS_URL, a Redis Cluster (seed nodes, `host:port,host:port,…`) for the
   * gateways' sessions and routing: each thing's messages travel on its channel's shard with
   * sharded pub/sub (SPUBLISH/SSUBSCRIBE), so routing grows with the fleet, not the gateways.
   */
  GATEWAY_REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s:,]+:\d{1,5}\s*(,\s*[^\s:,]+:\d{1,5}\s*)*$/, 'must be host:port seed nodes, comma-separated')
    .transform((v) => v.split(',').map((node) => ({ host: node.trim().split(':')[0], port: Number(node.trim().split(':')[1]) })))
    .optional(),
  /** Host names and IPs the devices dial; the gateway's server certificate carries them as SANs. */
  GATEWAY_SANS: list('localhost,127.0.0.1'),
  /** Host:port written into provisioning bundles; defaults to the first SAN and GATEWAY_PORT. */
  GATEWAY_ENDPOINT: z.string().optional(),
  /** Service requests (shadow, jobs, provisioning) over this get a 413 `/rejected`. */
  MQTT_MAX_PAYLOAD_BYTES: positiveInt(128 * 1024),
  /** Any MQTT packet (CONNECT included) announcing more closes the connection before it is read. */
  MQTT_MAX_PACKET_BYTES: positiveInt(256 * 1024),
  /** Retained messages: only on a device's own `edgefleet/things/<thing>/…` topics, payloads up to this. */
  MQTT_MAX_RETAINED_BYTES: positiveInt(8 * 1024),
  /** Requests per thing to the AWS IoT service topics (AWS IoT's Device Shadow limit is 20/s per thing), with bursts up to DEVICE_REQUEST_BURST. */
  DEVICE_REQUESTS_PER_SECOND: positiveInt(20),
  DEVICE_REQUEST_BURST: positiveInt(40),
  /** Device Shadow state limit: AWS IoT's 8 KB by default, at most 64 KB. */
  SHADOW_MAX_BYTES: positiveInt(8 * 1024).refine((v) => v <= 64 * 1024, 'must be at most 65536'),
  /** Gateways refresh lastSeenAt of their connections this often; twice this without news is OFFLINE. */
  PRESENCE_HEARTBEAT_SECONDS: positiveInt(30),
  PROVISIONING_TEMPLATE: z.string().regex(/^[a-zA-Z0-9_-]+$/).default('edgefleet-fleet-provisioning'),
  CLAIM_TTL_SECONDS: positiveInt(300).refine((v) => v <= 300, 'must be at most 300 (claims last 5 minutes)'),
  DEVICE_CERT_DAYS: positiveInt(365),
  /** HMAC key of signed image URLs, shared by every api process; without it, one is generated into DATA_DIR. */
  URL_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** AWS IoT's credentials provider (mutual TLS with device certificates), served by each gateway. */
  CREDENTIALS_PROVIDER_HOST: z.string().min(1).default('127.0.0.1'),
  CREDENTIALS_PROVIDER_PORT: port(8443),
  /** HMAC key of the temporary credentials it issues, shared by gateways and api processes; without it, one is generated into DATA_DIR. */
  CREDENTIALS_SIGNING_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Issued credentials last the role alias's credentialDurationSeconds, at most this (lower it to test expiry). */
  CREDENTIALS_MAX_SECONDS: positiveInt(43_200),
  /** The bucket of camera clips devices upload (key clips/<thing>/<camera>/<timestamp>.mp4), on the S3-compatible endpoint. */
  CLIPS_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name").default('edgefleet-clips'),
  CLIP_MAX_BYTES: positiveInt(512 * 1024 ** 2),
  /** How long an organization's clips are kept and how many bytes of them (the oldest go first), unless it sets its own within the maximums. */
  CLIPS_RETENTION_DAYS: positiveInt(30),
  CLIPS_RETENTION_MAX_DAYS: positiveInt(365),
  CLIPS_RETENTION_BYTES: positiveInt(10 * 1024 ** 3),
  CLIPS_RETENTION_MAX_BYTES: positiveInt(1024 ** 4),
  /** Where secrets (camera credentials) live: `local` (encrypted in Postgres) or `aws` (Secrets Manager in AWS_REGION). */
  SECRETS_BACKEND: z.enum(['local', 'aws']).default('local'),
  /** SECRETS_BACKEND=local: the master key, shared by every api and worker; without it, one is generated into DATA_DIR. */
  SECRETS_MASTER_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be the base64 of exactly 32 bytes (make one with: openssl rand -base64 32)')
    .optional(),
  /** Lifetime of signed image download URLs (devices) and upload URLs (operators). */
  IMAGE_DOWNLOAD_URL_TTL_SECONDS: positiveInt(3600),
  IMAGE_UPLOAD_URL_TTL_SECONDS: positiveInt(900),
  IMAGE_MAX_BYTES: positiveInt(8 * 1024 ** 3),
  /** Package assets (containers, models, descriptors, package manifests): one PUT per signed URL. */
  PACKAGE_ASSET_URL_TTL_SECONDS: positiveInt(900),
  PACKAGE_ASSET_MAX_BYTES: positiveInt(8 * 1024 ** 3),
  /** Server-side job timeouts: queued while the device is away, in progress, and rebooting (until it comes back). */
  JOB_QUEUED_TIMEOUT_SECONDS: positiveInt(7 * 86_400),
  JOB_IN_PROGRESS_TIMEOUT_SECONDS: positiveInt(3600),
  JOB_REBOOTING_TIMEOUT_SECONDS: positiveInt(900),
  /** How long finished work and history are kept, in days: completed outbox rows, status event rows, audit events (longest). */
  RETENTION_OUTBOX_DAYS: positiveInt(7),
  RETENTION_EVENTS_DAYS: positiveInt(90),
  RETENTION_AUDIT_DAYS: positiveInt(365),
  /** How often workers prune, and how many rows one statement deletes at most (small batches never lock the hot tables). */
  RETENTION_SWEEP_MS: positiveInt(3_600_000),
  RETENTION_BATCH: positiveInt(5000),
  /** How often workers run job completion checks, timeouts and rollout waves. */
  JOB_SWEEP_MS: positiveInt(1000),
  /** Deployment steps: requested (the device may be offline; it gets the deployment when it returns), in progress on the device, and removal. */
  DEPLOYMENT_REQUESTED_TIMEOUT_SECONDS: positiveInt(7 * 86_400),
  DEPLOYMENT_IN_PROGRESS_TIMEOUT_SECONDS: positiveInt(1800),
  /** Signed asset URLs in the applications shadow last as long as a deployment may wait for its device. */
  DEPLOYMENT_URL_TTL_SECONDS: positiveInt(7 * 86_400),
  /** Device and application log lines are kept this long; a device sends at most LOG_MAX_EVENTS_PER_BATCH lines per message. */
  RETENTION_LOGS_DAYS: positiveInt(30),
  LOG_MAX_EVENTS_PER_BATCH: positiveInt(500),
}).transform((c) => ({ ...c, /** The region of EdgeFleet's ARNs. */ REGION: c.EDGEFLEET_REGION ?? 'local' }));

export type Config = z.output<typeof schema>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the environment once; a bad value throws one line naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const name = String(issue.path[0]);
  const got = env[name] === undefined ? '' : ` (got ${JSON.stringify(env[name])})`;
  throw new ConfigError(`Invalid configuration: ${name}: ${issue.message}${got}`);
}
