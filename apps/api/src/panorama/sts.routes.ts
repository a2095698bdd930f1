import { XMLBuilder } from 'fast-xml-parser';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { OrganizationService } from '@edgefleet/organizations';
import { ApiException, type Deps, authenticateSigned, rawBodies } from './panorama.routes';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const xml = new XMLBuilder({ ignoreAttributes: false });

function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'text/xml')
    .send(xml.build({ ErrorResponse: { '@_xmlns': NS, Error: { Type: 'Sender', Code: code, Message: message }, RequestId: randomUUID() } }));
}

/**
 * AWS STS's GetCallerIdentity (Query protocol, SigV4 service `sts`) under /sts
 * (AWS_ENDPOINT_URL_STS = <api>/sts): who an access key is — the organization's account id, the
 * key's id and an ARN naming it. panorama-cli asks for the account id first.
 */
export function registerStsRoutes(fastify: FastifyInstance, organizations: OrganizationService, deps: Deps): void {
  void fastify.register(
    async (scope) => {
      rawBodies(scope);
      scope.post('/', async (req, reply) => {
        try {
          const principal = await authenticateSigned(req, 'sts', deps, 0);
          const form = new URLSearchParams(((req.body as Buffer | undefined) ?? Buffer.alloc(0)).toString('utf8'));
          const action = form.get('Action');
          if (action !== 'GetCallerIdentity') return sendError(reply, 400, 'InvalidAction', `EdgeFleet serves STS GetCallerIdentity only, not ${String(action).slice(0, 64)}.`);
          const account = await organizations.accountId(principal.organizationId);
          const result = { Arn: `arn:aws:iam::${account}:user/edgefleet/${principal.apiKeyId}`, UserId: principal.apiKeyId, Account: account };
          return reply
            .header('content-type', 'text/xml')
            .send(xml.build({ GetCallerIdentityResponse: { '@_xmlns': NS, GetCallerIdentityResult: result, ResponseMetadata: { RequestId: randomUUID() } } }));
        } catch (err) {
          if (err instanceof ApiException) return sendError(reply, err.status, err.type === 'AccessDeniedException' ? 'AccessDenied' : err.type, err.message);
          throw err;
        }
      });
    },
    { prefix: '/sts' },
  );
}
