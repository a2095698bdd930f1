import { Injectable } from '@nestjs/common';
import { PrismaService } from '@edgefleet/db';
import { assertShadowName, notFound, validationFailed } from '@edgefleet/domain';
import { ShadowStore } from '@edgefleet/iot';
import { AuditService, type Principal } from '@edgefleet/organizations';

@Injectable()
export class ShadowManagementService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly backend: ShadowStore,
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
    const document = await this.backend.update(deviceId, shadowName, { desired });
    await this.prisma.$transaction((tx) =>
      this.audit.record(tx, principal, { action: 'shadow.updateDesired', targetType: 'Device', targetId: deviceId, details: { shadowName: shadowName ?? '(classic)' } }),
    );
    return document;
  }

  private async assertDevice(principal: Principal, deviceId: string, shadowName: string | null) {
    if (shadowName !== null) assertShadowName('shadowName', shadowName);
    const device = await this.prisma.device.findFirst({ where: { deviceId, organizationId: principal.organizationId }, select: { deviceId: true } });
    if (!device) throw notFound('Device', deviceId);
  }
}
