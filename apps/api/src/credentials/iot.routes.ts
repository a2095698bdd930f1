import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RoleAliasService, RoleAliasView } from '@edgefleet/credentials';
import { DomainError, type ErrorReason } from '@edgefleet/domain';
import type { GroupService, ThingGroupView } from '@edgefleet/groups';
import type { CredentialsBackend } from '@edgefleet/iot';
import { jsonInput } from '../panorama/aws-json';
import { retryAfter, toApiException, type Deps, authenticateSigned, rawBodies } from '../panorama/panorama.routes';
import { parseAuthorization } from '../panorama/sigv4';

/** AWS IoT's exception names (restJson1: `x-amzn-ErrorType`, and `message` in the body), by Panorama's. */
const TYPES: Record<string, string> = {
  ValidationException: 'InvalidRequestException',
  AccessDeniedException: 'UnauthorizedException',
  ConflictException: 'ResourceAlreadyExistsException',
  ThrottlingException: 'ThrottlingException',
  ResourceNotFoundException: 'ResourceNotFoundException',
  InternalServerException: 'InternalFailureException',
  ServiceQuotaExceededException: 'LimitExceededException',
  SerializationException: 'InvalidRequestException',
};
const STATUSES: Record<string, number> = { UnauthorizedException: 401, ResourceAlreadyExistsException: 409, LimitExceededException: 410, VersionConflictException: 409 };
/** Where AWS IoT names a more precise exception than the category's. */
const REASON_TYPES: Partial<Record<ErrorReason, string>> = {
  VERSION_CONFLICT: 'VersionConflictException',
  INVALID_FLEET_QUERY: 'InvalidQueryException',
  GROUP_IN_USE: 'InvalidRequestException',
  DYNAMIC_GROUP_MEMBERSHIP: 'InvalidRequestException',
};

type Req = FastifyRequest<{ Params: { roleAlias?: string; thingGroupName?: string; thingName?: string }; Querystring: Record<string, string | undefined> }>;

const epochSeconds = (d: Date) => d.getTime() / 1000;
const description = (v: RoleAliasView) => ({
  roleAlias: v.roleAlias,
  roleAliasArn: v.roleAliasArn,
  roleArn: v.roleArn ?? undefined,
  owner: v.owner,
  credentialDurationSeconds: v.credentialDurationSeconds,
  creationDate: epochSeconds(v.creationDate),
  lastModifiedDate: epochSeconds(v.lastModifiedDate),
});

const createBody = z.object({ roleArn: z.string(), credentialDurationSeconds: z.number().int().optional(), tags: z.array(z.object({ Key: z.string(), Value: z.string().optional() })).optional() });
const updateBody = z.object({ roleArn: z.string().optional(), credentialDurationSeconds: z.number().int().optional() });
const groupProperties = z.object({ thingGroupDescription: z.string().optional(), attributePayload: z.unknown().optional() }).optional();
const createGroupBody = z.object({ thingGroupProperties: groupProperties, parentGroupName: z.string().optional(), tags: z.unknown().optional() });
const createDynamicGroupBody = createGroupBody.extend({ queryString: z.string(), indexName: z.string().optional(), queryVersion: z.string().optional() });
const updateGroupBody = z.object({ thingGroupProperties: groupProperties, expectedVersion: z.number().int().optional(), queryString: z.string().optional(), indexName: z.string().optional(), queryVersion: z.string().optional() });
const membershipBody = z.object({ thingGroupName: z.string().optional(), thingGroupArn: z.string().optional(), thingName: z.string().optional(), thingArn: z.string().optional(), overrideDynamicGroups: z.boolean().optional() });

/** A page size of the AWS IoT list operations (1 to 250), served in EdgeFleet pages of at most 100. */
function pageSize(value: string | undefined, name: string): number {
  const n = Number(value ?? 100);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new DomainError('INVALID_ARGUMENT', `${name} must be from 1 to 250.`);
  return Math.min(n, 100);
}

const lastOf = (arn: string | undefined) => arn?.slice(arn.lastIndexOf('/') + 1);
const groupRef = (g: ThingGroupView) => ({ groupName: g.name, groupArn: g.arn });
const describeGroup = (g: ThingGroupView) => ({
  thingGroupName: g.name,
  thingGroupId: g.id,
  thingGroupArn: g.arn,
  version: g.version,
  thingGroupProperties: g.description ? { thingGroupDescription: g.description } : {},
  thingGroupMetadata: { creationDate: epochSeconds(g.createdAt) },
  ...(g.queryString !== null ? { indexName: 'AWS_Things', queryString: g.queryString, queryVersion: '2017-09-30', status: 'ACTIVE' } : {}),
});

/**
 * The AWS IoT control plane operations EdgeFleet serves (restJson1, SigV4 service `iot` or
 * `execute-api`, under /iot: AWS_ENDPOINT_URL_IOT=<api>/iot), so `aws iot create-role-alias`,
 * `describe-role-alias`, `list-role-aliases`, `update-role-alias`, `delete-role-alias`,
 * `describe-endpoint --endpoint-type iot:CredentialProvider`, and the thing group commands
 * (`create-thing-group`, `create-dynamic-thing-group`, `describe-thing-group`, `list-thing-groups`,
 * `update-thing-group`, `update-dynamic-thing-group`, `delete-thing-group`,
 * `delete-dynamic-thing-group`, `add-thing-to-thing-group`, `remove-thing-from-thing-group`,
 * `list-things-in-thing-group`, `list-thing-groups-for-thing`) work unchanged. A role alias made
 * here names an IAM role and allows nothing until its policy is set (updateRoleAlias in GraphQL
 * or `edgefleet role-aliases update --policy-document`).
 */
export function registerIotRoutes(fastify: FastifyInstance, aliases: RoleAliasService, groups: GroupService, credentials: CredentialsBackend, dataEndpoint: string, deps: Deps): void {
  void fastify.register(
    async (scope) => {
      rawBodies(scope);
      const route = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, run: (req: Req, principal: Awaited<ReturnType<typeof authenticateSigned>>) => Promise<object>) =>
        scope.route({
          method,
          url,
          handler: async (req: Req, reply: FastifyReply) => {
            try {
              // The aws CLI signs AWS IoT's requests as service `iot`; older SDKs as `execute-api`.
              const scope = parseAuthorization(req.headers.authorization);
              const principal = await authenticateSigned(req, typeof scope !== 'string' && scope.service === 'execute-api' ? 'execute-api' : 'iot', deps, method === 'GET' ? 0 : 1);
              return reply.header('content-type', 'application/json').send(await run(req, principal));
            } catch (err) {
              const e = toApiException(err, req.params.roleAlias ?? req.params.thingGroupName);
              const type = (err instanceof DomainError ? REASON_TYPES[err.reason] : undefined) ?? TYPES[e.type] ?? e.type;
              return retryAfter(reply, e).code(STATUSES[type] ?? e.status).header('x-amzn-ErrorType', type).header('content-type', 'application/json').send({ message: e.message });
            }
          },
        });

      route('POST', '/role-aliases/:roleAlias', async (req, p) => {
        const input = jsonInput(req, createBody, 'InvalidRequestException');
        const v = await aliases.create(p, { roleAlias: req.params.roleAlias!, roleArn: input.roleArn, credentialDurationSeconds: input.credentialDurationSeconds });
        return { roleAlias: v.roleAlias, roleAliasArn: v.roleAliasArn };
      });
      route('PUT', '/role-aliases/:roleAlias', async (req, p) => {
        const v = await aliases.update(p, req.params.roleAlias!, jsonInput(req, updateBody, 'InvalidRequestException'));
        return { roleAlias: v.roleAlias, roleAliasArn: v.roleAliasArn };
      });
      route('GET', '/role-aliases/:roleAlias', async (req, p) => ({ roleAliasDescription: description(await aliases.get(p, req.params.roleAlias!)) }));
      route('DELETE', '/role-aliases/:roleAlias', async (req, p) => {
        await aliases.delete(p, req.params.roleAlias!);
        return {};
      });
      route('GET', '/role-aliases', async (req, p) => {
        const pageSize = Number(req.query.pageSize ?? 250);
        if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 250) throw new DomainError('INVALID_ARGUMENT', 'pageSize must be from 1 to 250.');
        // Pages of at most 100 (EdgeFleet's page size), as many as pageSize asks.
        const page = await aliases.list(p, { first: Math.min(pageSize, 100), after: req.query.marker ?? null, descending: req.query.isAscendingOrder === 'false' });
        return { roleAliases: page.edges.map((e) => e.node.roleAlias), ...(page.pageInfo.hasNextPage ? { nextMarker: page.pageInfo.endCursor } : {}) };
      });
      route('GET', '/endpoint', async (req) => {
        const type = req.query.endpointType ?? 'iot:Data';
        // Where devices get credentials, as the backend says (the gateways', or the AWS account's), host[:port].
        if (type === 'iot:CredentialProvider') return { endpointAddress: new URL((await credentials.endpoints()).credentialsProvider).host };
        if (type === 'iot:Data' || type === 'iot:Data-ATS') return { endpointAddress: dataEndpoint };
        throw new DomainError('INVALID_ARGUMENT', `endpointType ${type.slice(0, 40)} is not one EdgeFleet serves: iot:Data, iot:Data-ATS or iot:CredentialProvider.`);
      });
      // Thing groups (static, and dynamic with a fleet-indexing query).
      route('POST', '/thing-groups/:thingGroupName', async (req, p) => {
        const input = jsonInput(req, createGroupBody, 'InvalidRequestException');
        if (input.parentGroupName) throw new DomainError('INVALID_ARGUMENT', 'EdgeFleet groups have no parent groups.');
        const g = await groups.create(p, { thingGroupName: req.params.thingGroupName!, description: input.thingGroupProperties?.thingGroupDescription ?? null });
        return { thingGroupName: g.name, thingGroupArn: g.arn, thingGroupId: g.id };
      });
      route('POST', '/dynamic-thing-groups/:thingGroupName', async (req, p) => {
        const input = jsonInput(req, createDynamicGroupBody, 'InvalidRequestException');
        const g = await groups.create(p, { thingGroupName: req.params.thingGroupName!, description: input.thingGroupProperties?.thingGroupDescription ?? null, queryString: input.queryString });
        return { thingGroupName: g.name, thingGroupArn: g.arn, thingGroupId: g.id, indexName: 'AWS_Things', queryString: g.queryString, queryVersion: '2017-09-30' };
      });
      route('GET', '/thing-groups/:thingGroupName', async (req, p) => describeGroup(await groups.get(p, req.params.thingGroupName!)));
      for (const kind of ['thing-groups', 'dynamic-thing-groups']) {
        route('PATCH', `/${kind}/:thingGroupName`, async (req, p) => {
          const input = jsonInput(req, updateGroupBody, 'InvalidRequestException');
          if (kind === 'thing-groups' && input.queryString !== undefined) throw new DomainError('INVALID_ARGUMENT', 'UpdateThingGroup takes no queryString; use UpdateDynamicThingGroup.');
          const g = await groups.update(p, req.params.thingGroupName!, { description: input.thingGroupProperties?.thingGroupDescription, queryString: input.queryString, expectedVersion: input.expectedVersion });
          return { version: g.version };
        });
        route('DELETE', `/${kind}/:thingGroupName`, async (req, p) => {
          await groups.delete(p, req.params.thingGroupName!, req.query.expectedVersion === undefined ? null : Number(req.query.expectedVersion));
          return {};
        });
      }
      route('GET', '/thing-groups', async (req, p) => {
        if (req.query.parentGroup) throw new DomainError('INVALID_ARGUMENT', 'EdgeFleet groups have no parent groups.');
        const page = await groups.list(p, { first: pageSize(req.query.maxResults, 'maxResults'), after: req.query.nextToken ?? null, namePrefix: req.query.namePrefixFilter ?? null });
        return { thingGroups: page.edges.map((e) => groupRef(e.node)), ...(page.pageInfo.hasNextPage ? { nextToken: page.pageInfo.endCursor } : {}) };
      });
      for (const [path, change] of [['addThingToThingGroup', 'addThing'], ['removeThingFromThingGroup', 'removeThing']] as const) {
        route('PUT', `/thing-groups/${path}`, async (req, p) => {
          const input = jsonInput(req, membershipBody, 'InvalidRequestException');
          const group = input.thingGroupName ?? lastOf(input.thingGroupArn);
          const thing = input.thingName ?? lastOf(input.thingArn);
          if (!group || !thing) throw new DomainError('INVALID_ARGUMENT', 'Give thingGroupName (or thingGroupArn) and thingName (or thingArn).');
          await groups[change](p, group, thing);
          return {};
        });
      }
      route('GET', '/thing-groups/:thingGroupName/things', async (req, p) => {
        const page = await groups.members(p, req.params.thingGroupName!, { first: pageSize(req.query.maxResults, 'maxResults'), after: req.query.nextToken ?? null });
        return { things: page.edges.map((e) => e.node.deviceId), ...(page.pageInfo.hasNextPage ? { nextToken: page.pageInfo.endCursor } : {}) };
      });
      route('GET', '/things/:thingName/thing-groups', async (req, p) => ({ thingGroups: (await groups.ofDevice(p, req.params.thingName!)).map(groupRef) }));
      scope.setNotFoundHandler((req, reply) => reply.code(404).header('x-amzn-ErrorType', 'UnknownOperationException').send({ message: `EdgeFleet serves AWS IoT's role alias and thing group operations and DescribeEndpoint, not ${req.method} ${req.url.split('?')[0]}.` }));
    },
    { prefix: '/iot' },
  );
}
