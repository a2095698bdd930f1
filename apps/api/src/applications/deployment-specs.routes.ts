import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { UrlSigner } from '@edgefleet/artifacts';
import type { DeploymentSpecs } from '@edgefleet/applications';
import { deploymentSpecsPath } from '@edgefleet/contracts';
import { DomainError } from '@edgefleet/domain';

type SpecRequest = FastifyRequest<{ Params: { thingName: string; applicationInstanceId: string }; Querystring: { expires?: string; signature?: string } }>;

/**
 * The specs of a device's application instances, which its `applications` shadow names by
 * revision: `specs` is `/deployments/<thing>` signed (no API key: the signature is the
 * authorization), and `/deployments/<thing>/<instance>` answers one instance's spec.
 */
export function registerDeploymentSpecRoutes(fastify: FastifyInstance, specs: DeploymentSpecs, signer: UrlSigner): void {
  fastify.get('/deployments/:thingName/:applicationInstanceId', async (req: SpecRequest, reply) => {
    const refusal = signer.refusal('GET', deploymentSpecsPath(req.params.thingName), req.query);
    if (refusal) return reply.code(403).send({ code: 'FORBIDDEN', message: refusal });
    try {
      return reply.code(200).send(await specs.spec(req.params.thingName, req.params.applicationInstanceId));
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return reply.code(404).send({ code: err.code, reason: err.reason, message: err.message });
      throw err;
    }
  });
}
