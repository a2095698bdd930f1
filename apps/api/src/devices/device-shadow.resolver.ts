import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainError } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import { ShadowManagementService } from '@edgefleet/shadows';
import { Caller } from '../graphql/caller.decorator';
import { GraphQLJSON } from '../graphql/json.scalar';
import { Device } from './device.types';

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

/** A device's shadows as fields of the device, null when it has none of that name (a page reads them with the device, in one request). */
@Resolver(() => Device)
export class DeviceShadowFieldResolver {
  constructor(private readonly shadows: ShadowManagementService) {}

  @ResolveField(() => GraphQLJSON, { nullable: true, description: 'A shadow document of the device (as deviceShadow), or null when the device has none of that name.' })
  shadow(@Caller() caller: Principal, @Parent() device: Device, @Args('name', { type: () => String, nullable: true, description: 'Omit for the classic shadow.' }) name?: string | null): Promise<object | null> {
    return this.shadows.get(caller, device.deviceId, name ?? null).catch((err: unknown) => {
      if (err instanceof DomainError && err.reason === 'SHADOW_NOT_FOUND') return null;
      throw err;
    });
  }
}
