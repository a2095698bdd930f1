import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { GqlContextType, GqlExceptionFilter } from '@nestjs/graphql';
import { ErrorWithProps } from 'mercurius';
import { DomainError } from '@edgefleet/domain';
import { TOO_COMPLEX } from './query-limits';

const HTTP_STATUS: Partial<Record<DomainError['code'], number>> = { UNAUTHENTICATED: 401, RATE_LIMITED: 429 };

const logger = new Logger('GraphQL');

/** The one place where errors become GraphQL errors: a stable `extensions.code` and `reason`, never a stack trace. */
export function toGraphqlError(error: unknown): ErrorWithProps {
  if (error instanceof ErrorWithProps) return error;
  if (error instanceof DomainError) {
    return new ErrorWithProps(error.message, { code: error.code, reason: error.reason, ...error.details }, HTTP_STATUS[error.code] ?? 200);
  }
  logger.error({ err: error }, 'unexpected error');
  return new ErrorWithProps('Something went wrong on our side; it has been logged.', { code: 'INTERNAL', reason: 'UNEXPECTED' }, 200);
}

@Catch()
export class GraphqlErrorFilter extends BaseExceptionFilter implements GqlExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    // Plain HTTP (unknown routes, /health) keeps Nest's answers: a 404 is the caller's mistake, not an error of ours to log.
    if (host.getType<GqlContextType>() !== 'graphql') return super.catch(exception, host);
    return toGraphqlError(exception);
  }
}

/** graphql-js's own refusal of a document over `parse`'s maxTokens (GRAPHQL_MAX_TOKENS); it spells it "more that". */
const TOO_MANY_TOKENS = /Document contains more tha[nt] (\d+) tokens/;

/**
 * Errors GraphQL itself raises (syntax, unknown fields, wrong argument types) carry
 * no code; they are the caller's input errors, so they get VALIDATION_FAILED.
 */
export function withErrorCodes<T extends { response: { errors?: readonly { message: string; extensions?: Record<string, unknown> }[] } }>(formatted: T): T {
  for (const error of formatted.response.errors ?? []) {
    if (error.extensions?.code) continue;
    const e = error as { message: string; extensions?: Record<string, unknown> };
    const tokens = TOO_MANY_TOKENS.exec(e.message);
    if (tokens) {
      e.message = `The query has more than ${tokens[1]} tokens: ask for fewer fields, and send large inputs as variables.`;
      e.extensions = { ...e.extensions, ...TOO_COMPLEX, limit: Number(tokens[1]) };
    } else {
      e.extensions = { ...e.extensions, code: 'VALIDATION_FAILED', reason: 'INVALID_QUERY' };
    }
  }
  return formatted;
}
