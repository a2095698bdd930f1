import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import {
  CREATE_CERTIFICATE_FROM_CSR_TOPIC,
  CREATE_KEYS_AND_CERTIFICATE_TOPIC,
  REGISTER_THING_TOPIC,
  createCertificateFromCsrRequest,
  createKeysAndCertificateRequest,
  parseJsonObject,
  registerThingRequest,
} from '@edgefleet/contracts';
import { DeviceEventsPublisher } from '@edgefleet/devices';
import { FleetProvisioningService, ProvisioningRejection, rejection } from '@edgefleet/provisioning';
import type { z } from 'zod';
import type { Identity } from './topic.policy';

export interface Reply {
  topic: string;
  body: object;
}

function parse<S extends z.ZodType>(schema: S, payload: Buffer, allowEmpty: boolean): z.infer<S> {
  const json = parseJsonObject(payload, allowEmpty);
  if (!json.ok) throw rejection.invalidPayload(json.error);
  const result = schema.safeParse(json.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw rejection.invalidPayload(`${issue.path.join('.') || 'payload'}: ${issue.message}`);
  }
  return result.data;
}

/** Serves the fleet-provisioning topics for claim connections; every request gets exactly one reply. */
@Injectable()
export class FleetProvisioningHandler {
  private readonly logger = new Logger(FleetProvisioningHandler.name);

  constructor(
    private readonly provisioning: FleetProvisioningService,
    private readonly events: DeviceEventsPublisher,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async handle(identity: Identity, topic: string, payload: Buffer): Promise<Reply> {
    try {
      if (identity.kind !== 'claim') throw rejection.deviceNotProvisionable('already provisioned');
      if (payload.length > this.config.MQTT_MAX_PAYLOAD_BYTES) throw rejection.tooLarge(this.config.MQTT_MAX_PAYLOAD_BYTES);
      const claim = { certificateId: identity.certificateId, thingName: identity.thingName };
      let body: object;
      if (topic === CREATE_CERTIFICATE_FROM_CSR_TOPIC) {
        const req = parse(createCertificateFromCsrRequest, payload, false);
        body = await this.provisioning.createCertificateFromCsr(claim, req.certificateSigningRequest);
      } else if (topic === CREATE_KEYS_AND_CERTIFICATE_TOPIC) {
        parse(createKeysAndCertificateRequest, payload, true);
        body = await this.provisioning.createKeysAndCertificate(claim);
      } else {
        const templateName = REGISTER_THING_TOPIC.exec(topic)![1];
        body = await this.provisioning.registerThing(claim, templateName, parse(registerThingRequest, payload, false));
        await this.events.updated([identity.thingName]);
      }
      this.logger.log({ deviceId: identity.thingName, topic }, 'provisioning request accepted');
      return { topic: `${topic}/accepted`, body };
    } catch (err) {
      const refusal =
        err instanceof ProvisioningRejection ? err : new ProvisioningRejection(500, 'InternalError', 'The request failed on our side; try again.');
      if (!(err instanceof ProvisioningRejection)) this.logger.error({ err, deviceId: identity.thingName, topic }, 'provisioning request failed');
      else this.logger.warn({ deviceId: identity.thingName, topic, errorCode: refusal.errorCode }, 'provisioning request rejected');
      return { topic: `${topic}/rejected`, body: refusal.toResponse() };
    }
  }
}
