/** The categories: every edge maps these (GraphQL `extensions.code`, MQTT `/rejected`, Panorama REST exceptions). */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION_FAILED'
  | 'CONFLICT'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'INTERNAL';

/**
 * Stable reason codes, each under one category (`extensions.reason` in GraphQL). Edges map a
 * category, and where they must be more precise, a reason, to their own vocabulary.
 */
export const ERROR_REASONS = {
  // NOT_FOUND
  DEVICE_NOT_FOUND: 'NOT_FOUND',
  JOB_NOT_FOUND: 'NOT_FOUND',
  ROLLOUT_NOT_FOUND: 'NOT_FOUND',
  SOFTWARE_IMAGE_NOT_FOUND: 'NOT_FOUND',
  API_KEY_NOT_FOUND: 'NOT_FOUND',
  SHADOW_NOT_FOUND: 'NOT_FOUND',
  SECRET_NOT_FOUND: 'NOT_FOUND',
  PACKAGE_NOT_FOUND: 'NOT_FOUND',
  PACKAGE_VERSION_NOT_FOUND: 'NOT_FOUND',
  NODE_FROM_TEMPLATE_JOB_NOT_FOUND: 'NOT_FOUND',
  APPLICATION_INSTANCE_NOT_FOUND: 'NOT_FOUND',
  ORGANIZATION_NOT_FOUND: 'NOT_FOUND',
  RESOURCE_NOT_FOUND: 'NOT_FOUND',
  TUNNEL_NOT_FOUND: 'NOT_FOUND',
  ROLE_ALIAS_NOT_FOUND: 'NOT_FOUND',
  CLIP_NOT_FOUND: 'NOT_FOUND',
  THING_GROUP_NOT_FOUND: 'NOT_FOUND',
  DEPLOYMENT_NOT_FOUND: 'NOT_FOUND',
  /** No package file under this S3 key (S3's NoSuchKey). */
  OBJECT_NOT_FOUND: 'NOT_FOUND',
  /** No S3 multipart upload of this id (S3's NoSuchUpload). */
  UPLOAD_NOT_FOUND: 'NOT_FOUND',
  // VALIDATION_FAILED
  INVALID_ARGUMENT: 'VALIDATION_FAILED',
  /** The request is not valid GraphQL for the schema (syntax, unknown fields, wrong types). */
  INVALID_QUERY: 'VALIDATION_FAILED',
  /** A dynamic thing group's query string does not parse (AWS IoT's InvalidQueryException). */
  INVALID_FLEET_QUERY: 'VALIDATION_FAILED',
  /** The request is over a GRAPHQL_MAX_* limit (cost, aliases, depth, tokens); extensions carry the limit. */
  QUERY_TOO_COMPLEX: 'VALIDATION_FAILED',
  INVALID_CURSOR: 'VALIDATION_FAILED',
  INVALID_JSON: 'VALIDATION_FAILED',
  PAYLOAD_TOO_LARGE: 'VALIDATION_FAILED',
  JOB_NOT_ALLOWED: 'VALIDATION_FAILED',
  UPLOAD_INCOMPLETE: 'VALIDATION_FAILED',
  /** A topic under an AWS IoT service's prefix that names none of its APIs. */
  INVALID_TOPIC: 'VALIDATION_FAILED',
  INVALID_CSR: 'VALIDATION_FAILED',
  INVALID_OWNERSHIP_TOKEN: 'VALIDATION_FAILED',
  /** A Panorama document (package.json, a descriptor) breaks its schema; details list every problem with its JSON path. */
  INVALID_PACKAGE_MANIFEST: 'VALIDATION_FAILED',
  /** A file's content is not what was signed or what its name claims (its SHA-256). */
  DIGEST_MISMATCH: 'VALIDATION_FAILED',
  /** A multipart upload's completion names a part that was not uploaded, or parts out of order. */
  INVALID_PART: 'VALIDATION_FAILED',
  // CONFLICT
  ALREADY_EXISTS: 'CONFLICT',
  INVALID_STATE_TRANSITION: 'CONFLICT',
  CHANGED_MEANWHILE: 'CONFLICT',
  VERSION_CONFLICT: 'CONFLICT',
  OTA_IN_PROGRESS: 'CONFLICT',
  IMAGE_NOT_UPLOADED: 'CONFLICT',
  ALREADY_UPLOADED: 'CONFLICT',
  ALREADY_REVOKED: 'CONFLICT',
  LAST_ADMIN_KEY: 'CONFLICT',
  DEVICE_BEING_DELETED: 'CONFLICT',
  /** An asset or manifest a package version names is not uploaded yet. */
  ASSET_NOT_UPLOADED: 'CONFLICT',
  /** A package (version) that running or deploying applications use. */
  PACKAGE_IN_USE: 'CONFLICT',
  /** A tunnel closed (by an operator, or its lifetime ended): nothing can join or close it again. */
  TUNNEL_CLOSED: 'CONFLICT',
  /** A device that has not finished provisioning has no agent to reach. */
  DEVICE_NOT_PROVISIONED: 'CONFLICT',
  /** With AWS IoT Core as the backend, tunnels are AWS IoT secure tunneling's. */
  USE_AWS_TUNNELING: 'CONFLICT',
  /** A thing group that an active deployment targets cannot be deleted (cancel the deployment first). */
  GROUP_IN_USE: 'CONFLICT',
  /** A static group takes members by hand, a dynamic one only from its query. */
  DYNAMIC_GROUP_MEMBERSHIP: 'CONFLICT',
  // QUOTA_EXCEEDED
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  TOO_MANY_TAGS: 'QUOTA_EXCEEDED',
  // RATE_LIMITED
  REQUEST_RATE_EXCEEDED: 'RATE_LIMITED',
  MUTATION_RATE_EXCEEDED: 'RATE_LIMITED',
  /** A thing sent more requests to the AWS IoT service topics than its per-thing rate allows. */
  DEVICE_REQUEST_RATE_EXCEEDED: 'RATE_LIMITED',
  // UNAUTHENTICATED
  API_KEY_MISSING: 'UNAUTHENTICATED',
  API_KEY_INVALID: 'UNAUTHENTICATED',
  // FORBIDDEN
  ROLE_REQUIRED: 'FORBIDDEN',
  ORGANIZATION_SUSPENDED: 'FORBIDDEN',
  /** Installation administration (organizations) needs the installation admin key, and that key does nothing else. */
  INSTALLATION_ADMIN_REQUIRED: 'FORBIDDEN',
  NOT_YOUR_THING: 'FORBIDDEN',
  CLAIM_ALREADY_USED: 'FORBIDDEN',
  CLAIM_EXPIRED: 'FORBIDDEN',
  DEVICE_NOT_PROVISIONABLE: 'FORBIDDEN',
  /** An S3 key outside the caller organization's packages (S3's AccessDenied). */
  OBJECT_KEY_FORBIDDEN: 'FORBIDDEN',
  /** A device sent an application's frame that no operator asked for (its snapshots are off): frames stay on devices. */
  SNAPSHOTS_OFF: 'FORBIDDEN',
  /** A local proxy's access token is unknown, spent, of the other side, of a closed tunnel, or its client token differs. */
  TUNNEL_ACCESS_DENIED: 'FORBIDDEN',
  /** Temporary credentials past their expiration (S3's ExpiredToken). */
  EXPIRED_TOKEN: 'FORBIDDEN',
  /** Temporary credentials whose role alias's policy does not allow the request (S3's AccessDenied). */
  POLICY_DENIED: 'FORBIDDEN',
  // INTERNAL
  UPSTREAM_FAILED: 'INTERNAL',
  /** A bug or an outage: logged, never shown in detail. */
  UNEXPECTED: 'INTERNAL',
  SECRET_UNREADABLE: 'INTERNAL',
} as const satisfies Record<string, ErrorCode>;
export type ErrorReason = keyof typeof ERROR_REASONS;

export class DomainError extends Error {
  override name = 'DomainError';
  /** The category of the reason. */
  readonly code: ErrorCode;
  constructor(
    readonly reason: ErrorReason,
    message: string,
    /** Safe, user-facing details (field names, limits); never secrets. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.code = ERROR_REASONS[reason];
  }
}

const NOT_FOUND_REASONS: Record<string, ErrorReason> = {
  Device: 'DEVICE_NOT_FOUND',
  Job: 'JOB_NOT_FOUND',
  Rollout: 'ROLLOUT_NOT_FOUND',
  'Software image': 'SOFTWARE_IMAGE_NOT_FOUND',
  'API key': 'API_KEY_NOT_FOUND',
  Secret: 'SECRET_NOT_FOUND',
  Organization: 'ORGANIZATION_NOT_FOUND',
  Package: 'PACKAGE_NOT_FOUND',
  'Package version': 'PACKAGE_VERSION_NOT_FOUND',
  'Node from template job': 'NODE_FROM_TEMPLATE_JOB_NOT_FOUND',
  'Application instance': 'APPLICATION_INSTANCE_NOT_FOUND',
  Tunnel: 'TUNNEL_NOT_FOUND',
  'Role alias': 'ROLE_ALIAS_NOT_FOUND',
  Clip: 'CLIP_NOT_FOUND',
  'Thing group': 'THING_GROUP_NOT_FOUND',
  Deployment: 'DEPLOYMENT_NOT_FOUND',
};

export const notFound = (what: string, id: string) => new DomainError(NOT_FOUND_REASONS[what] ?? 'RESOURCE_NOT_FOUND', `${what} ${id} was not found.`, { id });

export const validationFailed = (field: string, message: string, reason: ErrorReason = 'INVALID_ARGUMENT') =>
  new DomainError(reason, `${field}: ${message}`, { field });
