import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import type { GqlExceptionFilter } from '@nestjs/graphql';
import { ErrorWithProps } from 'mercurius';
import { DomainError } from '@edgefleet/domain';

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
export class GraphqlErrorFilter implements GqlExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost) {
    return toGraphqlError(exception);
  }
}

/**
 * Errors GraphQL itself raises (syntax, unknown fields, wrong argument types) carry
 * no code; they are the caller's input errors, so they get VALIDATION_FAILED.
 */
export function withErrorCodes<T extends { response: { errors?: readonly { extensions?: Record<string, unknown> }[] } }>(formatted: T): T {
  for (const error of formatted.response.errors ?? []) {
    if (!error.extensions?.code) {
      (error as { extensions?: Record<string, unknown> }).extensions = { ...error.extensions, code: 'VALIDATION_FAILED', reason: 'INVALID_QUERY' };
    }
  }
  return formatted;
}
