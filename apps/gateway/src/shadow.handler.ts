import { Inject, Injectable, Logger } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { ShadowError, parseJsonObject, parseShadowTopic } from '@edgefleet/contracts';
import { DeviceEventsPublisher } from '@edgefleet/devices';
import { ShadowService } from '@edgefleet/shadows';
import type { Reply } from './fleet-provisioning.handler';

/** Serves the Device Shadow topics of a device's own thing; each request gets accepted or rejected (+ documents/delta). */
@Injectable()
export class ShadowHandler {
  private readonly logger = new Logger(ShadowHandler.name);

  constructor(
    private readonly shadows: ShadowService,
    private readonly events: DeviceEventsPublisher,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  isShadowRequest = (topic: string) => parseShadowTopic(topic) !== undefined;

  async handle(thingName: string, topic: string, payload: Buffer): Promise<Reply[]> {
    const t = parseShadowTopic(topic)!;
    let clientToken: string | undefined;
    try {
      if (t.thingName !== thingName) throw new ShadowError(403, 'Forbidden');
      if (payload.length > this.config.MQTT_MAX_PAYLOAD_BYTES) throw new ShadowError(413, 'The payload exceeds the maximum size allowed');
      const json = parseJsonObject(payload, t.op !== 'update');
      if (!json.ok) throw new ShadowError(400, 'Invalid JSON');
      const body = json.value;
      if (body.clientToken !== undefined) {
        if (typeof body.clientToken !== 'string' || body.clientToken.length > 64) throw new ShadowError(400, 'clientToken must be a string of at most 64 characters');
        clientToken = body.clientToken;
      }
      // The AWS SDK repeats topic parameters in the body: the topic wins, a disagreement is refused.
      if (body.thingName !== undefined && body.thingName !== t.thingName) throw new ShadowError(400, 'thingName in the payload does not match the topic');
      if (body.shadowName !== undefined && body.shadowName !== t.shadowName) throw new ShadowError(400, 'shadowName in the payload does not match the topic');

      const base = topic.slice(0, topic.lastIndexOf('/'));
      if (t.op === 'get') return [{ topic: `${topic}/accepted`, body: await this.shadows.get(t.thingName, t.shadowName, clientToken) }];
      if (t.op === 'delete') return [{ topic: `${topic}/accepted`, body: await this.shadows.delete(t.thingName, t.shadowName, clientToken) }];
      const { state, version } = body;
      const result = await this.shadows.update(t.thingName, t.shadowName, { state, ...(version !== undefined ? { version } : {}) }, clientToken);
      if (result.projected) await this.events.updated([t.thingName]);
      return [
        { topic: `${topic}/accepted`, body: result.accepted },
        { topic: `${base}/update/documents`, body: result.documents },
        ...(result.delta ? [{ topic: `${base}/update/delta`, body: result.delta }] : []),
      ];
    } catch (err) {
      const e = err instanceof ShadowError ? err : new ShadowError(500, 'Internal service failure');
      if (!(err instanceof ShadowError)) this.logger.error({ err, deviceId: thingName, topic }, 'shadow request failed');
      return [{ topic: `${topic}/rejected`, body: { code: e.code, message: e.message, timestamp: Math.floor(Date.now() / 1000), ...(clientToken ? { clientToken } : {}) } }];
    }
  }
}
