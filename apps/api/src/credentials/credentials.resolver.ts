import { Args, Float, GraphQLISODateTime, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { ClipService } from '@edgefleet/clips';
import { RoleAliasService } from '@edgefleet/credentials';
import type { Principal } from '@edgefleet/organizations';
import { Caller } from '../graphql/caller.decorator';
import { Clip, ClipConnection, ClipRetention, CreateRoleAliasInput, RoleAlias, RoleAliasConnection, UpdateRoleAliasInput } from './credentials.types';

/** Role aliases (AWS IoT's), which devices exchange their certificates for temporary credentials, and the camera clips they upload with them. */
@Resolver()
export class CredentialsResolver {
  constructor(
    private readonly aliases: RoleAliasService,
    private readonly clipService: ClipService,
  ) {}

  @Mutation(() => RoleAlias, { description: 'CreateRoleAlias. ADMIN: a role alias grants devices access.' })
  createRoleAlias(@Caller() caller: Principal, @Args('input') input: CreateRoleAliasInput): Promise<RoleAlias> {
    return this.aliases.create(caller, input);
  }

  @Mutation(() => RoleAlias, { description: 'UpdateRoleAlias. ADMIN.' })
  updateRoleAlias(@Caller() caller: Principal, @Args('roleAlias') roleAlias: string, @Args('input') input: UpdateRoleAliasInput): Promise<RoleAlias> {
    return this.aliases.update(caller, roleAlias, input);
  }

  @Mutation(() => RoleAlias, { description: 'DeleteRoleAlias: credentials issued for it are refused from then on. ADMIN.' })
  deleteRoleAlias(@Caller() caller: Principal, @Args('roleAlias') roleAlias: string): Promise<RoleAlias> {
    return this.aliases.delete(caller, roleAlias);
  }

  @Query(() => RoleAlias, { description: 'DescribeRoleAlias.' })
  roleAlias(@Caller() caller: Principal, @Args('roleAlias') roleAlias: string): Promise<RoleAlias> {
    return this.aliases.get(caller, roleAlias);
  }

  @Query(() => RoleAliasConnection, { description: 'ListRoleAliases, by name.' })
  roleAliases(
    @Caller() caller: Principal,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<RoleAliasConnection> {
    return this.aliases.list(caller, { first, after });
  }

  @Query(() => Clip, { description: 'One clip, with the URL of its MP4.' })
  clip(@Caller() caller: Principal, @Args('clipId', { type: () => ID }) clipId: string): Promise<Clip> {
    return this.clipService.describe(caller, clipId);
  }

  @Query(() => ClipConnection, { description: "Camera clips, newest first: a device's (of one camera or all), or one camera's on every device; between two times (by when each starts)." })
  clips(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID, nullable: true }) deviceId: string | null,
    @Args('camera', { type: () => String, nullable: true }) camera: string | null,
    @Args('from', { type: () => GraphQLISODateTime, nullable: true }) from: Date | null,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true }) to: Date | null,
    @Args('first', { type: () => Int, defaultValue: 25 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<ClipConnection> {
    return this.clipService.page(caller, { deviceId, camera, from, to, first, after });
  }

  @Query(() => ClipRetention, { description: "How long the organization's clips are kept, and how many bytes of them; what it holds now." })
  clipRetention(@Caller() caller: Principal): Promise<ClipRetention> {
    return this.clipService.retention(caller);
  }

  @Mutation(() => ClipRetention, { description: "Sets the organization's clip retention, within the installation's maximums (ADMIN); what is over it goes at the worker's next sweep." })
  setClipRetention(
    @Caller() caller: Principal,
    @Args('days', { type: () => Int, nullable: true }) days: number | null,
    @Args('maxBytes', { type: () => Float, nullable: true }) maxBytes: number | null,
  ): Promise<ClipRetention> {
    return this.clipService.setRetention(caller, { days, maxBytes });
  }

  @Mutation(() => Int, { description: "Deletes a device's clips (of one camera, or those that start at or before `to`); how many. OPERATOR." })
  deleteClips(
    @Caller() caller: Principal,
    @Args('deviceId', { type: () => ID }) deviceId: string,
    @Args('camera', { type: () => String, nullable: true }) camera: string | null,
    @Args('to', { type: () => GraphQLISODateTime, nullable: true }) to: Date | null,
  ): Promise<number> {
    return this.clipService.deleteOfDevice(caller, { deviceId, camera, to });
  }
}
