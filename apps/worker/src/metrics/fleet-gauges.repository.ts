import { Injectable } from '@nestjs/common';
import { Repository } from '@edgefleet/db';

export interface FleetGauges {
  devices: { organizationId: string; deviceId: string; name: string; status: string }[];
  applications: { organizationId: string; applicationInstanceId: string; name: string | null; status: string; errors: number }[];
  jobs: { organizationId: string; type: string; status: string; count: number }[];
  rollouts: { organizationId: string; status: string; count: number }[];
}

/** What the worker's fleet gauges read at scrape time: a handful of grouped reads, no row-by-row work. */
@Injectable()
export class FleetGaugesRepository extends Repository {
  async read(): Promise<FleetGauges> {
    const [devices, applications, jobs, rollouts] = await Promise.all([
      this.prisma.$queryRaw<FleetGauges['devices']>`
        SELECT "organizationId"::text AS "organizationId", "deviceId", name, "deviceConnectionStatus"::text AS status
        FROM "Device" WHERE "provisioningStatus" = 'SUCCEEDED'`,
      // ApplicationErrors: the node instances in ERROR, at least 1 while the instance's health is ERROR.
      this.prisma.$queryRaw<FleetGauges['applications']>`
        SELECT a."organizationId"::text AS "organizationId", a."applicationInstanceId", a.name, a.status::text AS status,
               GREATEST(count(n.id) FILTER (WHERE n."currentStatus" = 'ERROR'), CASE WHEN a."healthStatus" = 'ERROR' THEN 1 ELSE 0 END)::int AS errors
        FROM "ApplicationInstance" a LEFT JOIN "NodeInstance" n ON n."applicationInstanceId" = a."applicationInstanceId"
        WHERE a.status <> 'REMOVAL_SUCCEEDED'
        GROUP BY a."applicationInstanceId"`,
      this.prisma.$queryRaw<FleetGauges['jobs']>`
        SELECT "organizationId"::text AS "organizationId", "jobType"::text AS type, status::text AS status, count(*)::int AS count FROM "DeviceJob" GROUP BY 1, 2, 3`,
      this.prisma.$queryRaw<FleetGauges['rollouts']>`
        SELECT "organizationId"::text AS "organizationId", status::text AS status, count(*)::int AS count FROM "Rollout" GROUP BY 1, 2`,
    ]);
    return { devices, applications, jobs, rollouts };
  }
}
