import type { JobDocument, JobExecutionPayload } from '@edgefleet/contracts';

/** A job row with what its document needs (the image's digest and size). */
export interface ExecutionRow {
  jobId: string;
  deviceId: string;
  jobType: 'OTA' | 'REBOOT';
  imageVersion: string | null;
  executionStatus: string;
  statusDetails: unknown;
  executionNumber: number;
  versionNumber: number;
  createdAt: Date;
  startedAt: Date | null;
  updatedAt: Date;
  sha256: string | null;
  size: bigint | number | null;
}

/** Columns and join that fill an {@link ExecutionRow}, for raw queries over `"DeviceJob" j`. */
export const EXECUTION_COLUMNS = `j."jobId", j."deviceId", j."jobType", j."imageVersion", j."executionStatus", j."statusDetails",
  j."executionNumber", j."versionNumber", j."createdAt", j."startedAt", j."updatedAt", i.sha256, i.size`;
export const IMAGE_JOIN = `LEFT JOIN "SoftwareImage" i ON i."organizationId" = j."organizationId" AND i.version = j."imageVersion"`;

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

export function jobDocument(row: ExecutionRow, downloadUrl: (sha256: string) => string): JobDocument {
  if (row.jobType === 'REBOOT') return { operation: 'REBOOT' };
  return { operation: 'OTA', imageVersion: row.imageVersion!, url: downloadUrl(row.sha256!), sha256: row.sha256!, size: Number(row.size) };
}

export const summaryOf = (row: ExecutionRow) => ({
  jobId: row.jobId,
  queuedAt: seconds(row.createdAt),
  ...(row.startedAt ? { startedAt: seconds(row.startedAt) } : {}),
  lastUpdatedAt: seconds(row.updatedAt),
  versionNumber: row.versionNumber,
  executionNumber: row.executionNumber,
});

/** AWS IoT's JobExecution, as devices receive it (times in epoch seconds). */
export function executionOf(row: ExecutionRow, downloadUrl?: (sha256: string) => string): JobExecutionPayload {
  const details = (row.statusDetails ?? {}) as Record<string, string>;
  return {
    ...summaryOf(row),
    thingName: row.deviceId,
    status: row.executionStatus,
    ...(Object.keys(details).length ? { statusDetails: details } : {}),
    ...(downloadUrl ? { jobDocument: jobDocument(row, downloadUrl) } : {}),
  };
}
