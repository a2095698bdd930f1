import { PrismaService } from '@edgefleet/db';
import { DeviceService } from '@edgefleet/devices';
import {
  DEVICE_CONNECTION_STATUSES,
  PROVISIONING_STATUSES,
  deviceAggregatedStatus,
} from '@edgefleet/domain';
import { newOrganization, seedDevice } from '@edgefleet/e2e-support';
import { type RunningApi, startApi } from '../test/start-api';

/** The list filter computes deviceAggregatedStatus in SQL; it must agree with the domain rule in every state. */
jest.setTimeout(30_000);

describe('deviceAggregatedStatus: SQL and domain agree', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.app.close());

  it('for every combination of statuses, lease, software and reboot', async () => {
    const prisma = api.app.get(PrismaService);
    const org = await newOrganization(api);
    await prisma.softwareImage.create({ data: { organizationId: org.organizationId, version: '4.3.55', sha256: 'a'.repeat(64), size: 1, uploadedAt: new Date() } });
    const expected = new Map<string, string>();
    let i = 0;
    for (const provisioningStatus of PROVISIONING_STATUSES) {
      for (const deviceConnectionStatus of DEVICE_CONNECTION_STATUSES) {
        for (const [currentSoftware, lease, rebooting] of [
          ['4.3.45', null, false],
          ['4.3.55', null, false],
          [null, new Date(Date.now() - 60_000), false],
          ['4.3.55', new Date(Date.now() + 3_600_000), true],
        ] as const) {
          const device = await seedDevice(api, org, { name: `agg-${i++}` });
          await prisma.device.update({
            where: { deviceId: device.deviceId },
            data: { provisioningStatus, deviceConnectionStatus, currentSoftware, leaseExpirationTime: lease },
          });
          if (rebooting) await prisma.deviceJob.create({ data: { jobId: `${device.deviceId}-0`, organizationId: org.organizationId, deviceId: device.deviceId, jobType: 'REBOOT', status: 'REBOOTING' } });
          const want = deviceAggregatedStatus(
            { provisioningStatus, deviceConnectionStatus, currentSoftware, latestSoftware: '4.3.55', leaseExpirationTime: lease, rebooting },
            new Date(),
          );
          expected.set(device.deviceId, want);
        }
      }
    }
    const got = new Map<string, string>();
    let after: string | null = null;
    do {
      const page = await api.app.get(DeviceService).list(org.admin, { first: 100, after });
      for (const e of page.edges) got.set(e.node.deviceId, e.node.deviceAggregatedStatus);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected));
  });
});
