import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@edgefleet/config';
import { DomainError } from '@edgefleet/domain';
import { type ApiKeyService, type OrganizationService } from '@edgefleet/organizations';
import { QUEUE_NAMES } from '@edgefleet/queue';
import type { RedisConnections } from '@edgefleet/runtime';
import { isInstallationKey } from '../organizations/installation-admin';

export const QUEUES_PATH = '/admin/queues';
const REALM = 'Basic realm="EdgeFleet queues: an ADMIN API key of the installation\'s organization as the password", charset="UTF-8"';

/** The API key of a request: a bearer token, or the password of HTTP Basic (what a browser sends after its prompt). */
function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization ?? '';
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)$/i.exec(header)?.[1];
  if (!basic) return undefined;
  const decoded = Buffer.from(basic, 'base64').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1) || undefined;
}

/**
 * BullMQ's own dashboard (bull-board) at /admin/queues. Queues hold every organization's jobs, so
 * it is for the people who run the installation: the installation admin key, or an ADMIN key of
 * the installation's own organization (EDGEFLEET_DEFAULT_ORGANIZATION). Other keys get 403; no key
 * gets 401 with a Basic challenge, so a browser asks for the key.
 */
export async function registerQueuesDashboard(fastify: FastifyInstance, deps: { config: Config; apiKeys: ApiKeyService; organizations: OrganizationService; redis: RedisConnections }): Promise<Queue[]> {
  const { config } = deps;
  // One connection, from the process's factory (which closes it), for the four queues it reads.
  const connection = deps.redis.connect('queue-dashboard');
  const queues = QUEUE_NAMES.map((name) => new Queue(name, { connection, prefix: config.REDIS_PREFIX }));
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter, options: { uiConfig: { boardTitle: 'EdgeFleet queues' } } });

  let defaultOrganization: string | undefined;
  const refuse = (reply: FastifyReply, status: 401 | 403, message: string) =>
    (status === 401 ? reply.header('www-authenticate', REALM) : reply).code(status).type('application/json').send({ error: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message });

  await fastify.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        // A browser resends Basic credentials on its own: a change (retry, clean, promote) must come from the dashboard's own page.
        const site = request.headers['sec-fetch-site'];
        if (request.method !== 'GET' && request.method !== 'HEAD' && site !== undefined && site !== 'same-origin') return refuse(reply, 403, 'Changes to queues come from the dashboard itself, not from another site.');
        const key = presentedKey(request);
        if (!key) return refuse(reply, 401, 'Send an ADMIN API key (Authorization: Bearer <key>, or as the password of HTTP Basic).');
        if (isInstallationKey(config, `Bearer ${key}`)) return;
        try {
          const principal = await deps.apiKeys.authenticate(key);
          if (principal.role !== 'ADMIN') return refuse(reply, 403, `The queue dashboard needs an ADMIN key; this one is ${principal.role}.`);
          defaultOrganization ??= await deps.organizations.defaultOrganizationId(); // it never changes once made
          if (principal.organizationId !== defaultOrganization) {
            return refuse(reply, 403, "Queues hold every organization's jobs: only the installation's own organization (or the installation admin key) may see them.");
          }
        } catch (err) {
          // A suspended organization's key is FORBIDDEN, an unknown one UNAUTHENTICATED.
          if (err instanceof DomainError && (err.code === 'UNAUTHENTICATED' || err.code === 'FORBIDDEN')) return refuse(reply, err.code === 'FORBIDDEN' ? 403 : 401, err.message);
          throw err;
        }
      });
      // bull-board's page links Google Fonts: on an air-gapped site that is a request that never answers. System fonts instead.
      scope.addHook('onSend', async (_request, reply, payload) =>
        typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').startsWith('text/html') ? payload.replace(/<link[^>]+fonts\.googleapis\.com[^>]*>\s*/g, '') : payload,
      );
      await scope.register(serverAdapter.registerPlugin(), { prefix: QUEUES_PATH });
    },
  );
  return queues;
}
