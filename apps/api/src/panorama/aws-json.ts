import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { ApiException, retryAfter, toApiException } from './panorama.routes';

/**
 * AWS's JSON 1.1 protocol (CloudWatch Logs, IoT secure tunneling): the operation is named by
 * X-Amz-Target, the input is the body's JSON object, errors are `__type` and `x-amzn-ErrorType`.
 */
const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The operation X-Amz-Target names (`<service prefix>.<Operation>`), if it is one of `operations`. */
export function jsonOperation<K extends string>(req: FastifyRequest, prefix: string, operations: Record<K, unknown>): K {
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : '';
  if (!Object.hasOwn(operations, op)) throw new ApiException('UnknownOperationException', 400, `EdgeFleet serves ${Object.keys(operations).join(', ')}, not ${target.slice(0, 80)}.`);
  return op as K;
}

/** The body checked against the operation's schema; a failure is `validationType` in AWS's wording. */
export function jsonInput<T>(req: FastifyRequest, schema: z.ZodType<T>, validationType: string): T {
  let body: unknown;
  try {
    body = JSON.parse((req.body as Buffer | undefined)?.toString('utf8') || '{}');
  } catch {
    throw new ApiException('SerializationException', 400, 'The request body is not valid JSON.');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiException(validationType, 400, `1 validation error detected: Value at '${issue.path.join('.')}' failed to satisfy constraint: ${issue.message}`);
  }
  return parsed.data;
}

export const sendJson = (reply: FastifyReply, output: unknown) => reply.header('content-type', CONTENT_TYPE).send(output);

/** An error as the service names it: `types` renames Panorama's exception types, `statuses` its HTTP statuses. */
export function sendJsonError(reply: FastifyReply, err: unknown, types: Record<string, string>, statuses: Record<number, number>): FastifyReply {
  const e = toApiException(err);
  const type = types[e.type] ?? e.type;
  return retryAfter(reply, e)
    .code(statuses[e.status] ?? e.status)
    .header('x-amzn-ErrorType', type)
    .header('content-type', CONTENT_TYPE)
    .send({ __type: type, message: e.message });
}
