import { Injectable } from '@nestjs/common';
import { ShadowError, shadowTopic } from '@edgefleet/contracts';
import { PrismaService } from '@edgefleet/db';
import { DomainError, notFound, validationFailed } from '@edgefleet/domain';
import { MqttPublisher } from '@edgefleet/iot';
import { AuditService, type Principal } from '@edgefleet/organizations';
import { ShadowService } from './shadow.service';

const SHADOW_NAME = /^[a-zA-Z0-9:_-]{1,64}$/;
const CODES: Record<number, DomainError['code']> = { 400: 'VALIDATION_FAILED', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'VALIDATION_FAILED' };

function toDomain(err: unknown): unknown {
  return err instanceof ShadowError ? new DomainError(CODES[err.code] ?? 'INTERNAL', err.message, { shadowCode: err.code }) : err;
}

/** Shadows as operators and workers see them: within their organization, desired side only. */
@Injectable()
export class DeviceShadowService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly shadows: ShadowService,
    private readonly mqtt: MqttPublisher,
    private readonly audit: AuditService,
  ) {}

  async get(principal: Principal, deviceId: string, shadowName: string | null) {
    await this.assertDevice(principal, deviceId, shadowName);
    return this.shadows.get(deviceId, shadowName).catch((err) => Promise.reject(toDomain(err)));
  }

  /** Sets desired state; the device hears the delta on …/update/delta, on whichever gateway it is connected to. */
  async updateDesired(principal: Principal, deviceId: string, shadowName: string | null, desired: unknown) {
    await this.assertDevice(principal, deviceId, shadowName);
    if (desired !== null && (typeof desired !== 'object' || Array.isArray(desired))) throw validationFailed('desired', 'must be a JSON object (or null to clear it).');
    const result = await this.shadows.update(deviceId, shadowName, { state: { desired } }).catch((err) => Promise.reject(toDomain(err)));
    const base = shadowTopic(deviceId, shadowName, 'update');
    await this.mqtt.publish(`${base}/documents`, result.documents);
    if (result.delta) await this.mqtt.publish(`${base}/delta`, result.delta);
    await this.prisma.$transaction((tx) =>
      this.audit.record(tx, principal, { action: 'shadow.updateDesired', targetType: 'Device', targetId: deviceId, details: { shadowName: shadowName ?? '(classic)' } }),
    );
    return this.shadows.get(deviceId, shadowName);
  }

  private async assertDevice(principal: Principal, deviceId: string, shadowName: string | null) {
    if (shadowName !== null && !SHADOW_NAME.test(shadowName)) throw validationFailed('shadowName', 'must be 1 to 64 of a-z, A-Z, 0-9, :, _ and -.');
    const device = await this.prisma.device.findFirst({ where: { deviceId, organizationId: principal.organizationId }, select: { deviceId: true } });
    if (!device) throw notFound('Device', deviceId);
  }
}
