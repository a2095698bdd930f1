import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@edgefleet/config';
import type { Clock } from '@edgefleet/runtime';
import { DomainError, type ErrorCode, type ErrorReason } from '@edgefleet/domain';
import type { AccessKeyService, Principal, RequestAdmission } from '@edgefleet/organizations';
import { type Handler } from './panorama.operations';
import { OPERATIONS, type Problem, readInput, routeOf, serialize, validate } from './rest-json';
import { type Credential, parseAuthorization, verifySignature } from './sigv4';

const logger = new Logger('PanoramaApi');

/** The one table from EdgeFleet's error categories to the Panorama model's exceptions and HTTP codes. */
const EXCEPTIONS: Record<ErrorCode, [string, number]> = {
  VALIDATION_FAILED: ['ValidationException', 400],
  QUOTA_EXCEEDED: ['ServiceQuotaExceededException', 402],
  UNAUTHENTICATED: ['AccessDeniedException', 403],
  FORBIDDEN: ['AccessDeniedException', 403],
  NOT_FOUND: ['ResourceNotFoundException', 404],
  CONFLICT: ['ConflictException', 409],
  RATE_LIMITED: ['ThrottlingException', 429],
  INTERNAL: ['InternalServerException', 500],
};
/** ResourceType of ResourceNotFoundException, by reason. */
const RESOURCE_TYPES: Partial<Record<ErrorReason, string>> = {
  DEVICE_NOT_FOUND: 'device',
  JOB_NOT_FOUND: 'job',
  SOFTWARE_IMAGE_NOT_FOUND: 'image',
  PACKAGE_NOT_FOUND: 'package',
  PACKAGE_VERSION_NOT_FOUND: 'packageVersion',
  NODE_FROM_TEMPLATE_JOB_NOT_FOUND: 'nodeFromTemplateJob',
  APPLICATION_INSTANCE_NOT_FOUND: 'applicationInstance',
};

export class ApiException extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly fields: Record<string, unknown> = {},
    /** For a throttled request: when to retry (sent as Retry-After, in seconds). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

const validation = (message: string, reason: 'CANNOT_PARSE' | 'FIELD_VALIDATION_FAILED' | 'UNKNOWN_OPERATION' | 'OTHER', problems: Problem[] = []) =>
  new ApiException('ValidationException', 400, message, {
    Reason: reason,
    ...(problems.length ? { Fields: problems.map((p) => ({ Name: p.name, Message: p.message })), ErrorArguments: problems.map((p) => ({ Name: p.name, Value: p.message })) } : {}),
  });

/** A DomainError (or anything else) as the model's exception; `resourceId` names what the request was about. */
export function toApiException(err: unknown, resourceId = ''): ApiException {
  if (err instanceof ApiException) return err;
  if (!(err instanceof DomainError)) {
    logger.error({ err }, 'unexpected error');
    return new ApiException('InternalServerException', 500, 'Something went wrong on our side; it has been logged.');
  }
  const [type, status] = EXCEPTIONS[err.code];
  const d = err.details as { field?: string; id?: string; limit?: number; retryAfterMs?: number };
  const fields: Record<string, unknown> = {};
  if (type === 'ValidationException') Object.assign(fields, { Reason: 'FIELD_VALIDATION_FAILED', ...(d.field ? { Fields: [{ Name: d.field, Message: err.message }], ErrorArguments: [{ Name: d.field, Value: err.message }] } : {}) });
  if (type === 'ResourceNotFoundException') Object.assign(fields, { ResourceId: d.id ?? resourceId, ResourceType: RESOURCE_TYPES[err.reason] ?? 'resource' });
  if (type === 'ConflictException') Object.assign(fields, { ResourceId: d.id ?? resourceId, ResourceType: 'resource', ErrorArguments: [{ Name: 'reason', Value: err.reason }] });
  if (type === 'ServiceQuotaExceededException') Object.assign(fields, { QuotaCode: err.reason, ServiceCode: 'panorama', ...(d.limit ? { ResourceId: resourceId } : {}) });
  return new ApiException(type, status, err.message, fields, d.retryAfterMs);
}

/** A throttled request's Retry-After (whole seconds, as HTTP has it). */
export function retryAfter(reply: FastifyReply, e: ApiException): FastifyReply {
  return e.retryAfterMs === undefined ? reply : reply.header('retry-after', String(Math.max(1, Math.ceil(e.retryAfterMs / 1000))));
}

export function sendException(reply: FastifyReply, e: ApiException): FastifyReply {
  return retryAfter(reply, e)
    .code(e.status)
    .header('x-amzn-ErrorType', e.type)
    .header('content-type', 'application/json')
    .send({ ...e.fields, __type: e.type, Message: e.message });
}

/**
 * Authenticates a SigV4-signed request with an access key: unknown, revoked or wrongly
 * signed requests and a clock more than 15 minutes off are refused, each saying which;
 * then it is admitted as GraphQL requests are (`writes`: 1 for an operation that changes
 * anything, which a VIEWER key may not run; the key's rates; revocation at once).
 */
export async function authenticateSigned(req: FastifyRequest, service: string, deps: Deps, writes: 0 | 1, payload: 'body' | 'header' = 'body'): Promise<Principal> {
  const credential = parseAuthorization(req.headers.authorization);
  if (typeof credential === 'string') throw new ApiException('AccessDeniedException', 403, credential);
  let key;
  try {
    key = await deps.accessKeys.signingKey(credential.accessKeyId);
  } catch (err) {
    if (err instanceof DomainError && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) throw new ApiException('AccessDeniedException', 403, err.message);
    throw err;
  }
  await assertSigned(req, credential, key.secretAccessKey, service, deps, payload);
  await deps.admission.admit(key.principal, writes);
  return key.principal;
}

/** The request's SigV4 signature, checked with its credential's secret (an access key's, or temporary credentials'): AccessDenied saying why when it is wrong. */
export async function assertSigned(req: FastifyRequest, credential: Credential, secretAccessKey: string, service: string, deps: Deps, payload: 'body' | 'header'): Promise<void> {
  const refusal = await verifySignature(
    { method: req.method, url: req.raw.url ?? req.url, headers: req.headers, body: payload === 'body' ? ((req.body as Buffer | undefined) ?? Buffer.alloc(0)) : Buffer.alloc(0) },
    credential,
    secretAccessKey,
    { service, region: deps.config.EDGEFLEET_REGION, now: deps.clock.now(), payload },
  );
  if (refusal) throw new ApiException('AccessDeniedException', 403, refusal);
}

export interface Deps {
  accessKeys: AccessKeyService;
  admission: RequestAdmission;
  config: Config;
  /** Where "now" comes from for the signature's validity window. */
  clock: Clock;
}

/** Keeps request bodies as bytes (SigV4 signs them) in this scope; JSON is parsed after the signature is checked. */
export function rawBodies(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) => done(null, body));
}

function parseJson(body: Buffer | undefined): Record<string, unknown> {
  if (!body || body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw validation(`The request body is not valid JSON: ${(err as Error).message}`, 'CANNOT_PARSE');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw validation('The request body must be a JSON object.', 'CANNOT_PARSE');
  return parsed as Record<string, unknown>;
}

/** The Panorama API (restJson1, SigV4 service `panorama`) under /panorama: every operation of the model, by its HTTP binding. */
export function registerPanoramaRoutes(fastify: FastifyInstance, handlers: Record<string, Handler>, deps: Deps): void {
  void fastify.register(
    async (scope) => {
      rawBodies(scope);
      for (const op of OPERATIONS) {
        const handler = handlers[op.name];
        scope.route({
          method: op.method as 'GET',
          url: routeOf(op.requestUri),
          handler: async (req, reply) => {
            const params = req.params as Record<string, string>;
            try {
              // Every read of the model is a GET; every other method changes something.
              const principal = await authenticateSigned(req, 'panorama', deps, op.method === 'GET' ? 0 : 1);
              const input = readInput(op.input, { params, query: req.query as Record<string, string>, body: parseJson(req.body as Buffer | undefined) });
              const problems = op.input ? validate(op.input, input, '') : [];
              if (problems.length) throw validation(`${problems.length} validation error${problems.length > 1 ? 's' : ''} detected: ${problems.slice(0, 5).map((p) => `${p.name} ${p.message}`).join('; ')}`, 'FIELD_VALIDATION_FAILED', problems);
              const result = await handler(principal, input);
              return reply.code(200).header('content-type', 'application/json').send((op.output && serialize(op.output, result)) ?? {});
            } catch (err) {
              return sendException(reply, toApiException(err, Object.values(params)[0]));
            }
          },
        });
      }
      scope.setNotFoundHandler((req, reply) => sendException(reply, validation(`No Panorama operation is ${req.method} ${req.url.split('?')[0]}.`, 'UNKNOWN_OPERATION')));
    },
    { prefix: '/panorama' },
  );
}
