import type { ShadowDocument } from '@edgefleet/contracts';
import type { Tx } from '@edgefleet/db';

/**
 * What follows an accepted update into other tables, in the update's transaction: how the
 * registry follows a shadow without a second transaction. Batched: the updates of one group
 * commit that share a follower (same `key`) are written by one `write` call.
 */
export interface ShadowFollower<P = unknown> {
  key: string;
  /** Checks the accepted document, before anything is written; a DomainError rejects this update only. */
  prepare(thingName: string, document: ShadowDocument): P;
  /** Writes the prepared items in the batch's transaction; per item, whether the row it follows changed. */
  write(tx: Tx, items: { thingName: string; document: ShadowDocument; prepared: P }[]): Promise<boolean[]>;
}
