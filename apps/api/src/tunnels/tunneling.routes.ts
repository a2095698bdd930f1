import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MAX_PAGE_SIZE } from '@edgefleet/domain';
import type { Principal } from '@edgefleet/organizations';
import type { TunnelService, TunnelView } from '@edgefleet/tunnels';
import { jsonInput, jsonOperation, sendJson, sendJsonError } from '../panorama/aws-json';
import { ApiException, type Deps, authenticateSigned, rawBodies } from '../panorama/panorama.routes';

const tunnelId = z.string().min(1).max(128);
const INPUTS = {
  OpenTunnel: z.object({
    description: z.string().max(2048).optional(),
    tags: z.array(z.object({ key: z.string(), value: z.string() })).max(50).optional(),
    destinationConfig: z.object({ thingName: z.string().min(1).max(128), services: z.array(z.string()).min(1) }),
    timeoutConfig: z.object({ maxLifetimeTimeoutMinutes: z.number().int().optional() }).optional(),
  }),
  DescribeTunnel: z.object({ tunnelId }),
  ListTunnels: z.object({ thingName: z.string().min(1).max(128).optional(), maxResults: z.number().int().min(1).max(MAX_PAGE_SIZE).optional(), nextToken: z.string().optional() }),
  CloseTunnel: z.object({ tunnelId, delete: z.boolean().optional() }),
  RotateTunnelAccessToken: z.object({ tunnelId, clientMode: z.enum(['SOURCE', 'DESTINATION', 'ALL']), destinationConfig: z.unknown().optional() }),
};
const WRITES: Record<keyof typeof INPUTS, 0 | 1> = { OpenTunnel: 1, DescribeTunnel: 0, ListTunnels: 0, CloseTunnel: 1, RotateTunnelAccessToken: 1 };

/** Dates as the JSON protocol has them: epoch seconds. */
const seconds = (d: Date | null) => (d === null ? undefined : d.getTime() / 1000);
const summary = (t: TunnelView) => ({ tunnelId: t.tunnelId, tunnelArn: t.tunnelArn, status: t.status, description: t.description ?? undefined, createdAt: seconds(t.createdAt), lastUpdatedAt: seconds(t.lastUpdatedAt) });
const described = (t: TunnelView) => ({
  ...summary(t),
  sourceConnectionState: { status: t.sourceConnectionState.status, lastUpdatedAt: seconds(t.sourceConnectionState.lastUpdatedAt) },
  destinationConnectionState: { status: t.destinationConnectionState.status, lastUpdatedAt: seconds(t.destinationConnectionState.lastUpdatedAt) },
  destinationConfig: { thingName: t.deviceId, services: t.services },
  timeoutConfig: { maxLifetimeTimeoutMinutes: t.timeoutMinutes },
  tags: [],
});

/**
 * AWS IoT secure tunneling's OpenTunnel, DescribeTunnel, ListTunnels, CloseTunnel and RotateTunnelAccessToken (SigV4
 * service `IoTSecuredTunneling`) under /iotsecuretunneling, for the aws CLI's
 * `iotsecuretunneling` commands (AWS_ENDPOINT_URL_IOTSECURETUNNELING = <api>/iotsecuretunneling).
 */
export function registerTunnelingRoutes(fastify: FastifyInstance, tunnels: TunnelService, deps: Deps): void {
  const run = async (op: keyof typeof INPUTS, input: Record<string, any>, principal: Principal) => {
    switch (op) {
      case 'OpenTunnel': {
        const opened = await tunnels.open(principal, {
          deviceId: input.destinationConfig.thingName,
          services: input.destinationConfig.services,
          timeoutMinutes: input.timeoutConfig?.maxLifetimeTimeoutMinutes,
          description: input.description,
        });
        return { tunnelId: opened.tunnel.tunnelId, tunnelArn: opened.tunnel.tunnelArn, sourceAccessToken: opened.sourceAccessToken, destinationAccessToken: opened.destinationAccessToken };
      }
      case 'DescribeTunnel':
        return { tunnel: described(await tunnels.get(principal, input.tunnelId)) };
      case 'ListTunnels': {
        const page = await tunnels.list(principal, { deviceId: input.thingName, first: input.maxResults ?? MAX_PAGE_SIZE, after: input.nextToken });
        return { tunnelSummaries: page.edges.map((e) => summary(e.node)), ...(page.pageInfo.hasNextPage ? { nextToken: page.pageInfo.endCursor } : {}) };
      }
      case 'CloseTunnel':
        await tunnels.close(principal, input.tunnelId, input.delete ?? false);
        return {};
      case 'RotateTunnelAccessToken': {
        if (input.destinationConfig !== undefined) throw new ApiException('InvalidRequestException', 400, "A tunnel's destination is fixed when it opens: rotate without destinationConfig.");
        const rotated = await tunnels.rotate(principal, input.tunnelId, input.clientMode);
        return { tunnelArn: rotated.tunnel.tunnelArn, sourceAccessToken: rotated.sourceAccessToken ?? undefined, destinationAccessToken: rotated.destinationAccessToken ?? undefined };
      }
    }
  };
  void fastify.register(
    async (scope) => {
      rawBodies(scope);
      scope.post('/', async (req: FastifyRequest, reply: FastifyReply) => {
        try {
          const op = jsonOperation(req, 'IoTSecuredTunneling', INPUTS);
          const principal = await authenticateSigned(req, 'IoTSecuredTunneling', deps, WRITES[op]);
          return sendJson(reply, await run(op, jsonInput<Record<string, any>>(req, INPUTS[op], 'ValidationException'), principal));
        } catch (err) {
          return sendJsonError(reply, err, { ServiceQuotaExceededException: 'LimitExceededException' }, { 402: 400 });
        }
      });
    },
    { prefix: '/iotsecuretunneling' },
  );
}
