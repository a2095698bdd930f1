import { Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { Connection } from '../graphql/connection.types';

@InputType({ description: "AWS IoT CreateRoleAlias: what devices exchange their certificates for at the credentials provider. Locally the policy says what the credentials allow on EdgeFleet's S3-compatible endpoint." })
export class CreateRoleAliasInput {
  @Field({ description: '1 to 128 letters, digits or =,@-_; unique in the organization.' }) roleAlias!: string;
  @Field(() => String, {
    nullable: true,
    description:
      'An IAM policy document (JSON): statements of Effect, Action (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject, s3:*) and Resource (S3 ARNs, with ${credentials-iot:ThingName} and ${credentials-iot:ThingTypeName}). Without one the alias allows nothing.',
  })
  policyDocument?: string | null;
  @Field(() => String, { nullable: true, description: 'The IAM role it stands for: required with IOT_BACKEND=aws (the alias is then made in AWS IoT), informative locally.' }) roleArn?: string | null;
  @Field(() => Int, { nullable: true, description: 'How long issued credentials last: 900 to 43200 seconds, 3600 by default.' }) credentialDurationSeconds?: number | null;
}

@InputType({ description: 'AWS IoT UpdateRoleAlias: what is given changes; credentials already issued follow the new policy within seconds.' })
export class UpdateRoleAliasInput {
  @Field(() => String, { nullable: true }) policyDocument?: string | null;
  @Field(() => String, { nullable: true }) roleArn?: string | null;
  @Field(() => Int, { nullable: true }) credentialDurationSeconds?: number | null;
}

@ObjectType({ description: "A role alias (AWS IoT DescribeRoleAlias's roleAliasDescription, with its policy)." })
export class RoleAlias {
  @Field() roleAlias!: string;
  @Field() roleAliasArn!: string;
  @Field(() => String, { nullable: true }) roleArn!: string | null;
  @Field({ description: "The organization's account id." }) owner!: string;
  @Field({ description: 'The IAM policy document, as JSON.' }) policyDocument!: string;
  @Field(() => Int) credentialDurationSeconds!: number;
  @Field(() => GraphQLISODateTime) creationDate!: Date;
  @Field(() => GraphQLISODateTime) lastModifiedDate!: Date;
}

@ObjectType()
export class RoleAliasConnection extends Connection(RoleAlias) {}

@ObjectType({ description: 'A camera clip a device uploaded to the clips bucket (key clips/<thing>/<camera>/<timestamp>.mp4).' })
export class Clip {
  @Field(() => ID) clipId!: string;
  @Field(() => ID) deviceId!: string;
  @Field() camera!: string;
  @Field({ description: 'Its key in the clips bucket of the S3-compatible endpoint.' }) objectKey!: string;
  @Field(() => GraphQLISODateTime, { description: "When it starts (its key's timestamp)." }) startedAt!: Date;
  @Field(() => Int) sizeBytes!: number;
  @Field() sha256!: string;
  @Field({ description: 'thing:<device> for a device with temporary credentials, apiKey:<id> for an access key.' }) uploadedBy!: string;
  @Field(() => GraphQLISODateTime) uploadedAt!: Date;
  @Field({ description: 'A signed URL of the MP4 for a player (Range requests for seeking), valid for an hour.' }) url!: string;
}

@ObjectType()
export class ClipConnection extends Connection(Clip) {}

@ObjectType({ description: "The organization's clip retention: clips older than `days` go, and the oldest while more than `maxBytes` are kept." })
export class ClipRetention {
  @Field(() => Int) days!: number;
  @Field(() => Float) maxBytes!: number;
  @Field(() => Int, { description: 'Clips kept now.' }) clips!: number;
  @Field(() => Float, { description: 'Their bytes.' }) usedBytes!: number;
}
