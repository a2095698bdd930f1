import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from '@edgefleet/organizations';

export interface RequestContext {
  principal: Principal;
}

/** The authenticated API key of this request (set by the auth hook before any resolver runs). */
export const Caller = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => GqlExecutionContext.create(ctx).getContext<RequestContext>().principal,
);

/** The scheme and host the caller reached the api at (behind a proxy, as X-Forwarded-* say): for URLs the caller will use. */
export const Origin = createParamDecorator((_: unknown, ctx: ExecutionContext): { protocol: string; host: string } => {
  const { request } = GqlExecutionContext.create(ctx).getContext<{ reply: { request: { protocol: string; host: string } } }>().reply;
  return { protocol: request.protocol, host: request.host };
});
