import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import {
  SYSTEM_SHADOW,
  type ShadowDocument,
  type ShadowState,
  applyShadowUpdate,
  deltaOf,
  metadataOf,
  shadowView,
  systemReport,
} from '@edgefleet/contracts';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';

/** What an accepted update produces: the replies AWS IoT publishes. */
export interface ShadowUpdateResult {
  accepted: object;
  documents: object;
  /** Set when desired and reported differ after the update. */
  delta?: object;
  /** The device row changed (projection of the `system` shadow). */
  projected: boolean;
}

const CLASSIC = '';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const noShadow = (thingName: string, shadowName: string | null) => new DomainError('SHADOW_NOT_FOUND', `No shadow exists with name: '${shadowName ?? thingName}'`);

function toDocument(row: { desired: unknown; reported: unknown; metadata: unknown; version: number }): ShadowDocument {
  return { desired: row.desired as ShadowState | null, reported: row.reported as ShadowState | null, metadata: row.metadata as ShadowDocument['metadata'], version: row.version };
}

const jsonOrNull = (v: unknown) => (v === null || v === undefined ? Prisma.DbNull : (v as object));

/**
 * AWS IoT Device Shadow service for the local backend, persisted in Postgres.
 * Accepted reports of the `system` shadow project into the device row in the same
 * transaction, and only when newer, so late messages never move a device back.
 */
@Injectable()
export class ShadowService {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async get(thingName: string, shadowName: string | null, clientToken?: string): Promise<object> {
    const row = await this.prisma.shadow.findUnique({ where: { deviceId_name: { deviceId: thingName, name: shadowName ?? CLASSIC } } });
    if (!row || row.deletedAt) throw noShadow(thingName, shadowName);
    return { ...shadowView(toDocument(row)), timestamp: nowSeconds(), ...(clientToken ? { clientToken } : {}) };
  }

  async update(thingName: string, shadowName: string | null, request: Record<string, unknown>, clientToken?: string): Promise<ShadowUpdateResult> {
    try {
      return await this.updateOnce(thingName, shadowName, request, clientToken);
    } catch (err) {
      // Two first updates of a new shadow raced on its creation: the loser applies on top of the winner.
      if ((err as { code?: string }).code !== 'P2002') throw err;
      return this.updateOnce(thingName, shadowName, request, clientToken);
    }
  }

  private async updateOnce(thingName: string, shadowName: string | null, request: Record<string, unknown>, clientToken?: string): Promise<ShadowUpdateResult> {
    const name = shadowName ?? CLASSIC;
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ desired: unknown; reported: unknown; metadata: unknown; version: number; deletedAt: Date | null }[]>`
        SELECT desired, reported, metadata, version, "deletedAt" FROM "Shadow" WHERE "deviceId" = ${thingName} AND name = ${name} FOR UPDATE`;
      // A deleted shadow starts empty again, but its version goes on (as in AWS IoT).
      const previous = row && !row.deletedAt ? toDocument(row) : null;
      const base = row?.deletedAt ? { desired: null, reported: null, metadata: {}, version: row.version } : previous;
      const timestamp = nowSeconds();
      const { next, state, metadata } = applyShadowUpdate(base, request, { maxBytes: this.config.SHADOW_MAX_BYTES, timestamp });
      const projected = name === SYSTEM_SHADOW && state.reported !== undefined ? await this.project(tx, thingName, next) : false;
      const data = { desired: jsonOrNull(next.desired), reported: jsonOrNull(next.reported), metadata: next.metadata as object, version: next.version, deletedAt: null };
      if (row) await tx.shadow.update({ where: { deviceId_name: { deviceId: thingName, name } }, data });
      else await tx.shadow.create({ data: { deviceId: thingName, name, ...data } });

      const token = clientToken ? { clientToken } : {};
      const delta = state.desired !== undefined ? deltaOf(next.desired, next.reported) : undefined;
      const strip = (d: ShadowDocument | null) =>
        d && { state: { ...(d.desired ? { desired: d.desired } : {}), ...(d.reported ? { reported: d.reported } : {}) }, metadata: d.metadata, version: d.version };
      return {
        accepted: { state, metadata, version: next.version, timestamp, ...token },
        documents: { previous: strip(previous), current: strip(next), timestamp, ...token },
        ...(delta ? { delta: { state: delta, metadata: metadataOf(delta, next.metadata.desired), version: next.version, timestamp, ...token } } : {}),
        projected,
      };
    });
  }

  /** Deletes the document, keeping its version (the next update continues from it). */
  async delete(thingName: string, shadowName: string | null, clientToken?: string): Promise<object> {
    const name = shadowName ?? CLASSIC;
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ version: number; deletedAt: Date | null }[]>`
        SELECT version, "deletedAt" FROM "Shadow" WHERE "deviceId" = ${thingName} AND name = ${name} FOR UPDATE`;
      if (!row || row.deletedAt) throw noShadow(thingName, shadowName);
      await tx.shadow.update({
        where: { deviceId_name: { deviceId: thingName, name } },
        data: { desired: Prisma.DbNull, reported: Prisma.DbNull, metadata: {}, deletedAt: new Date() },
      });
      return { version: row.version, timestamp: nowSeconds(), ...(clientToken ? { clientToken } : {}) };
    });
  }

  /** For shadows kept elsewhere (AWS IoT `…/update/documents`): project the current `system` report. */
  async projectSystemReport(thingName: string, reported: object | null, version: number): Promise<boolean> {
    return this.prisma.$transaction((tx) => this.project(tx, thingName, { desired: null, reported: reported as ShadowState | null, metadata: {}, version }));
  }

  /** The `system` report, validated, into the device row: only if this version is newer than the last projected. */
  private async project(tx: Tx, thingName: string, doc: ShadowDocument): Promise<boolean> {
    const parsed = systemReport.safeParse(doc.reported ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DomainError('INVALID_ARGUMENT', `Invalid system report: ${issue.path.join('.')}: ${issue.message}`);
    }
    const r = parsed.data;
    const eth = (e?: { ipAddress: string; connectionStatus: string; hwAddress: string }) => e && { ipAddress: e.ipAddress, connectionStatus: e.connectionStatus, hwAddress: e.hwAddress };
    const networking = r.networking || r.ntp
      ? {
          ethernet0Status: eth(r.networking?.ethernet0) ?? null,
          ethernet1Status: eth(r.networking?.ethernet1) ?? null,
          ntpStatus: r.ntp ? { connectionStatus: r.ntp.connectionStatus ?? null, ntpServerName: r.ntp.ntpServerName ?? null, ipAddress: null } : null,
          lastUpdatedTime: new Date().toISOString(),
        }
      : undefined;
    const moved = await tx.device.updateMany({
      where: { deviceId: thingName, systemShadowVersion: { lt: doc.version } },
      data: {
        systemShadowVersion: doc.version,
        ...(r.currentSoftware ? { currentSoftware: r.currentSoftware, systemReportedAt: new Date() } : {}),
        ...(r.serialNumber ? { serialNumber: r.serialNumber } : {}),
        ...(r.deviceType ? { type: r.deviceType } : {}),
        ...(networking ? { currentNetworkingStatus: networking } : {}),
      },
    });
    return moved.count === 1;
  }
}
