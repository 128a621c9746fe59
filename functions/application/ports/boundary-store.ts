// The boundary store port: versioned boundary sets per area — mutable drafts, immutable numbered
// versions, the active pointer, history, and each area's postcode directory. The handlers and the
// boundary-set service use only this interface. Adapters: DynamoBoundaryStore (AWS) and
// EmbeddedBoundaryStore (local folder or memory); both run the same contract test suite
// (test/integration/boundary-store.contract.ts). Semantics and the table design: docs/storage.md.
import type { VersionCounts } from '../../core/boundary-set/counts.js';
import type { AreaInfo, BoundarySet, Layer, LayerName, Site } from '../../core/model.js';

/** Area ids are URL path segments and key parts: lower-case slugs. */
export const AREA_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** What the store knows about an area's pointers (one cheap read for every area at once). */
export interface AreaPointer {
  readonly area: string;
  /** The version being served, or null before the first publish. */
  readonly active: number | null;
  /** Highest version number published (0 before the first publish). */
  readonly latest: number;
  /** Pointer changes so far (publishes and rollbacks). */
  readonly seq: number;
  /** Content stamp of the area's postcode directory, or null when it has none. */
  readonly directoryStamp: string | null;
  /** The active version's area description and counts (area lists need no area loaded), when known. */
  readonly summary: AreaSummary | null;
}

export interface AreaSummary {
  readonly area: AreaInfo;
  readonly counts: VersionCounts;
}

/** The national routing the store holds (derived data: see docs/storage.md "National routing"). */
export interface RoutingPointer {
  /** Content stamp of the routing file. */
  readonly stamp: string;
  /** The version of each area the routing was built from. */
  readonly builtFrom: Readonly<Record<string, number>>;
  /** The postcode directory (national and areas' own) it was built over. */
  readonly directoryStamp: string;
  readonly builtAt: string;
  readonly bytes: number;
}

export interface NationalDirectoryPointer {
  readonly stamp: string;
  readonly postcodes: number;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

/** What a (possibly partial) national directory write did. */
export interface NationalDirectoryWrite extends NationalDirectoryPointer {
  /** False when `shouldStop` ended it between pieces: the previous directory is still the one served. */
  readonly complete: boolean;
  /** Bytes found already stored by an earlier, interrupted run (not written again). */
  readonly resumedBytes: number;
  /** Bytes stored so far, of `totalBytes`. */
  readonly storedBytes: number;
  readonly totalBytes: number;
}

/** Everything a serving container checks on refresh, read at once (one query). */
export interface ServingState {
  readonly pointers: readonly AreaPointer[];
  readonly routing: RoutingPointer | null;
  readonly nationalDirectory: NationalDirectoryPointer | null;
}

/** Progress of a long write: bytes written so far of the total. */
export type WriteProgress = (written: number, total: number) => void;

/** One published version, as the history lists it. Immutable once written. */
export interface VersionHeader {
  readonly area: string;
  readonly version: number;
  readonly publishedAt: string;
  readonly publishedBy: string;
  /** Why: required on every publish. */
  readonly message: string;
  /** The version that was active when this one was published (null for the first). */
  readonly basedOn: number | null;
  readonly counts: VersionCounts;
  /** Postcodes whose hub differs from `basedOn`'s answer. */
  readonly hubChanges: number;
  /** The postcode directory the answers were computed from. */
  readonly directoryStamp: string | null;
  /** The draft it came from. */
  readonly draft: { readonly id: string; readonly revision: number } | null;
}

/** A change of the active pointer: a publish or a rollback. Numbered per area from 1. */
export interface PointerChange {
  readonly id: string;
  readonly seq: number;
  readonly area: string;
  readonly kind: 'publish' | 'rollback';
  readonly from: number | null;
  readonly to: number;
  readonly at: string;
  readonly by: string;
  readonly message: string;
}

/** What a caller hands the store to publish: the set, its precomputed answers and its history entry. */
export interface VersionCandidate {
  readonly set: BoundarySet;
  /** The encoded assignment table (functions/core/lookup/assignment-table.ts). */
  readonly assignments: string;
  /** The area digest (functions/core/routing/area-digest.ts); without it serving derives one on load. */
  readonly digest?: Uint8Array;
  /** The version's polygon indexes (functions/core/lookup/area-index.ts); without it serving builds them on load. */
  readonly index?: Uint8Array;
  readonly meta: Omit<VersionHeader, 'area' | 'version'>;
}

export interface StoredVersion {
  readonly header: VersionHeader;
  /** The set, with `version` set to the header's number. */
  readonly set: BoundarySet;
  readonly assignments: string;
}

export interface DraftPartInfo {
  /** Bytes of the part's JSON text, and its SHA-256 (hex): equal hashes mean equal content. */
  readonly bytes: number;
  readonly sha256: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

export interface DraftLayerInfo extends DraftPartInfo {
  readonly features: number;
}

export interface DraftSitesInfo extends DraftPartInfo {
  readonly hubs: number;
  readonly spokes: number;
}

export interface DraftMeta {
  readonly area: string;
  /** Unique per draft: a new draft (even of the same area) gets a new id. */
  readonly draftId: string;
  /** Starts at 1, +1 on every change. */
  readonly revision: number;
  /** The active version when the draft was created (what it was copied from, or null). */
  readonly baseVersion: number | null;
  readonly areaInfo: AreaInfo;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly layers: Readonly<Partial<Record<LayerName, DraftLayerInfo>>>;
  readonly sites: DraftSitesInfo | null;
  /** Set once the draft has been published: a published draft is spent (no edits, no re-publish). */
  readonly publishedAs: number | null;
  /**
   * Set while a publish of this draft is in flight: edits are refused until it ends (or `until`
   * passes, should the publisher have died), so no edit is accepted and then dropped. Absent on
   * drafts stored before it existed.
   */
  readonly publishing?: DraftPublishing | null;
}

/** A publish in flight: which revision it took, who, since when, and until when it holds the draft. */
export interface DraftPublishing {
  readonly revision: number;
  readonly by: string;
  readonly since: string;
  readonly until: string;
}

export interface DraftContent {
  readonly meta: DraftMeta;
  readonly layers: Readonly<Partial<Record<LayerName, Layer>>>;
  readonly sites: readonly Site[];
}

export interface DraftInit {
  readonly areaInfo: AreaInfo;
  readonly baseVersion: number | null;
  readonly layers: Readonly<Partial<Record<LayerName, Layer>>>;
  readonly sites: readonly Site[];
  readonly at: string;
  readonly by: string;
}

export interface DraftEdit {
  readonly at: string;
  readonly by: string;
  /** When given, the edit applies only at this revision (If-Match); else it applies to the latest. */
  readonly expectedRevision?: number;
}

export interface DirectoryInfo {
  readonly stamp: string;
  /** The directory text format (functions/core/postcode-directory.ts). */
  readonly csv: string;
}

export interface SweepResult {
  /** Blobs (staged versions, replaced draft parts, old directories) no item refers to, removed. */
  readonly removedBlobs: number;
}

export interface BoundaryStore {
  /** Every area's pointers, in area id order: one strongly consistent query. */
  pointers(): Promise<AreaPointer[]>;
  /** The pointers, the routing pointer and the national directory pointer: the same one query. */
  servingState(): Promise<ServingState>;
  pointer(area: string): Promise<AreaPointer | null>;

  /** Creates the draft; a draft that exists and is unpublished is replaced only with `replace`. */
  createDraft(area: string, init: DraftInit, options: { replace: boolean }): Promise<DraftMeta>;
  draftMeta(area: string): Promise<DraftMeta | null>;
  draft(area: string): Promise<DraftContent | null>;
  draftLayer(area: string, layer: LayerName): Promise<Layer | null>;
  /** Replaces (or, with null, removes) one layer of the draft. */
  putDraftLayer(area: string, layer: LayerName, content: Layer | null, edit: DraftEdit): Promise<DraftMeta>;
  putDraftSites(
    area: string,
    sites: readonly Site[],
    areaInfo: AreaInfo | null,
    edit: DraftEdit,
  ): Promise<DraftMeta>;
  deleteDraft(area: string): Promise<boolean>;
  /**
   * Reserves the draft for a publish of `claim.revision`: from now until the publish marks it spent
   * or releases it (or `claim.until` passes) edits are refused with VersionConflictError. Refused
   * itself (VersionConflictError naming the draft's current revision) when the draft is no longer
   * that draft at that revision, is spent, or is held by another publish.
   */
  claimDraftForPublish(
    area: string,
    claim: { readonly draftId: string } & DraftPublishing,
  ): Promise<DraftMeta>;
  /** Ends a claim that did not lead to a version (the publish failed); a no-op if it is not held. */
  releaseDraft(area: string, claim: { readonly draftId: string; readonly revision: number }): Promise<void>;

  /**
   * Makes the candidate version latest+1 and active, if the active version is still
   * `expected.active` (and the draft, when named, has not been published). Exactly one of any
   * number of concurrent publishes wins; the others throw VersionConflictError and leave nothing
   * readers can see. The draft named in the candidate is marked spent only if it is still at the
   * published revision (an edit it did not contain keeps its draft usable). Throws
   * VersionConflictError, NotFoundError.
   */
  publish(
    area: string,
    candidate: VersionCandidate,
    expected: { readonly active: number | null },
  ): Promise<{ header: VersionHeader; change: PointerChange }>;
  /** Points the area at an earlier (or later) published version, if `expected.active` still holds. */
  rollback(
    area: string,
    to: number,
    expected: { readonly active: number | null },
    meta: { readonly at: string; readonly by: string; readonly message: string },
  ): Promise<PointerChange>;
  /** Every version's header, newest first. */
  versions(area: string): Promise<VersionHeader[]>;
  /** Pointer changes, newest first. */
  changes(area: string, limit?: number): Promise<PointerChange[]>;
  /** One version whole (NotFoundError when there is no such version). */
  version(area: string, version: number): Promise<StoredVersion>;
  /**
   * Some parts of a version, as stored (ungzipped bytes): `area`, `sites`, `digest`, `index`, `layer:<name>`,
   * `assignments`. A part the version does not have (e.g. a digest, before digests existed) is absent.
   */
  versionParts(area: string, version: number, parts: readonly string[]): Promise<Map<string, Uint8Array>>;

  /**
   * A presigned download URL of a version's public export (`assignments.csv`), when blobs live in an
   * object store that can sign one (S3); null otherwise, or for a version published before exports
   * were stored.
   */
  exportUrl(
    area: string,
    version: number,
    options: { readonly expiresSeconds: number; readonly fileName: string },
  ): Promise<string | null>;

  /** The national routing file and its pointer, or null before the first is built. */
  routing(): Promise<{ readonly pointer: RoutingPointer; readonly bytes: Uint8Array } | null>;
  /**
   * Replaces the routing if the current one is still `expectedStamp` (null: none yet); throws
   * VersionConflictError when another build got there first.
   */
  putRouting(
    bytes: Uint8Array,
    meta: Omit<RoutingPointer, 'stamp' | 'bytes'>,
    expectedStamp: string | null,
  ): Promise<RoutingPointer>;
  /** The national postcode directory (directory columns, functions/core/routing/directory-columns.ts). */
  nationalDirectory(): Promise<{
    readonly pointer: NationalDirectoryPointer;
    readonly bytes: Uint8Array;
  } | null>;
  /**
   * Stores the national directory in pieces and points at it. Resumable: the pieces of the same
   * content already written by an interrupted run are not written again. `shouldStop`, asked
   * before each piece, ends the write early (a Lambda's time budget): nothing is switched, and a
   * later call with the same bytes goes on from the pieces stored.
   */
  putNationalDirectory(
    bytes: Uint8Array,
    meta: { readonly postcodes: number; readonly at: string; readonly by: string },
    onProgress?: WriteProgress,
    shouldStop?: () => boolean,
  ): Promise<NationalDirectoryWrite>;

  /** Replaces the area's postcode directory; returns its stamp (a content hash). */
  putDirectory(
    area: string,
    csv: string,
    meta: { readonly at: string; readonly by: string },
  ): Promise<{ stamp: string }>;
  directory(area: string): Promise<DirectoryInfo | null>;

  /** Removes unreferenced blobs older than `olderThanMs` (crashed or lost publishes; replaced parts). */
  sweep(area: string, options: { readonly now: number; readonly olderThanMs: number }): Promise<SweepResult>;
  /**
   * The same for the national blobs: routing files and directory loads that neither the routing
   * pointer (current and previous file) nor the national directory pointer refers to.
   */
  sweepNational(options: { readonly now: number; readonly olderThanMs: number }): Promise<SweepResult>;
}
