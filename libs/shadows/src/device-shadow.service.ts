import { Injectable } from '@nestjs/common';
import { shadowTopic } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { notFound, validationFailed } from '@edgefleet/domain';
import { MqttPublisher } from '@edgefleet/iot';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { ShadowService } from './shadow.service';

const SHADOW_NAME = /^[a-zA-Z0-9:_-]{1,64}$/;

/** Where shadows live: our gateway's store (local) or AWS IoT Core (aws). */
export abstract class ShadowBackend {
  abstract get(thingName: string, shadowName: string | null): Promise<object>;
  abstract updateDesired(thingName: string, shadowName: string | null, desired: unknown): Promise<object>;
}

/** Local backend: the shadow store, and the delta routed to whichever gateway holds the device. */
export class LocalShadowBackend extends ShadowBackend {
  constructor(
    private readonly shadows: ShadowService,
    private readonly mqtt: MqttPublisher,
  ) {
    super();
  }

  get(thingName: string, shadowName: string | null): Promise<object> {
    return this.shadows.get(thingName, shadowName);
  }

  async updateDesired(thingName: string, shadowName: string | null, desired: unknown): Promise<object> {
    const result = await this.shadows.update(thingName, shadowName, { state: { desired } });
    const base = shadowTopic(thingName, shadowName, 'update');
    await this.mqtt.publish(`${base}/documents`, result.documents);
    if (result.delta) await this.mqtt.publish(`${base}/delta`, result.delta);
    return this.get(thingName, shadowName);
  }
}

/** Shadows as operators and workers see them: within their organization, desired side only. Same port for both backends. */
@Injectable()
export class DeviceShadowService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly backend: ShadowBackend,
    private readonly audit: AuditService,
  ) {}

  async get(principal: Principal, deviceId: string, shadowName: string | null) {
    await this.assertDevice(principal, deviceId, shadowName);
    return this.backend.get(deviceId, shadowName);
  }

  /** Sets desired state; the device hears the delta on …/update/delta. */
  async updateDesired(principal: Principal, deviceId: string, shadowName: string | null, desired: unknown) {
    await this.assertDevice(principal, deviceId, shadowName);
    if (desired !== null && (typeof desired !== 'object' || Array.isArray(desired))) throw validationFailed('desired', 'must be a JSON object (or null to clear it).');
    const document = await this.backend.updateDesired(deviceId, shadowName, desired);
    await this.prisma.$transaction((tx) =>
      this.audit.record(tx, principal, { action: 'shadow.updateDesired', targetType: 'Device', targetId: deviceId, details: { shadowName: shadowName ?? '(classic)' } }),
    );
    return document;
  }

  private async assertDevice(principal: Principal, deviceId: string, shadowName: string | null) {
    if (shadowName !== null && !SHADOW_NAME.test(shadowName)) throw validationFailed('shadowName', 'must be 1 to 64 of a-z, A-Z, 0-9, :, _ and -.');
    const device = await this.prisma.device.findFirst({ where: { deviceId, organizationId: principal.organizationId }, select: { deviceId: true } });
    if (!device) throw notFound('Device', deviceId);
  }
}
