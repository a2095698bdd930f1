import { z } from 'zod';
import { DomainError, validationFailed } from './errors';

/** AWS IoT's bounds on a role alias's credentials (CreateRoleAlias's credentialDurationSeconds). */
export const MIN_CREDENTIAL_SECONDS = 900;
export const MAX_CREDENTIAL_SECONDS = 43_200;
/** AWS IoT's pattern for role alias names. */
const ROLE_ALIAS = /^[\w=,@-]{1,128}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** The policy documents a role alias holds are IAM's, with IAM's size limit for inline role policies. */
const MAX_POLICY_BYTES = 10_240;

export function assertRoleAliasName(roleAlias: string): void {
  if (!ROLE_ALIAS.test(roleAlias)) throw validationFailed('roleAlias', 'must be 1 to 128 letters, digits or =,@-_ (AWS IoT\'s role alias pattern).');
}

export function assertCredentialDuration(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < MIN_CREDENTIAL_SECONDS || seconds > MAX_CREDENTIAL_SECONDS) {
    throw validationFailed('credentialDurationSeconds', `must be a whole number of seconds from ${MIN_CREDENTIAL_SECONDS} to ${MAX_CREDENTIAL_SECONDS} (got ${seconds}).`);
  }
}

export function assertRoleArn(roleArn: string): void {
  if (!ROLE_ARN.test(roleArn)) throw validationFailed('roleArn', 'must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>).');
}

export const roleAliasArn = (region: string, accountId: string, roleAlias: string) => `arn:aws:iot:${region}:${accountId}:rolealias/${roleAlias}`;

const oneOrMany = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).transform((v) => (Array.isArray(v) ? v : [v]));
const statement = z
  .object({
    Sid: z.string().optional(),
    Effect: z.enum(['Allow', 'Deny']),
    Action: oneOrMany,
    Resource: oneOrMany,
  })
  .strict();
const policySchema = z
  .object({
    Version: z.enum(['2012-10-17', '2008-10-17']).optional(),
    Id: z.string().optional(),
    Statement: z.union([statement, z.array(statement).min(1)]).transform((v) => (Array.isArray(v) ? v : [v])),
  })
  .strict();

export type PolicyDocument = z.output<typeof policySchema>;

/**
 * An IAM policy document as a role alias's policy takes it: statements of Effect, Action and
 * Resource (no Principal, NotAction or Condition: they would be ignored, so they are refused).
 * Actions are S3's (`s3:PutObject`, `s3:*`…); resources are S3 ARNs.
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  if (Buffer.byteLength(text) > MAX_POLICY_BYTES) throw validationFailed('policyDocument', `can be up to ${MAX_POLICY_BYTES} bytes (IAM's limit for a role's inline policy).`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DomainError('INVALID_JSON', `policyDocument is not JSON: ${(err as Error).message}`, { field: 'policyDocument' });
  }
  const parsed = policySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validationFailed('policyDocument', `is not a policy EdgeFleet can enforce at ${['$', ...issue.path].join('.')}: ${issue.message} (statements take Effect, Action and Resource).`);
  }
  for (const s of parsed.data.Statement) {
    const bad = s.Action.find((a) => !/^(s3:[A-Za-z*?]+|\*)$/.test(a));
    if (bad) throw validationFailed('policyDocument', `action ${JSON.stringify(bad)} is not an S3 action (s3:PutObject, s3:GetObject, s3:ListBucket, s3:DeleteObject, s3:*): the credentials reach EdgeFleet's S3-compatible endpoint only.`);
  }
  return parsed.data;
}

/** The credentials provider's policy variables, as AWS IoT sets them. */
export interface PolicyVariables {
  thingName: string;
  thingTypeName?: string;
}

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');

/** A resource with its policy variables filled in; undefined when it names one that has no value here (it then matches nothing, IAM's rule). */
function substitute(resource: string, vars: PolicyVariables): string | undefined {
  let unknown = false;
  const out = resource.replace(/\$\{([^}]+)\}/g, (_m, name: string) => {
    const value = name === 'credentials-iot:ThingName' ? vars.thingName : name === 'credentials-iot:ThingTypeName' ? vars.thingTypeName : undefined;
    if (value === undefined) unknown = true;
    return value ?? '';
  });
  return unknown ? undefined : out;
}

/**
 * IAM's evaluation for one request: an explicit Deny wins, then an Allow, else it is denied by
 * default. `*` and `?` are wildcards in actions (case-insensitive, as IAM's) and resources.
 */
export function policyAllows(policy: PolicyDocument, action: string, resource: string, vars: PolicyVariables): boolean {
  let allowed = false;
  for (const s of policy.Statement) {
    if (!s.Action.some((a) => glob(a.toLowerCase()).test(action.toLowerCase()))) continue;
    const matches = s.Resource.some((r) => {
      const pattern = substitute(r, vars);
      return pattern !== undefined && glob(pattern).test(resource);
    });
    if (!matches) continue;
    if (s.Effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
