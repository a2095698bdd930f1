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
