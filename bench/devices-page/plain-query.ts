import type { Pool, Client } from 'pg';

/**
 * The baseline: the plainest indexed query for the page the api serves — the same filter, order
 * and 51 rows (a page of 50 and one to know there is a next), no CTE, no computed columns.
 */
export const PLAIN_PAGE_SQL = `SELECT "deviceId", name, "provisioningStatus", "deviceConnectionStatus", "currentSoftware", tags, "createdAt"
  FROM "Device" WHERE "organizationId" = $1 AND "provisioningStatus" = 'SUCCEEDED' AND tags @> '{"site": "site-3"}'
  ORDER BY "createdAt", "deviceId" LIMIT 51`;

export async function plainPage(db: Pool | Client, organizationId: string) {
  return (await db.query(PLAIN_PAGE_SQL, [organizationId])).rows as { deviceId: string }[];
}
