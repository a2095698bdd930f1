import { Args, Context, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { DomainError } from '@edgefleet/domain';
import { InstallationService } from '@edgefleet/organizations';

@ObjectType('Organization', { description: 'An organization of the installation (installation admin key).' })
export class Organization {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'The 12-digit account id in ARNs.' }) accountId!: string;
  @Field() createdTime!: Date;
  @Field(() => Date, { nullable: true, description: 'Set while suspended: its keys and devices are refused.' }) suspendedTime!: Date | null;
}

@ObjectType({ description: 'A new organization and its first ADMIN key, shown once.' })
export class CreatedOrganization {
  @Field(() => Organization) organization!: Organization;
  @Field({ description: 'The ADMIN API key of the new organization. Shown once; only its hash is kept.' }) adminApiKey!: string;
}

type Row = { id: string; name: string; accountId: string; createdAt: Date; suspendedAt: Date | null };
const toOrganization = (o: Row): Organization => ({ id: o.id, name: o.name, accountId: o.accountId, createdTime: o.createdAt, suspendedTime: o.suspendedAt });
const ACTOR = 'installation-admin';

/** Installation administration; the auth hook lets only the installation admin key through to these fields. */
@Resolver()
export class OrganizationAdminResolver {
  constructor(private readonly service: InstallationService) {}

  @Query(() => [Organization], { description: 'Every organization of the installation (installation admin key).' })
  async organizations(@Context() ctx: { installation?: boolean }): Promise<Organization[]> {
    assertInstallation(ctx);
    return (await this.service.list()).map(toOrganization);
  }

  @Mutation(() => CreatedOrganization, { description: 'Creates an organization with its first ADMIN key (installation admin key).' })
  async createOrganization(@Context() ctx: { installation?: boolean }, @Args('name') name: string): Promise<CreatedOrganization> {
    assertInstallation(ctx);
    const { organization, secret } = await this.service.create(name, {}, ACTOR);
    return { organization: toOrganization({ ...organization, suspendedAt: null }), adminApiKey: secret };
  }

  @Mutation(() => Organization, { description: "Suspends an organization: its API keys and devices are refused until it is resumed (installation admin key)." })
  async suspendOrganization(@Context() ctx: { installation?: boolean }, @Args('id', { type: () => ID }) id: string): Promise<Organization> {
    assertInstallation(ctx);
    return toOrganization(await this.service.setSuspended(id, true, ACTOR));
  }

  @Mutation(() => Organization, { description: 'Ends a suspension (installation admin key).' })
  async resumeOrganization(@Context() ctx: { installation?: boolean }, @Args('id', { type: () => ID }) id: string): Promise<Organization> {
    assertInstallation(ctx);
    return toOrganization(await this.service.setSuspended(id, false, ACTOR));
  }
}

function assertInstallation(ctx: { installation?: boolean }): void {
  if (!ctx.installation) throw new DomainError('INSTALLATION_ADMIN_REQUIRED', 'Send the installation admin key (EDGEFLEET_INSTALLATION_ADMIN_KEY).');
}
