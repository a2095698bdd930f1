import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@edgefleet/organizations';
import { ShadowManagementService } from '@edgefleet/shadows';
import { Caller } from '../graphql/caller.decorator';
import { GraphQLJSON } from '../graphql/json.scalar';

@Resolver()
export class DeviceShadowResolver {
  constructor(private readonly shadows: ShadowManagementService) {}

  @Query(() => GraphQLJSON, { description: "A device's shadow document: state (desired, reported, delta), metadata, version." })
  deviceShadow(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('shadowName', { type: () => String, nullable: true, description: 'Omit for the classic shadow; e.g. system, applications.' }) shadowName?: string | null,
  ): Promise<object> {
    return this.shadows.get(caller, deviceId, shadowName ?? null);
  }

  @Mutation(() => GraphQLJSON, { description: 'Merges desired state into a shadow (null deletes a key); the device receives the delta.' })
  updateDeviceShadowDesired(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('desired', { type: () => GraphQLJSON }) desired: unknown,
    @Args('shadowName', { type: () => String, nullable: true }) shadowName?: string | null,
  ): Promise<object> {
    return this.shadows.updateDesired(caller, deviceId, shadowName ?? null, desired);
  }
}
