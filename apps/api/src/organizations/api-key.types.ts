import { Field, GraphQLISODateTime, ID, InputType, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../graphql/json.scalar';
import { ApiKeyRoleEnum } from '../graphql/enums';

@ObjectType({ description: 'An API key. The key itself is shown only once, when created.' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => ApiKeyRoleEnum) role!: string;
  @Field({ description: 'First characters of the key, to tell keys apart.' }) prefix!: string;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field(() => GraphQLISODateTime, { nullable: true }) revokedAt!: Date | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Updated at most once a minute.' }) lastUsedAt!: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'The key. Store it now: EdgeFleet keeps only its hash and cannot show it again.' }) secret!: string;
}

@ObjectType({ description: 'An access key for SigV4-signed APIs (the Panorama API, CloudWatch Logs): an API key with an access key id and secret.' })
export class CreatedAccessKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'The public id (AWS_ACCESS_KEY_ID).' }) accessKeyId!: string;
  @Field({ description: 'The secret (AWS_SECRET_ACCESS_KEY). Store it now: it is shown once and kept in the secret store.' }) secretAccessKey!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field(() => ApiKeyRoleEnum) role!: keyof typeof ApiKeyRoleEnum;
}

@ObjectType({ description: 'Who changed what, and when.' })
export class AuditEvent {
  @Field(() => ID) id!: string;
  @Field({ description: 'apiKey:<id>, or system:<process> for workers and the gateway.' }) actor!: string;
  @Field() action!: string;
  @Field() targetType!: string;
  @Field(() => String, { nullable: true }) targetId!: string | null;
  @Field(() => GraphQLJSON) details!: unknown;
  @Field(() => GraphQLISODateTime) at!: Date;
}

export const AUDIT_PAGE_MAX = 200;

@ObjectType({ description: 'The API key making the request: what a client may show (a VIEWER gets no buttons that would be refused).' })
export class Caller {
  @Field(() => ID) apiKeyId!: string;
  @Field(() => ID) organizationId!: string;
  @Field({ description: "The organization's 12-digit account id: manifests name packages `<accountId>::<package>`, and ARNs hold it." }) accountId!: string;
  @Field(() => ApiKeyRoleEnum) role!: string;
}
