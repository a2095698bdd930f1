import { type TunnelNotification, tunnelsNotifyTopic } from '@edgefleet/contracts';
import { DomainError } from '@edgefleet/domain';
import type { MqttPublisher } from './mqtt.publisher';

/** How a device hears that a tunnel to it opened: AWS IoT's `$aws/things/<thing>/tunnels/notify`. */
export abstract class TunnelNotifier {
  /** Throws when this backend cannot tell devices of tunnels at all: checked before a tunnel opens. */
  abstract assertAvailable(): void;
  abstract notify(thingName: string, notification: TunnelNotification): Promise<void>;
}

/** Through our gateways, as AWS IoT's tunneling service publishes it. */
export class GatewayTunnelNotifier extends TunnelNotifier {
  constructor(private readonly mqtt: MqttPublisher) {
    super();
  }

  assertAvailable(): void {}

  notify(thingName: string, notification: TunnelNotification): Promise<void> {
    return this.mqtt.publish(tunnelsNotifyTopic(thingName), notification);
  }
}

/**
 * With AWS IoT Core only AWS's own tunneling service may publish on the reserved topic: open the
 * tunnel there (`aws iotsecuretunneling open-tunnel`); the EdgeFleet agent is its destination unchanged.
 */
export class AwsTunnelNotifier extends TunnelNotifier {
  assertAvailable(): void {
    throw new DomainError('USE_AWS_TUNNELING', 'With IOT_BACKEND=aws, devices are reached through AWS IoT secure tunneling: open the tunnel with `aws iotsecuretunneling open-tunnel --destination-config thingName=<deviceId>,services=SSH`; the EdgeFleet agent answers it unchanged.');
  }

  async notify(): Promise<void> {
    this.assertAvailable();
  }
}
