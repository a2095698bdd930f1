import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type ShadowDocument, type ShadowState, applyShadowUpdate, deltaOf, metadataOf, shadowTopic, shadowView } from '@edgefleet/contracts';
import { Prisma, PrismaService, type Tx } from '@edgefleet/db';
import { MqttPublisher } from './mqtt.publisher';
import { ShadowStore } from './shadow-store.port';
import { DomainError } from '@edgefleet/domain';

/** What an accepted update produces: the replies AWS IoT publishes. */
export interface ShadowUpdateResult {
  accepted: object;
  documents: object;
  /** Set when desired and reported differ after the update. */
  delta?: object;
  /** What `onAccepted` answered (the device row changed, for the `system` shadow). */
  projected: boolean;
}

/** Runs in the update's transaction once it is accepted: how the registry follows a shadow without a second transaction. */
export type OnShadowAccepted = (tx: Tx, document: ShadowDocument) => Promise<boolean>;

const CLASSIC = '';
const nowSeconds = () => Math.floor(Date.now() / 1000);
const noShadow = (thingName: string, shadowName: string | null) => new DomainError('SHADOW_NOT_FOUND', `No shadow exists with name: '${shadowName ?? thingName}'`);

function toDocument(row: { desired: unknown; reported: unknown; metadata: unknown; version: number }): ShadowDocument {
  return { desired: row.desired as ShadowState | null, reported: row.reported as ShadowState | null, metadata: row.metadata as ShadowDocument['metadata'], version: row.version };
}

const jsonOrNull = (v: unknown) => (v === null || v === undefined ? Prisma.DbNull : (v as object));

/**
 * AWS IoT Device Shadow service for the local backend (what the gateway serves), persisted in
 * Postgres. The caller may follow an accepted update in the same transaction (`onAccepted`).
 */
@Injectable()
export class ShadowDeviceApi {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async get(thingName: string, shadowName: string | null, clientToken?: string): Promise<object> {
    const row = await this.prisma.shadow.findUnique({ where: { deviceId_name: { deviceId: thingName, name: shadowName ?? CLASSIC } } });
    if (!row || row.deletedAt) throw noShadow(thingName, shadowName);
    return { ...shadowView(toDocument(row)), timestamp: nowSeconds(), ...(clientToken ? { clientToken } : {}) };
  }

  async update(thingName: string, shadowName: string | null, request: Record<string, unknown>, clientToken?: string, onAccepted?: OnShadowAccepted): Promise<ShadowUpdateResult> {
    try {
      return await this.updateOnce(thingName, shadowName, request, clientToken, onAccepted);
    } catch (err) {
      // Two first updates of a new shadow raced on its creation: the loser applies on top of the winner.
      if ((err as { code?: string }).code !== 'P2002') throw err;
      return this.updateOnce(thingName, shadowName, request, clientToken, onAccepted);
    }
  }

  private async updateOnce(thingName: string, shadowName: string | null, request: Record<string, unknown>, clientToken: string | undefined, onAccepted: OnShadowAccepted | undefined): Promise<ShadowUpdateResult> {
    const name = shadowName ?? CLASSIC;
    return this.prisma.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<{ desired: unknown; reported: unknown; metadata: unknown; version: number; deletedAt: Date | null }[]>`
        SELECT desired, reported, metadata, version, "deletedAt" FROM "Shadow" WHERE "deviceId" = ${thingName} AND name = ${name} FOR UPDATE`;
      // A deleted shadow starts empty again, but its version goes on (as in AWS IoT).
      const previous = row && !row.deletedAt ? toDocument(row) : null;
      const base = row?.deletedAt ? { desired: null, reported: null, metadata: {}, version: row.version } : previous;
      const timestamp = nowSeconds();
      const { next, state, metadata } = applyShadowUpdate(base, request, { maxBytes: this.config.SHADOW_MAX_BYTES, timestamp });
      const projected = onAccepted ? await onAccepted(tx, next) : false;
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
}

/** Local backend's shadow store for operators and workers: the shadow service, and the delta routed to whichever gateway holds the device. */
export class LocalShadowStore extends ShadowStore {
  constructor(
    private readonly shadows: ShadowDeviceApi,
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
