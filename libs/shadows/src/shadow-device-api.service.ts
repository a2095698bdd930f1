import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '@edgefleet/config';
import { type ShadowDocument, type ShadowState, type ShadowUpdate, applyShadowUpdate, deltaOf, metadataOf, shadowView } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';
import { DomainError } from '@edgefleet/domain';
import type { ShadowFollower } from '@edgefleet/iot';
import { Clock } from '@edgefleet/runtime';
import { type ShadowRow, ShadowRepository } from './shadow.repository';

/** What an accepted update produces: the replies AWS IoT publishes. */
export interface ShadowUpdateResult {
  accepted: object;
  documents: object;
  /** Set when desired and reported differ after the update. */
  delta?: object;
  /** What the follower answered (the device row changed, for the `system` shadow). */
  projected: boolean;
}

interface PendingUpdate {
  thingName: string;
  name: string;
  request: Record<string, unknown>;
  clientToken?: string;
  follower?: ShadowFollower;
  /** Set after its batch failed as a whole: it is tried again in a transaction of its own, so only the culprit fails. */
  alone?: boolean;
  /** Times it was applied again after losing the race to create its shadow (see `commit`). */
  retries: number;
  resolve: (r: ShadowUpdateResult) => void;
  reject: (err: unknown) => void;
}

/** How an update of a batch ended: answered, refused, or (neither) lost the race to create its shadow. */
type Settled = { u: PendingUpdate; result: ShadowUpdateResult } | { u: PendingUpdate; error: unknown } | { u: PendingUpdate };

const CLASSIC = '';
/** Updates one group commit takes at most, and group commits running at once (each on its own connection). */
const MAX_BATCH = 500;
const MAX_CONCURRENT_BATCHES = 4;
const noShadow = (thingName: string, shadowName: string | null) => new DomainError('SHADOW_NOT_FOUND', `No shadow exists with name: '${shadowName ?? thingName}'`);
const keyOf = (u: { thingName: string; name: string }) => `${u.thingName}\u0000${u.name}`;

function toDocument(row: { desired: unknown; reported: unknown; metadata: unknown; version: number }): ShadowDocument {
  return { desired: row.desired as ShadowState | null, reported: row.reported as ShadowState | null, metadata: row.metadata as ShadowDocument['metadata'], version: row.version };
}

/**
 * AWS IoT Device Shadow service for the local backend (what the gateway serves to devices),
 * persisted in Postgres.
 *
 * Updates are group-committed: while earlier updates are being written, new ones queue, and
 * the next transaction takes all of them (up to MAX_BATCH) — one locking read of every shadow,
 * the documents merged in memory, one statement per follower, one statement for the shadows.
 * A single update alone still commits at once. Per shadow, order and versions stay exact: a
 * shadow is in at most one transaction at a time, updates of it are applied in arrival order,
 * and a version conflict, a bad document or a follower's refusal rejects that update only.
 */
@Injectable()
export class ShadowDeviceApi {
  private readonly queue: PendingUpdate[] = [];
  /** Shadows in a transaction now: their next updates wait for the following one. */
  private readonly writing = new Set<string>();
  private running = 0;
  private scheduled = false;

  constructor(
    private readonly shadows: ShadowRepository,
    private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  async get(thingName: string, shadowName: string | null, clientToken?: string): Promise<object> {
    const row = await this.shadows.find(thingName, shadowName ?? CLASSIC);
    if (!row || row.deletedAt) throw noShadow(thingName, shadowName);
    return { ...shadowView(toDocument(row)), timestamp: this.nowSeconds(), ...(clientToken ? { clientToken } : {}) };
  }

  update(thingName: string, shadowName: string | null, request: Record<string, unknown>, clientToken?: string, follower?: ShadowFollower): Promise<ShadowUpdateResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ thingName, name: shadowName ?? CLASSIC, request, clientToken, follower, retries: 0, resolve, reject });
      // Updates read from the sockets in the same turn of the event loop go into one transaction.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.drain();
        });
      }
    });
  }

  private drain(): void {
    while (this.running < MAX_CONCURRENT_BATCHES && this.queue.length > 0) {
      const batch: PendingUpdate[] = [];
      const taken = new Set<string>();
      for (let i = 0; i < this.queue.length && batch.length < MAX_BATCH; ) {
        const key = keyOf(this.queue[i]);
        // One update per shadow a batch, none of a shadow another batch is writing: order per shadow holds.
        if (this.writing.has(key) || taken.has(key) || (this.queue[i].alone && batch.length > 0)) {
          i++;
          continue;
        }
        taken.add(key);
        batch.push(...this.queue.splice(i, 1));
        if (batch[0].alone) break;
      }
      if (batch.length === 0) return;
      for (const key of taken) this.writing.add(key);
      this.running++;
      void this.commit(batch).finally(() => {
        for (const key of taken) this.writing.delete(key);
        this.running--;
        this.drain();
      });
    }
  }

  private async commit(batch: PendingUpdate[]): Promise<void> {
    let settled: Settled[];
    try {
      settled = await this.shadows.transaction((tx) => this.apply(tx, batch));
    } catch (err) {
      // Nothing of the batch was written (the database, a follower's write): each update again alone, so only the culprit fails.
      for (const u of batch) {
        if (batch.length > 1) this.queue.unshift({ ...u, alone: true });
        else u.reject(err);
      }
      return;
    }
    for (const s of settled) {
      if ('result' in s) s.u.resolve(s.result);
      else if ('error' in s) s.u.reject(s.error);
      // Two first updates of a new shadow raced on its creation: the loser applies again, on top of the winner.
      else if (s.u.retries < 3) this.queue.unshift({ ...s.u, retries: s.u.retries + 1 });
      else s.u.reject(new DomainError('UNEXPECTED', 'The shadow kept being created concurrently; retry.'));
    }
  }

  private async apply(tx: Tx, batch: PendingUpdate[]): Promise<Settled[]> {
    const rows = await this.shadows.lockAll(tx, batch.map((u) => ({ deviceId: u.thingName, name: u.name })));
    const byKey = new Map(rows.map((r: ShadowRow) => [keyOf({ thingName: r.deviceId, name: r.name }), r]));
    const timestamp = this.nowSeconds();
    const out: Settled[] = [];
    const accepted: { u: PendingUpdate; existed: boolean; previous: ShadowDocument | null; next: ShadowDocument; state: ShadowUpdate; metadata: object; prepared: unknown }[] = [];
    for (const u of batch) {
      const row = byKey.get(keyOf(u));
      // A deleted shadow starts empty again, but its version goes on (as in AWS IoT).
      const previous = row && !row.deletedAt ? toDocument(row) : null;
      const base = row?.deletedAt ? { desired: null, reported: null, metadata: {}, version: row.version } : previous;
      try {
        const { next, state, metadata } = applyShadowUpdate(base, u.request, { maxBytes: this.config.SHADOW_MAX_BYTES, timestamp });
        accepted.push({ u, existed: !!row, previous, next, state, metadata, prepared: u.follower?.prepare(u.thingName, next) });
      } catch (err) {
        out.push({ u, error: err });
      }
    }
    const values = accepted.map((a) => ({ deviceId: a.u.thingName, name: a.u.name, desired: a.next.desired, reported: a.next.reported, metadata: a.next.metadata, version: a.next.version, existed: a.existed }));
    // Existing shadows are locked above; a new one is inserted unless another writer created it meanwhile (then it is applied again, on top).
    const written = new Set((await this.shadows.writeAll(tx, values)).map((r) => keyOf({ thingName: r.deviceId, name: r.name })));
    const kept = accepted.filter((a) => written.has(keyOf(a.u)));
    for (const a of accepted) if (!written.has(keyOf(a.u))) out.push({ u: a.u });
    // Followers write only what was written: one call per follower for the batch.
    const projected = new Map<PendingUpdate, boolean>();
    const groups = new Map<string, typeof kept>();
    for (const a of kept) if (a.u.follower) groups.set(a.u.follower.key, [...(groups.get(a.u.follower.key) ?? []), a]);
    for (const items of groups.values()) {
      const changed = await items[0].u.follower!.write(tx, items.map((a) => ({ thingName: a.u.thingName, document: a.next, prepared: a.prepared })));
      items.forEach((a, i) => projected.set(a.u, changed[i]));
    }
    for (const { u, previous, next, state, metadata } of kept) {
      const token = u.clientToken ? { clientToken: u.clientToken } : {};
      const delta = state.desired !== undefined ? deltaOf(next.desired, next.reported) : undefined;
      const strip = (d: ShadowDocument | null) =>
        d && { state: { ...(d.desired ? { desired: d.desired } : {}), ...(d.reported ? { reported: d.reported } : {}) }, metadata: d.metadata, version: d.version };
      out.push({
        u,
        result: {
          accepted: { state, metadata, version: next.version, timestamp, ...token },
          documents: { previous: strip(previous), current: strip(next), timestamp, ...token },
          ...(delta ? { delta: { state: delta, metadata: metadataOf(delta, next.metadata.desired), version: next.version, timestamp, ...token } } : {}),
          projected: projected.get(u) ?? false,
        },
      });
    }
    return out;
  }

  /** Deletes the document, keeping its version (the next update continues from it). */
  async delete(thingName: string, shadowName: string | null, clientToken?: string): Promise<object> {
    const name = shadowName ?? CLASSIC;
    return this.shadows.transaction(async (tx) => {
      const row = await this.shadows.lockOne(tx, thingName, name);
      if (!row || row.deletedAt) throw noShadow(thingName, shadowName);
      await this.shadows.markDeleted(tx, thingName, name, this.clock.now());
      return { version: row.version, timestamp: this.nowSeconds(), ...(clientToken ? { clientToken } : {}) };
    });
  }
}
