// The events port: one event per publish or rollback, for the apps that cache hub assignments
// (health visiting, midwifery, early help) to learn which postcodes changed hub. Schema and size
// bounds: docs/events.md. On AWS the infrastructure maps the port to EventBridge (source
// `family-hub-catchments`, detail-type = `type`); locally the events are logged and kept.

import type { ChangedPostcode, HubMove } from '../../core/boundary-set/changes.js';
import type { VersionCounts } from '../../core/boundary-set/counts.js';

export const EVENT_SOURCE = 'family-hub-catchments';

export type BoundarySetEventType = 'boundary-set.published' | 'boundary-set.rolled-back';

export interface BoundarySetEvent {
  /** Schema version of this event shape. */
  readonly schema: 1;
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
  /** Every postcode whose hub changed, however many. */
  readonly changedPostcodeCount: number;
  /** The changes inline, sorted by postcode, while the event stays under its size budget. */
  readonly changedPostcodes: readonly ChangedPostcode[];
  /** True when `changedPostcodes` lists fewer than `changedPostcodeCount`: fetch the exports. */
  readonly changedPostcodesTruncated: boolean;
  /** The hub-to-hub flows (largest first), always complete for realistic networks. */
  readonly hubMoves: readonly HubMove[];
  /** Full answers of both versions (relative URLs of the public API), to diff when truncated. */
  readonly assignments: { readonly from: string | null; readonly to: string };
}

export interface EventPublisher {
  publish(event: BoundarySetEvent): Promise<void>;
}
