import { Args, Mutation, Resolver } from '@nestjs/graphql';
import type { Principal } from '@edgefleet/organizations';
import { ProvisioningService } from '@edgefleet/provisioning';
import { Caller } from '../graphql/caller.decorator';
import { ProvisionDeviceInput, ProvisionDeviceOutput, withoutNulls } from './provisioning.types';

@Resolver()
export class ProvisioningResolver {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Mutation(() => ProvisionDeviceOutput, {
    description: 'Registers a device (AWAITING_PROVISIONING) and returns its provisioning bundle (Panorama ProvisionDevice).',
  })
  provisionDevice(@Caller() caller: Principal, @Args('input') input: ProvisionDeviceInput): Promise<ProvisionDeviceOutput> {
    return this.provisioning.provisionDevice(caller, {
      name: input.name,
      description: input.description,
      tags: input.tags,
      brand: input.brand,
      networkingConfiguration: withoutNulls(input.networkingConfiguration ?? {}),
    });
  }
}
