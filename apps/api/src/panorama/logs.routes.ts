import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { LogService } from '@edgefleet/applications';
import { DomainError } from '@edgefleet/domain';
import { jsonInput, jsonOperation, sendJson, sendJsonError } from './aws-json';
import { ApiException, type Deps, authenticateSigned, rawBodies } from './panorama.routes';

const MAX_EVENTS = 10_000;

const group = { logGroupName: z.string().min(1).max(512).optional(), logGroupIdentifier: z.string().min(1).max(2048).optional() };
const INPUTS = {
  GetLogEvents: z.object({ ...group, logStreamName: z.string().min(1).max(512), startTime: z.number().int().nonnegative().optional(), endTime: z.number().int().nonnegative().optional(), nextToken: z.string().optional(), limit: z.number().int().min(1).max(MAX_EVENTS).optional(), startFromHead: z.boolean().optional(), unmask: z.boolean().optional() }),
  DescribeLogStreams: z.object({ ...group, logStreamNamePrefix: z.string().min(1).max(512).optional(), orderBy: z.enum(['LogStreamName', 'LastEventTime']).optional(), descending: z.boolean().optional(), nextToken: z.string().optional(), limit: z.number().int().min(1).max(50).optional() }),
  FilterLogEvents: z.object({ ...group, logStreamNames: z.array(z.string().min(1).max(512)).min(1).max(100).optional(), logStreamNamePrefix: z.string().min(1).max(512).optional(), startTime: z.number().int().nonnegative().optional(), endTime: z.number().int().nonnegative().optional(), filterPattern: z.string().max(1024).optional(), nextToken: z.string().optional(), limit: z.number().int().min(1).max(MAX_EVENTS).optional(), interleaved: z.boolean().optional(), unmask: z.boolean().optional() }),
};

/** CloudWatch Logs answers with `__type` and lowercase `message`; these are its names for our categories. */
const LOGS_TYPES: Record<string, string> = {
  ValidationException: 'InvalidParameterException',
  ResourceNotFoundException: 'ResourceNotFoundException',
  AccessDeniedException: 'AccessDeniedException',
  ThrottlingException: 'ThrottlingException',
  ConflictException: 'OperationAbortedException',
  ServiceQuotaExceededException: 'LimitExceededException',
  InternalServerException: 'ServiceUnavailableException',
};

const ms = (d: Date) => d.getTime();
const date = (n: number | undefined) => (n === undefined ? null : new Date(n));
/** A token is the id after which reading goes on: `f/<id>` as CloudWatch's forward tokens look. */
const afterId = (token: string | undefined) => {
  if (token === undefined) return 0n;
  const m = /^[fb]\/(\d{1,18})$/.exec(token);
  if (!m) throw new DomainError('INVALID_CURSOR', 'The specified nextToken is invalid.', { field: 'nextToken' });
  return BigInt(m[1]);
};
/** FilterLogEvents' simplest patterns: terms, each to appear in the message ("quoted phrases" as one term). */
const terms = (pattern: string | undefined) => (pattern ? [...pattern.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]).filter(Boolean) : []);

/** CloudWatch Logs' GetLogEvents, DescribeLogStreams and FilterLogEvents (SigV4 service `logs`) under /logs, over EdgeFleet's log store. */
export function registerLogsRoutes(fastify: FastifyInstance, logs: LogService, deps: Deps): void {
  void fastify.register(
    async (scope) => {
      rawBodies(scope);
      const handler = async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const principal = await authenticateSigned(req, 'logs', deps, 0);
          const op = jsonOperation(req, 'Logs_20140328', INPUTS);
          const input = jsonInput<Record<string, any>>(req, INPUTS[op], 'InvalidParameterException');
          const logGroup = input.logGroupName ?? input.logGroupIdentifier;
          if (!logGroup) throw new ApiException('InvalidParameterException', 400, 'Either logGroupName or logGroupIdentifier is required.');
          return sendJson(reply, await run(op, logGroup, input, principal));
        } catch (err) {
          return sendJsonError(reply, err, LOGS_TYPES, { 402: 400, 409: 400 });
        }
      };
      const run = async (op: keyof typeof INPUTS, logGroup: string, input: Record<string, any>, principal: Awaited<ReturnType<typeof authenticateSigned>>) => {
        if (op === 'DescribeLogStreams') {
          const streams = await logs.streams(principal, logGroup, input.logStreamNamePrefix ?? null);
          const sorted = input.orderBy === 'LastEventTime' ? streams.sort((a, b) => ms(a.last) - ms(b.last)) : streams;
          if (input.descending) sorted.reverse();
          return {
            logStreams: sorted.slice(0, input.limit ?? 50).map((s) => ({
              logStreamName: s.logStream,
              creationTime: ms(s.first),
              firstEventTimestamp: ms(s.first),
              lastEventTimestamp: ms(s.last),
              lastIngestionTime: ms(s.lastIngestion),
              storedBytes: Number(s.bytes),
            })),
          };
        }
        const limit = input.limit ?? MAX_EVENTS;
        const rows = await logs.events(principal, logGroup, {
          streams: op === 'GetLogEvents' ? [input.logStreamName] : (input.logStreamNames ?? null),
          streamPrefix: op === 'FilterLogEvents' ? (input.logStreamNamePrefix ?? null) : null,
          start: date(input.startTime),
          end: date(input.endTime),
          terms: op === 'FilterLogEvents' ? terms(input.filterPattern) : [],
          afterId: afterId(input.nextToken),
          limit,
        });
        const page = rows.slice(0, limit);
        const last = page.at(-1)?.id ?? afterId(input.nextToken);
        if (op === 'GetLogEvents') {
          // Always a forward token (CloudWatch's: the same token again once nothing new came).
          return { events: page.map((r) => ({ timestamp: ms(r.timestamp), message: r.message, ingestionTime: ms(r.ingestionTime) })), nextForwardToken: `f/${last}`, nextBackwardToken: `b/${afterId(input.nextToken)}` };
        }
        return {
          events: page.map((r) => ({ logStreamName: r.logStream, timestamp: ms(r.timestamp), message: r.message, ingestionTime: ms(r.ingestionTime), eventId: String(r.id) })),
          searchedLogStreams: [...new Set(page.map((r) => r.logStream))].map((logStreamName) => ({ logStreamName, searchedCompletely: rows.length <= limit })),
          ...(rows.length > limit ? { nextToken: `f/${last}` } : {}),
        };
      };
      scope.post('/', handler);
    },
    { prefix: '/logs' },
  );
}
