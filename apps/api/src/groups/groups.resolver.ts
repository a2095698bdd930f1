import { Args, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { type DeploymentInput, type DeploymentView, GroupDeployments, type RevisionInput } from '@edgefleet/applications';
import { GroupService, type ThingGroupView } from '@edgefleet/groups';
import type { Principal } from '@edgefleet/organizations';
import { Caller } from '../graphql/caller.decorator';
import {
  CreateDeploymentInput,
  CreateThingGroupInput,
  Deployment,
  DeploymentConnection,
  DeploymentRevision,
  DeploymentRevisionInput,
  DeviceDeploymentConnection,
  ThingGroup,
  ThingGroupConnection,
  ThingGroupMemberConnection,
  UpdateThingGroupInput,
} from './groups.types';

/** A group as GraphQL shows it (memberCount is resolved on demand, by ThingGroupFieldsResolver). */
const toGroup = (g: ThingGroupView) => ({ ...g, thingGroupName: g.name, thingGroupArn: g.arn, creationDate: g.createdAt }) as unknown as ThingGroup;

/** Thing groups (AWS IoT's) and continuous deployments to them. Reads for any key; changes for OPERATOR and ADMIN. */
@Resolver()
export class GroupsResolver {
  constructor(
    private readonly groups: GroupService,
    private readonly groupDeployments: GroupDeployments,
  ) {}

  @Mutation(() => ThingGroup, { description: 'CreateThingGroup, or CreateDynamicThingGroup with a queryString (its members are evaluated at once, then follow the devices).' })
  async createThingGroup(@Caller() caller: Principal, @Args('input') input: CreateThingGroupInput): Promise<ThingGroup> {
    return toGroup(await this.groups.create(caller, input));
  }

  @Mutation(() => ThingGroup, { description: 'UpdateThingGroup / UpdateDynamicThingGroup.' })
  async updateThingGroup(@Caller() caller: Principal, @Args('thingGroupName') name: string, @Args('input') input: UpdateThingGroupInput): Promise<ThingGroup> {
    return toGroup(await this.groups.update(caller, name, input));
  }

  @Mutation(() => ThingGroup, { description: 'DeleteThingGroup: refused while an active deployment targets it.' })
  async deleteThingGroup(@Caller() caller: Principal, @Args('thingGroupName') name: string): Promise<ThingGroup> {
    return toGroup(await this.groups.delete(caller, name));
  }

  @Mutation(() => ThingGroup, { description: "AddThingToThingGroup (static groups): the group's deployments reach the device." })
  async addThingToThingGroup(@Caller() caller: Principal, @Args('thingGroupName') name: string, @Args('deviceId', { type: () => ID }) deviceId: string): Promise<ThingGroup> {
    return toGroup(await this.groups.addThing(caller, name, deviceId));
  }

  @Mutation(() => ThingGroup, { description: "RemoveThingFromThingGroup (static groups): the group's deployments are removed from the device." })
  async removeThingFromThingGroup(@Caller() caller: Principal, @Args('thingGroupName') name: string, @Args('deviceId', { type: () => ID }) deviceId: string): Promise<ThingGroup> {
    return toGroup(await this.groups.removeThing(caller, name, deviceId));
  }

  @Query(() => ThingGroup, { description: 'DescribeThingGroup.' })
  async thingGroup(@Caller() caller: Principal, @Args('thingGroupName') name: string): Promise<ThingGroup> {
    return toGroup(await this.groups.get(caller, name));
  }

  @Query(() => ThingGroupConnection, { description: 'ListThingGroups, by name.' })
  async thingGroups(
    @Caller() caller: Principal,
    @Args('namePrefixFilter', { type: () => String, nullable: true }) namePrefix: string | null,
    @Args('dynamic', { type: () => Boolean, nullable: true, description: 'Only dynamic (true) or static (false) groups.' }) dynamic: boolean | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ThingGroupConnection> {
    const page = await this.groups.list(caller, { namePrefix, dynamic, first, after });
    return { ...page, edges: page.edges.map((e) => ({ cursor: e.cursor, node: toGroup(e.node) })) };
  }

  @Query(() => ThingGroupMemberConnection, { description: 'ListThingsInThingGroup, by deviceId.' })
  thingGroupMembers(
    @Caller() caller: Principal,
    @Args('thingGroupName') name: string,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ThingGroupMemberConnection> {
    return this.groups.members(caller, name, { first, after });
  }

  @Query(() => [ThingGroup], { description: 'ListThingGroupsForThing.' })
  async thingGroupsOfDevice(@Caller() caller: Principal, @Args('deviceId', { type: () => ID }) deviceId: string): Promise<ThingGroup[]> {
    return (await this.groups.ofDevice(caller, deviceId)).map(toGroup);
  }

  @Mutation(() => Deployment, { description: "A continuous deployment to a thing group: revision 1 rolls out to the members; devices that join get the current revision, devices that leave have it removed." })
  createDeployment(@Caller() caller: Principal, @Args('input') input: CreateDeploymentInput): Promise<Deployment> {
    return this.groupDeployments.create(caller, input as DeploymentInput) as unknown as Promise<Deployment>;
  }

  @Mutation(() => Deployment, { description: "A new revision of the deployment: its rollout takes it to the members (the previous revision's rollout, if running, is canceled)." })
  reviseDeployment(@Caller() caller: Principal, @Args('deploymentName') name: string, @Args('input') input: DeploymentRevisionInput): Promise<Deployment> {
    return this.groupDeployments.revise(caller, name, input as RevisionInput) as unknown as Promise<Deployment>;
  }

  @Mutation(() => Deployment, { description: 'Cancels the deployment: its rollout stops and its application is removed from every device.' })
  cancelDeployment(@Caller() caller: Principal, @Args('deploymentName') name: string): Promise<Deployment> {
    return this.groupDeployments.cancel(caller, name) as unknown as Promise<Deployment>;
  }

  @Query(() => Deployment)
  deployment(@Caller() caller: Principal, @Args('deploymentName') name: string): Promise<Deployment> {
    return this.groupDeployments.get(caller, name) as unknown as Promise<Deployment>;
  }

  @Query(() => DeploymentConnection, { description: 'Group deployments, by name; of one group or all.' })
  deployments(
    @Caller() caller: Principal,
    @Args('thingGroupName', { type: () => String, nullable: true }) thingGroupName: string | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<DeploymentConnection> {
    return this.groupDeployments.list(caller, { thingGroupName, first, after }) as unknown as Promise<DeploymentConnection>;
  }

  @Query(() => DeviceDeploymentConnection, { description: 'The deployment on each member device of its group, by deviceId.' })
  deploymentDevices(
    @Caller() caller: Principal,
    @Args('deploymentName') name: string,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<DeviceDeploymentConnection> {
    return this.groupDeployments.devices(caller, name, { first, after }) as unknown as Promise<DeviceDeploymentConnection>;
  }
}

@Resolver(() => ThingGroup)
export class ThingGroupFieldsResolver {
  @ResolveField(() => Int)
  memberCount(@Parent() group: ThingGroupView): Promise<number> {
    return group.memberCount();
  }
}

@Resolver(() => Deployment)
export class DeploymentFieldsResolver {
  @ResolveField(() => [DeploymentRevision])
  revisions(@Parent() deployment: DeploymentView): Promise<DeploymentRevision[]> {
    return deployment.revisions();
  }
}
