import { Args, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { validationFailed } from '@edgefleet/domain';
import { AccessKeyService, ApiKeyService, AuditService, OrganizationService, type Principal } from '@edgefleet/organizations';
import { uuidArgument } from '../graphql/argument.pipes';
import { Caller } from '../graphql/caller.decorator';
import { AUDIT_PAGE_MAX, ApiKey, AuditEvent, Caller as CallerType, CreateApiKeyInput, CreatedAccessKey, CreatedApiKey } from './api-key.types';

const BIGINT_MAX = 2n ** 63n - 1n;

@Resolver()
export class ApiKeyResolver {
  constructor(
    private readonly apiKeyService: ApiKeyService,
    private readonly audit: AuditService,
    private readonly accessKeys: AccessKeyService,
    private readonly organizations: OrganizationService,
  ) {}

  @Query(() => CallerType, { description: 'The API key making this request, its organization and role (any role).' })
  async whoami(@Caller() caller: Principal): Promise<CallerType> {
    return { apiKeyId: caller.apiKeyId, organizationId: caller.organizationId, accountId: await this.organizations.accountId(caller.organizationId), role: caller.role };
  }

  @Query(() => [ApiKey], { description: "Your organization's API keys (ADMIN)." })
  apiKeys(@Caller() caller: Principal): Promise<ApiKey[]> {
    return this.apiKeyService.list(caller);
  }

  @Mutation(() => CreatedApiKey, { description: 'Creates an API key (ADMIN). The key is in the answer, once.' })
  createApiKey(@Caller() caller: Principal, @Args('input') input: CreateApiKeyInput): Promise<CreatedApiKey> {
    return this.apiKeyService.create(caller, input);
  }

  @Mutation(() => CreatedAccessKey, {
    description: 'Creates an access key for the Panorama API and CloudWatch Logs (ADMIN), as AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the secret is in the answer, once. Revoke it with revokeApiKey.',
  })
  createAccessKey(@Caller() caller: Principal, @Args('input') input: CreateApiKeyInput): Promise<CreatedAccessKey> {
    return this.accessKeys.create(caller, input);
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key (ADMIN); it stops working at once.' })
  revokeApiKey(@Caller() caller: Principal, @Args('id', { type: () => ID }, uuidArgument('id', 'an API key')) id: string): Promise<ApiKey> {
    return this.apiKeyService.revoke(caller, id);
  }

  @Query(() => [AuditEvent], { description: 'Audit trail of your organization, newest first (ADMIN).' })
  async auditEvents(
    @Caller() caller: Principal,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('before', { type: () => ID, nullable: true, description: 'Only events older than this id.' }) before?: string,
    @Args('targetId', { type: () => String, nullable: true }) targetId?: string,
  ): Promise<AuditEvent[]> {
    if (first < 1 || first > AUDIT_PAGE_MAX) throw validationFailed('first', `must be between 1 and ${AUDIT_PAGE_MAX}.`);
    // Audit event ids are Postgres bigints: a longer number would fail in the database, not here.
    if (before !== undefined && before !== null && !(/^\d{1,19}$/.test(before) && BigInt(before) <= BIGINT_MAX)) {
      throw validationFailed('before', 'must be an audit event id.');
    }
    const events = await this.audit.list(caller, { first, before: before ? BigInt(before) : undefined, targetId: targetId ?? undefined });
    return events.map((e) => ({ ...e, id: e.id.toString() }));
  }
}
