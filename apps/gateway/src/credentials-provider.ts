import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { CONFIG, type Config } from '@edgefleet/config';
import { SessionGrants } from '@edgefleet/credentials';
import { DeviceIdentityService } from './device-identity.service';

const ROUTE = /^\/role-aliases\/([\w=,@-]{1,128})\/credentials$/;

/**
 * AWS IoT's credentials provider: `GET /role-aliases/<alias>/credentials` over mutual TLS with a
 * device's certificate and its thing name in `x-amzn-iot-thingname`, answering temporary
 * credentials for the alias (`{"credentials": {accessKeyId, secretAccessKey, sessionToken,
 * expiration}}`), so the device SDKs' providers and curl work unchanged. Refused with AWS's
 * statuses: the certificate not the thing's (or revoked, or its device deleted) or the
 * organization suspended 403, an alias the device's organization does not have 404.
 */
@Injectable()
export class CredentialsProvider implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CredentialsProvider');
  private server?: Server;

  constructor(
    private readonly identities: DeviceIdentityService,
    private readonly grants: SessionGrants,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.config.CREDENTIALS_PROVIDER_PORT;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.server = createServer({ ...(await this.identities.serverTls()), requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2' }, (req, res) =>
      void this.handle(req, res).catch((err: unknown) => {
        this.logger.error({ err }, 'credentials request failed');
        answer(res, 500, { message: 'Internal error; it has been logged.' });
      }),
    );
    this.server.on('tlsClientError', (err, socket) => this.logger.warn({ err: err.message, ip: socket.remoteAddress }, 'credentials provider: TLS handshake refused'));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.CREDENTIALS_PROVIDER_PORT, this.config.CREDENTIALS_PROVIDER_HOST, resolve);
    });
    this.logger.log(`credentials provider listening on https://${this.config.CREDENTIALS_PROVIDER_HOST}:${this.port}`);
  }

  async onModuleDestroy(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = ROUTE.exec((req.url ?? '').split('?')[0]);
    if (req.method !== 'GET' || !route) return answer(res, 404, { message: 'Not found: the credentials provider answers GET /role-aliases/<roleAlias>/credentials.' });
    const roleAlias = route[1];
    const thingName = req.headers['x-amzn-iot-thingname'];
    if (typeof thingName !== 'string' || thingName === '') return answer(res, 400, { message: 'Missing the x-amzn-iot-thingname header: the thing whose certificate this is.' });
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    const who = await this.identities.identify(peer.raw, thingName);
    const log = { thingName, roleAlias, certificate: peer.fingerprint256 };
    if ('refused' in who || who.identity.kind !== 'device') {
      const reason = 'refused' in who ? who.refused : 'a claim certificate is for provisioning only';
      this.logger.warn({ ...log, reason }, 'credentials refused');
      return answer(res, 403, { message: `Forbidden: ${reason}.` });
    }
    const grant = await this.grants.aliasOf(who.organizationId, roleAlias);
    if (!grant) {
      this.logger.warn(log, 'credentials refused: no such role alias');
      return answer(res, 404, { message: `Role alias ${roleAlias} does not exist.` });
    }
    const credentials = this.grants.issue(grant, thingName);
    this.logger.debug({ ...log, accessKeyId: credentials.accessKeyId, expiration: credentials.expiration }, 'credentials issued');
    answer(res, 200, { credentials: { ...credentials, expiration: credentials.expiration.toISOString() } });
  }
}

function answer(res: ServerResponse, status: number, body: object): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) }).end(json);
}
