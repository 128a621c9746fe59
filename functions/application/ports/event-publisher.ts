// The events port: one event per publish or rollback, for the apps that cache hub assignments
// (health visiting, midwifery, early help) to learn which postcodes changed hub, HV patch or CoC
// team. Schema and size bounds: docs/events.md. On AWS the port is EventBridge (source
// `family-hub-catchments`, detail-type = `type`), delivered on to HTTPS webhooks outside AWS by a
// signing Lambda; locally the events are logged, kept, and POSTed to any configured webhooks.

import type { ChangeCounts, ChangedPostcode, HubMove } from '../../core/boundary-set/changes.js';
import type { VersionCounts } from '../../core/boundary-set/counts.js';

export const EVENT_SOURCE = 'family-hub-catchments';

export type BoundarySetEventType = 'boundary-set.published' | 'boundary-set.rolled-back';

export interface BoundarySetEvent {
  /** Schema version of this event shape (2: every layer, before/after per postcode). */
  readonly schema: 2;
  readonly type: BoundarySetEventType;
  /** Unique per event: the pointer change's id (consumers de-duplicate on it). */
  readonly id: string;
  readonly area: string;
  readonly fromVersion: number | null;
  readonly toVersion: number;
  /** Per-area sequence number of the pointer change (1, 2, 3...): gaps mean a missed event. */
  readonly seq: number;
  readonly at: string;
  readonly by: string;
  readonly message: string;
  /** Counts of the version now active. */
  readonly counts: VersionCounts;
  /** Every postcode whose hub, HV patch or CoC team changed, however many. */
  readonly changedPostcodeCount: number;
  /** Of those, how many changed each layer (a postcode changing two layers counts in both). */
  readonly changedCounts: ChangeCounts;
  /** The changes inline, sorted by postcode, while the event stays under its size budget. */
  readonly changedPostcodes: readonly ChangedPostcode[];
  /** True when `changedPostcodes` lists fewer than `changedPostcodeCount`: follow `changeList.next`. */
  readonly changedPostcodesTruncated: boolean;
  /**
   * The whole list (relative URLs of the public API): `next` pages on after the inline ones (null
   * when nothing is left), `csv` is every change of the version pair (null for a first version).
   */
  readonly changeList: { readonly next: string | null; readonly csv: string | null };
  /** The hub-to-hub flows (largest first), always complete for realistic networks. */
  readonly hubMoves: readonly HubMove[];
  /** Full answers of both versions (relative URLs of the public API), to diff when truncated. */
  readonly assignments: { readonly from: string | null; readonly to: string };
}

export interface EventPublisher {
  publish(event: BoundarySetEvent): Promise<void>;
}
