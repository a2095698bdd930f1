import { Injectable } from '@nestjs/common';
import { shadowTopic } from '@edgefleet/contracts';
import { MqttPublisher, ShadowStore, type ShadowStateChange } from '@edgefleet/iot';
import { ShadowDeviceApi } from './shadow-device-api.service';

/** Local backend's shadow store for operators and workers: the shadow service, and the delta routed to whichever gateway holds the device. */
@Injectable()
export class LocalShadowStore extends ShadowStore {
  constructor(
    private readonly shadows: ShadowDeviceApi,
    private readonly mqtt: MqttPublisher,
  ) {
    super();
  }

  get(thingName: string, shadowName: string | null): Promise<object> {
    return this.shadows.get(thingName, shadowName);
  }

  async update(thingName: string, shadowName: string | null, state: ShadowStateChange, version?: number): Promise<object> {
    const result = await this.shadows.update(thingName, shadowName, { state, ...(version !== undefined ? { version } : {}) });
    const base = shadowTopic(thingName, shadowName, 'update');
    await this.mqtt.publish(`${base}/documents`, result.documents);
    if (result.delta) await this.mqtt.publish(`${base}/delta`, result.delta);
    return this.get(thingName, shadowName);
  }
}
