import { Injectable } from '@nestjs/common';
import { DeviceService } from '@edgefleet/devices';
import { assertShadowName, notFound, validationFailed } from '@edgefleet/domain';
import { ShadowStore } from '@edgefleet/iot';
import { AuditService, type Principal } from '@edgefleet/organizations';

@Injectable()
export class ShadowManagementService {
  constructor(
    private readonly devices: DeviceService,
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
    await this.audit.recordNow(principal, { action: 'shadow.updateDesired', targetType: 'Device', targetId: deviceId, details: { shadowName: shadowName ?? '(classic)' } });
    return document;
  }

  private async assertDevice(principal: Principal, deviceId: string, shadowName: string | null) {
    if (shadowName !== null) assertShadowName('shadowName', shadowName);
    if (!(await this.devices.exists(principal.organizationId, deviceId))) throw notFound('Device', deviceId);
  }
}
