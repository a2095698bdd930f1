import { Field, Float, GraphQLISODateTime, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Tag, TagInput } from '../graphql/common.types';
import { Connection } from '../graphql/connection.types';
import { GraphQLJSON } from '../graphql/json.scalar';

export enum TemplateType {
  RTSP_CAMERA_STREAM = 'RTSP_CAMERA_STREAM',
}
registerEnumType(TemplateType, { name: 'TemplateType', description: 'What createNodeFromTemplateJob makes: an RTSP camera stream.' });

export enum NodeFromTemplateJobStatus {
  PENDING = 'PENDING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(NodeFromTemplateJobStatus, { name: 'NodeFromTemplateJobStatus' });

export enum NodeCategory {
  BUSINESS_LOGIC = 'BUSINESS_LOGIC',
  ML_MODEL = 'ML_MODEL',
  MEDIA_SOURCE = 'MEDIA_SOURCE',
  MEDIA_SINK = 'MEDIA_SINK',
}
registerEnumType(NodeCategory, { name: 'NodeCategory', description: 'MEDIA_SOURCE nodes are camera streams.' });

@InputType({ description: 'RTSP_CAMERA_STREAM values: the username and password go to the secret store and are never shown again.' })
export class TemplateParametersInput {
  @Field() username!: string;
  @Field() password!: string;
  @Field({ description: 'rtsp:// or rtsps:// with a host, without credentials in it.' }) streamUrl!: string;
}

@InputType()
export class CreateNodeFromTemplateJobInput {
  @Field(() => TemplateType) templateType!: TemplateType;
  @Field({ description: '1 to 128 of a-z, A-Z, 0-9, _ and -; the package manifests reference as <account id>::<name>.' }) outputPackageName!: string;
  @Field({ description: 'Like 1.0.' }) outputPackageVersion!: string;
  @Field({ description: 'The camera node: 1 to 128 of a-z, A-Z, 0-9, _ and -.' }) nodeName!: string;
  @Field(() => String, { nullable: true, description: 'Up to 255 characters.' }) nodeDescription?: string | null;
  @Field(() => TemplateParametersInput) templateParameters!: TemplateParametersInput;
  @Field(() => [TagInput], { nullable: true }) jobTags?: TagInput[] | null;
}

@InputType()
export class CameraCredentialsInput {
  @Field() username!: string;
  @Field() password!: string;
}

@ObjectType({ description: 'That credentials are stored, and when they last changed; never the credentials.' })
export class CameraCredentials {
  @Field() stored!: boolean;
  @Field(() => GraphQLISODateTime, { nullable: true }) updatedAt!: Date | null;
}

@ObjectType({ description: 'Panorama DescribeNodeFromTemplateJob: a camera stream being made into a node package.' })
export class NodeFromTemplateJob {
  @Field() jobId!: string;
  @Field(() => TemplateType) templateType!: string;
  @Field() outputPackageName!: string;
  @Field() outputPackageVersion!: string;
  @Field() nodeName!: string;
  @Field({ description: 'The camera as a manifest names it: `<account id>::<package>.<node>` (the interface of an override node).' }) interface!: string;
  @Field(() => String, { nullable: true }) nodeDescription!: string | null;
  @Field() streamUrl!: string;
  @Field(() => NodeFromTemplateJobStatus) status!: string;
  @Field(() => String, { nullable: true }) statusMessage!: string | null;
  @Field(() => [Tag]) jobTags!: Tag[];
  @Field(() => String, { nullable: true, description: "The camera's package, once SUCCEEDED." }) packageId!: string | null;
  @Field(() => CameraCredentials) credentials!: CameraCredentials;
  @Field(() => GraphQLISODateTime) createdTime!: Date;
  @Field(() => GraphQLISODateTime) lastUpdatedTime!: Date;
}

@ObjectType()
export class NodeFromTemplateJobConnection extends Connection(NodeFromTemplateJob) {}

@ObjectType({ description: 'One registered version of a package (a patch is the SHA-256 of its package manifest).' })
export class PackageVersion {
  @Field() packageId!: string;
  @Field() packageName!: string;
  @Field() packageVersion!: string;
  @Field() patchVersion!: string;
  @Field() isLatestPatch!: boolean;
  @Field({ description: 'REGISTER_PENDING, REGISTER_COMPLETED, FAILED or DELETING.' }) status!: string;
  @Field(() => String, { nullable: true }) statusDescription!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) registeredTime!: Date | null;
  @Field(() => GraphQLJSON, { description: 'The package manifest (package.json) of this patch.' }) manifest!: unknown;
}

@ObjectType({ description: 'A file of a package, stored by SHA-256.' })
export class PackageAsset {
  @Field() sha256!: string;
  @Field(() => Float, { description: 'Bytes.' }) sizeBytes!: number;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Null until the file is uploaded.' }) uploadedAt!: Date | null;
  @Field(() => String, { nullable: true, description: 'A signed GET URL of the uploaded file (Range requests resume), valid for an hour.' }) downloadUrl!: string | null;
}

@ObjectType({ description: 'Panorama DescribePackage: a node package of your organization.' })
export class Package {
  @Field() packageId!: string;
  @Field() packageName!: string;
  @Field() arn!: string;
  @Field(() => [Tag]) tags!: Tag[];
  @Field(() => GraphQLISODateTime) createdTime!: Date;
  @Field({ description: 'A camera stream made by createNodeFromTemplateJob.' }) camera!: boolean;
  @Field(() => [PackageVersion]) versions!: PackageVersion[];
}

@ObjectType()
export class PackageConnection extends Connection(Package) {}

@ObjectType()
export class DeletePackageOutput {
  @Field() packageId!: string;
  @Field({ description: 'What the deletion means for applications that use the package.' }) message!: string;
}

@ObjectType({ description: 'A signed URL taking one PUT of the file (Content-Type: application/octet-stream); null when the file is already uploaded.' })
export class PackageAssetUploadUrl {
  @Field(() => String, { nullable: true }) url!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) expiresAt!: Date | null;
  @Field() alreadyUploaded!: boolean;
}

@InputType()
export class RegisterPackageVersionInput {
  @Field() packageId!: string;
  @Field({ description: 'Like 1.0; the manifest says the same.' }) packageVersion!: string;
  @Field({ description: 'The lowercase hex SHA-256 of the uploaded package manifest (package.json).' }) patchVersion!: string;
  @Field(() => Boolean, { nullable: true, description: 'Make this the latest patch of the version (the default for the first patch).' }) markLatest?: boolean | null;
}

@InputType()
export class PackageVersionInput {
  @Field() packageId!: string;
  @Field() packageVersion!: string;
  @Field() patchVersion!: string;
}

@ObjectType({ description: 'Panorama ListNodes: an interface of a registered package version.' })
export class Node {
  @Field() nodeId!: string;
  @Field() name!: string;
  @Field(() => NodeCategory) category!: string;
  @Field() ownerAccount!: string;
  @Field() packageName!: string;
  @Field() packageId!: string;
  @Field() packageVersion!: string;
  @Field() patchVersion!: string;
  @Field({ description: "What a manifest node's interface says: <account id>::<package>.<interface>." }) interface!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => GraphQLISODateTime) createdTime!: Date;
}

@ObjectType()
export class NodeConnection extends Connection(Node) {}

@InputType()
export class NodeFilterInput {
  @Field(() => NodeCategory, { nullable: true }) category?: NodeCategory | null;
  @Field(() => String, { nullable: true }) packageName?: string | null;
}

@ObjectType({ description: 'One problem: which document, where in it (a JSON path), and what.' })
export class ManifestProblem {
  @Field({ description: 'manifestPayload or manifestOverridesPayload.' }) document!: string;
  @Field() path!: string;
  @Field() message!: string;
}

@ObjectType()
export class ManifestValidation {
  @Field() valid!: boolean;
  @Field(() => [ManifestProblem]) problems!: ManifestProblem[];
  @Field(() => GraphQLJSON, { nullable: true, description: 'When valid: the graph the device will run (overrides applied, packages with their patch versions).' }) graph!: unknown;
}
