// The boundary-store protocol, written once over the ItemTable primitive (item-table.ts) and shared
// by the DynamoDB and embedded adapters. docs/storage.md describes the items, the access patterns
// and the failure modes; the short version:
//
// - Every area has a HEAD item (pk AREAS, sk <area>#HEAD) holding the active and latest version
//   numbers, the blob each one lives in, a change counter and the last change. It is the ONLY item
//   a publish or rollback commits: one conditional put on its `rev`. Readers follow HEAD -> blob.
// - Version content (layers, sites, the precomputed assignment table) is written first, as a blob:
//   its own partition of gzipped chunks (< 400 KB each) plus a manifest with each part's SHA-256,
//   under a fresh random id. Until HEAD names it, no reader can reach it.
// - After the commit, the version header and change record are written ("materialised") from
//   what HEAD and the blob manifest hold; if that is interrupted, the next reader or writer
//   repairs it, because HEAD still describes the latest version and the last change.
// - Every blob is registered (sk BLOB#<id> in the area's partition) before its chunks are written,
//   so a crashed or lost publish leaves a registered orphan that `sweep` removes.
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import {
  AREA_ID_PATTERN,
  type AreaPointer,
  type AreaSummary,
  type BoundaryStore,
  type DirectoryInfo,
  type DraftContent,
  type DraftEdit,
  type DraftInit,
  type DraftLayerInfo,
  type DraftMeta,
  type DraftPublishing,
  type NationalDirectoryHold,
  type NationalDirectoryPointer,
  type NationalDirectoryWrite,
  type PointerChange,
  type RoutingPointer,
  type ServingState,
  type StoredVersion,
  type SweepResult,
  type VersionCandidate,
  type VersionHeader,
  type WriteProgress,
} from '../../application/ports/boundary-store.js';
import {
  AreaNotFoundError,
  InvalidRequestError,
  NotFoundError,
  VersionConflictError,
} from '../../core/errors.js';
import { assignmentsCsv, decodeAssignmentTable } from '../../core/lookup/assignment-table.js';
import { type AreaInfo, LAYER_NAMES, type Layer, type LayerName, type Site } from '../../core/model.js';
import {
  type BlobParts,
  blobPk,
  DEFAULT_CHUNK_BYTES,
  ObjectBlobParts,
  type ObjectStore,
  objectKey,
  type PartHome,
  TableBlobParts,
} from './blob-parts.js';
import { ConditionFailedError, type Item, type ItemTable } from './item-table.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

export { DEFAULT_CHUNK_BYTES };

export interface TableBoundaryStoreOptions {
  /** Largest chunk of a blob part, in (gzipped) bytes. Tests lower it to exercise chunking. */
  readonly chunkBytes?: number;
  /** Size of a national directory piece (default 4 MB). Tests lower it to exercise resumption. */
  readonly directoryPieceBytes?: number;
  /** Random ids for blobs, drafts and changes (injectable for tests). */
  readonly newId?: () => string;
  /** Wall clock (ms) for blob registration times, which `sweep` ages by. */
  readonly now?: () => number;
  /**
   * Where new blobs' bytes go (S3, a folder, memory); absent: chunks in the table. Blobs written
   * either way stay readable: each manifest says where its parts are.
   */
  readonly objects?: ObjectStore;
}

const AREAS_PK = 'AREAS';
const areaPk = (area: string) => `AREA#${area}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const versionSk = (n: number) => `VERSION#${pad(n, 10)}`;
const changeSk = (seq: number) => `CHANGE#${pad(seq, 10)}`;
const DRAFT_SK = 'DRAFT';
/** National items sort before every area in the AREAS partition (area ids start with a letter or digit). */
const ROUTING_SK = '#ROUTING';
const NATIONAL_DIRECTORY_SK = '#DIRECTORY';
/** Blobs of the national routing and directory are registered and swept as this pseudo-area. */
const NATIONAL = '_national'; // not an area id (those start with a letter or digit)
/** The hold of the writer storing the national directory (in the national partition, not AREAS: serving never reads it). */
const DIRECTORY_HOLD_SK = 'DIRECTORY-HOLD';
/** The national directory is stored in pieces of this many bytes (before gzip): resumable, with progress. */
const DIRECTORY_PIECE_BYTES = 4 * 1024 * 1024;
/** The parts `version()` returns (a version may also hold a binary `digest`, read on its own). */
const VERSION_JSON_PARTS = ['area', 'sites', 'assignments', ...LAYER_NAMES.map((n) => `layer:${n}`)];
const MANIFEST_SK = 'MANIFEST';

interface HeadBody {
  readonly active: number | null;
  readonly activeBlob: string | null;
  readonly latest: number;
  readonly latestBlob: string | null;
  readonly seq: number;
  readonly lastChange: PointerChange | null;
  /** `<draftId>:<revision>` of the latest publish: a draft revision is published at most once. */
  readonly lastDraft: string | null;
  readonly createdAt: string;
  /** The active version's area description and counts (absent in HEADs written before it existed). */
  readonly summary?: AreaSummary;
}

/** The routing pointer's body (pk AREAS, sk #ROUTING). */
interface RoutingBody extends Omit<RoutingPointer, 'bytes'> {
  readonly bytes: number;
  readonly blob: string;
  /** The routing before this one: kept until the next build, since containers may still be reading it. */
  readonly previousBlob: string | null;
}

/** The national directory pointer's body (pk AREAS, sk #DIRECTORY). */
interface NationalDirectoryBody extends NationalDirectoryPointer {
  readonly blob: string;
  readonly pieces: number;
}

interface Head {
  readonly rev: number;
  readonly body: HeadBody;
}

interface DraftBody {
  readonly meta: DraftMeta;
  readonly blobs: {
    readonly layers: Readonly<Partial<Record<LayerName, string>>>;
    readonly sites: string | null;
  };
}

interface DirectoryBody {
  readonly stamp: string;
  readonly blob: string;
  readonly updatedAt: string;
  readonly updatedBy: string;
}

interface PartManifest {
  readonly bytes: number;
  readonly sha256: string;
  /** Table chunks (1 for an object). */
  readonly chunks: number;
  /** False for a part stored as is (absent: gzipped). */
  readonly gzip?: boolean;
}

interface ManifestBody {
  /** Where the parts' bytes are; absent in manifests written before objects existed: the table. */
  readonly home?: PartHome;
  readonly purpose: string;
  readonly createdAt: string;
  readonly parts: Readonly<Record<string, PartManifest>>;
  readonly meta: Readonly<Record<string, unknown>>;
}

/** A blob's content, part by part (ungzipped bytes). */
interface BlobContent {
  readonly meta: Readonly<Record<string, unknown>>;
  readonly parts: ReadonlyMap<string, Buffer>;
}

/** Stored content that fails its own checks (a missing chunk, a hash mismatch): never served. */
export class StoreIntegrityError extends Error {
  override readonly name = 'StoreIntegrityError';
}

export class TableBoundaryStore implements BoundaryStore {
  private readonly newId: () => string;
  private readonly now: () => number;
  private readonly tableParts: TableBlobParts;
  private readonly objectParts: ObjectBlobParts | null;
  private readonly directoryPieceBytes: number;
  /**
   * Published versions never change and their blobs are never swept (a VERSION item owns them), so
   * a version's blob id and manifest are read once per store: an area's second tier (its locator
   * after its postcode answers) reads only its parts. Bounded: the oldest entries go first.
   */
  private readonly versionManifests = new Map<string, Promise<{ blob: string; manifest: ManifestBody }>>();

  constructor(
    protected readonly table: ItemTable,
    options: TableBoundaryStoreOptions = {},
  ) {
    this.tableParts = new TableBlobParts(table, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.objectParts = options.objects ? new ObjectBlobParts(options.objects) : null;
    this.newId = options.newId ?? (() => randomBytes(12).toString('hex'));
    this.now = options.now ?? Date.now;
    this.directoryPieceBytes = options.directoryPieceBytes ?? DIRECTORY_PIECE_BYTES;
  }

  // ---------------------------------------------------------------------------------------------
  // Pointers

  async pointers(): Promise<AreaPointer[]> {
    return [...(await this.servingState()).pointers];
  }

  async servingState(): Promise<ServingState> {
    const items = await this.table.query(AREAS_PK);
    let routing: RoutingPointer | null = null;
    let nationalDirectory: NationalDirectoryPointer | null = null;
    const byArea = new Map<string, { head?: HeadBody; directory?: DirectoryBody }>();
    for (const item of items) {
      if (item.sk === ROUTING_SK) routing = routingPointerOf(item.body as unknown as RoutingBody);
      if (item.sk === NATIONAL_DIRECTORY_SK)
        nationalDirectory = nationalPointerOf(item.body as unknown as NationalDirectoryBody);
      if (item.sk.startsWith('#')) continue;
      const cut = item.sk.lastIndexOf('#');
      const area = item.sk.slice(0, cut);
      const entry = byArea.get(area) ?? {};
      if (item.sk.endsWith('#HEAD')) entry.head = item.body as unknown as HeadBody;
      else if (item.sk.endsWith('#DIRECTORY')) entry.directory = item.body as unknown as DirectoryBody;
      byArea.set(area, entry);
    }
    const pointers = [...byArea.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([area, { head, directory }]) => pointerOf(area, head, directory));
    return { pointers, routing, nationalDirectory };
  }

  async pointer(area: string): Promise<AreaPointer | null> {
    checkArea(area);
    const [head, directory] = await Promise.all([
      this.head(area),
      this.table.get(AREAS_PK, `${area}#DIRECTORY`),
    ]);
    if (!head && !directory) return null;
    return pointerOf(area, head?.body, directory?.body as DirectoryBody | undefined);
  }

  // ---------------------------------------------------------------------------------------------
  // Drafts

  async createDraft(area: string, init: DraftInit, options: { replace: boolean }): Promise<DraftMeta> {
    checkArea(area);
    await this.ensureHead(area, init.at);
    const existing = await this.table.get(areaPk(area), DRAFT_SK);
    const existingBody = existing?.body as DraftBody | undefined;
    if (existingBody && existingBody.meta.publishedAs === null && !options.replace) {
      const m = existingBody.meta;
      throw new VersionConflictError(
        `Area "${area}" already has an unpublished draft (revision ${m.revision}, last changed by ${m.updatedBy} at ${m.updatedAt}). ` +
          'Edit it, delete it (DELETE …/draft), or create a new one with "replace": true.',
        { draftRevision: m.revision },
      );
    }
    const layerBlobs: Partial<Record<LayerName, string>> = {};
    const layerInfo: Partial<Record<LayerName, DraftLayerInfo>> = {};
    const written: string[] = [];
    try {
      for (const name of LAYER_NAMES) {
        const layer = init.layers[name];
        if (!layer) continue;
        const { blob, info } = await this.writeDraftLayer(area, name, layer, init);
        written.push(blob);
        layerBlobs[name] = blob;
        layerInfo[name] = info;
      }
      const sites = await this.writeDraftSites(area, init.sites, init);
      written.push(sites.blob);
      const meta: DraftMeta = {
        area,
        draftId: this.newId(),
        revision: 1,
        baseVersion: init.baseVersion,
        areaInfo: init.areaInfo,
        createdAt: init.at,
        createdBy: init.by,
        updatedAt: init.at,
        updatedBy: init.by,
        layers: layerInfo,
        sites: sites.info,
        publishedAs: null,
        publishing: null,
      };
      const body: DraftBody = { meta, blobs: { layers: layerBlobs, sites: sites.blob } };
      await this.table.put(
        { pk: areaPk(area), sk: DRAFT_SK, rev: (existing?.rev ?? 0) + 1, body: asBody(body) },
        existing ? { rev: existing.rev ?? 0 } : { absent: true },
      );
      if (existingBody) await this.deleteBlobsQuietly(area, draftBlobs(existingBody));
      return meta;
    } catch (error) {
      await this.deleteBlobsQuietly(area, written);
      if (error instanceof ConditionFailedError) {
        throw new VersionConflictError(
          `The draft of area "${area}" changed while this one was being created. Try again.`,
        );
      }
      throw error;
    }
  }

  async draftMeta(area: string): Promise<DraftMeta | null> {
    checkArea(area);
    const item = await this.table.get(areaPk(area), DRAFT_SK);
    return item ? (item.body as unknown as DraftBody).meta : null;
  }

  async draft(area: string): Promise<DraftContent | null> {
    checkArea(area);
    // A concurrent edit may delete a part between our reads: read again from the new meta.
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(areaPk(area), DRAFT_SK);
      if (!item) return null;
      const body = item.body as unknown as DraftBody;
      try {
        const layers: Partial<Record<LayerName, Layer>> = {};
        const reads = Object.entries(body.blobs.layers).map(async ([name, blob]) => {
          layers[name as LayerName] = JSON.parse(await this.readPart(area, blob!, 'layer')) as Layer;
        });
        const sitesRead = body.blobs.sites
          ? this.readPart(area, body.blobs.sites, 'sites').then((t) => JSON.parse(t) as Site[])
          : Promise.resolve([] as Site[]);
        const [sites] = await Promise.all([sitesRead, ...reads]);
        return { meta: body.meta, layers, sites };
      } catch (error) {
        if (!(error instanceof StoreIntegrityError) || attempt >= 2) throw error;
      }
    }
  }

  async draftLayer(area: string, layer: LayerName): Promise<Layer | null> {
    checkArea(area);
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(areaPk(area), DRAFT_SK);
      const blob = (item?.body as DraftBody | undefined)?.blobs.layers[layer];
      if (!blob) return null;
      try {
        return JSON.parse(await this.readPart(area, blob, 'layer')) as Layer;
      } catch (error) {
        if (!(error instanceof StoreIntegrityError) || attempt >= 2) throw error;
      }
    }
  }

  async putDraftLayer(
    area: string,
    layer: LayerName,
    content: Layer | null,
    edit: DraftEdit,
  ): Promise<DraftMeta> {
    checkArea(area);
    const written = content ? await this.writeDraftLayer(area, layer, content, edit) : null;
    try {
      return await this.editDraft(area, edit, (body) => {
        const layers = { ...body.meta.layers };
        const blobs = { ...body.blobs.layers };
        const old = blobs[layer];
        if (written) {
          layers[layer] = written.info;
          blobs[layer] = written.blob;
        } else {
          delete layers[layer];
          delete blobs[layer];
        }
        return {
          body: { meta: { ...body.meta, layers }, blobs: { ...body.blobs, layers: blobs } },
          replaced: old ? [old] : [],
        };
      });
    } catch (error) {
      if (written) await this.deleteBlobsQuietly(area, [written.blob]);
      throw error;
    }
  }

  async putDraftSites(
    area: string,
    sites: readonly Site[],
    areaInfo: AreaInfo | null,
    edit: DraftEdit,
  ): Promise<DraftMeta> {
    checkArea(area);
    const written = await this.writeDraftSites(area, sites, edit);
    try {
      return await this.editDraft(area, edit, (body) => ({
        body: {
          meta: { ...body.meta, sites: written.info, ...(areaInfo ? { areaInfo } : {}) },
          blobs: { ...body.blobs, sites: written.blob },
        },
        replaced: body.blobs.sites ? [body.blobs.sites] : [],
      }));
    } catch (error) {
      await this.deleteBlobsQuietly(area, [written.blob]);
      throw error;
    }
  }

  async deleteDraft(area: string): Promise<boolean> {
    checkArea(area);
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(areaPk(area), DRAFT_SK);
      if (!item) return false;
      try {
        await this.table.delete(areaPk(area), DRAFT_SK, { rev: item.rev ?? 0 });
      } catch (error) {
        if (error instanceof ConditionFailedError && attempt < 4) continue;
        throw error;
      }
      await this.deleteBlobsQuietly(area, draftBlobs(item.body as unknown as DraftBody));
      return true;
    }
  }

  async claimDraftForPublish(
    area: string,
    claim: { readonly draftId: string } & DraftPublishing,
  ): Promise<DraftMeta> {
    checkArea(area);
    const { draftId, ...publishing } = claim;
    const item = await this.table.get(areaPk(area), DRAFT_SK);
    if (!item) throw noDraft(area);
    const body = item.body as unknown as DraftBody;
    const meta = body.meta;
    if (meta.draftId !== draftId) {
      throw new VersionConflictError(
        `The draft of area "${area}" was replaced (by ${meta.createdBy} at ${meta.createdAt}) while this publish was starting; nothing was published. Validate the new draft, then publish.`,
        { draftRevision: meta.revision },
      );
    }
    if (meta.publishedAs !== null) {
      throw new VersionConflictError(
        `This draft of area "${area}" was already published as version ${meta.publishedAs}. Create a new draft to publish again.`,
        { publishedAs: meta.publishedAs },
      );
    }
    const held = meta.publishing;
    if (held && held.until > publishing.since) throw draftBeingPublished(area, meta, held);
    if (meta.revision !== publishing.revision) throw draftRevisionConflict(area, publishing.revision, meta);
    const next: DraftBody = { ...body, meta: { ...meta, publishing } };
    try {
      await this.table.put(
        { pk: areaPk(area), sk: DRAFT_SK, rev: (item.rev ?? 0) + 1, body: asBody(next) },
        { rev: item.rev ?? 0 },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Changed between our read and write: say what it is now.
      const now = await this.draftMeta(area);
      if (!now) throw noDraft(area);
      if (now.publishing && now.publishing.until > publishing.since)
        throw draftBeingPublished(area, now, now.publishing);
      throw draftRevisionConflict(area, publishing.revision, now);
    }
    return next.meta;
  }

  async releaseDraft(
    area: string,
    claim: { readonly draftId: string; readonly revision: number },
  ): Promise<void> {
    checkArea(area);
    for (let attempt = 0; attempt < 3; attempt++) {
      const item = await this.table.get(areaPk(area), DRAFT_SK);
      const body = item?.body as DraftBody | undefined;
      if (!item || !body || body.meta.draftId !== claim.draftId) return;
      if (body.meta.publishing?.revision !== claim.revision) return;
      const next: DraftBody = { ...body, meta: { ...body.meta, publishing: null } };
      try {
        await this.table.put(
          { pk: areaPk(area), sk: DRAFT_SK, rev: (item.rev ?? 0) + 1, body: asBody(next) },
          { rev: item.rev ?? 0 },
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
    }
  }

  /** Read-modify-write of the draft item with optimistic concurrency (retried unless If-Match). */
  private async editDraft(
    area: string,
    edit: DraftEdit,
    change: (body: DraftBody) => { body: DraftBody; replaced: string[] },
  ): Promise<DraftMeta> {
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(areaPk(area), DRAFT_SK);
      if (!item) throw noDraft(area);
      const body = item.body as unknown as DraftBody;
      if (body.meta.publishedAs !== null) {
        throw new VersionConflictError(
          `The draft of area "${area}" was published as version ${body.meta.publishedAs}; it can no longer change. Create a new draft to continue.`,
          { publishedAs: body.meta.publishedAs },
        );
      }
      // A publish in flight took the draft as it was: an edit now would be dropped when it ends.
      const held = body.meta.publishing;
      if (held && held.until > edit.at) throw draftBeingPublished(area, body.meta, held);
      if (edit.expectedRevision !== undefined && edit.expectedRevision !== body.meta.revision) {
        throw draftRevisionConflict(area, edit.expectedRevision, body.meta);
      }
      const next = change(body);
      const meta: DraftMeta = {
        ...next.body.meta,
        revision: body.meta.revision + 1,
        updatedAt: edit.at,
        updatedBy: edit.by,
        publishing: null,
      };
      try {
        await this.table.put(
          { pk: areaPk(area), sk: DRAFT_SK, rev: (item.rev ?? 0) + 1, body: asBody({ ...next.body, meta }) },
          { rev: item.rev ?? 0 },
        );
      } catch (error) {
        // Someone else changed the draft between our read and write. Without If-Match the edit
        // simply applies on top of theirs (the loop reads it again, claims included); with it,
        // their change is a conflict, reported with the revision the draft has now.
        if (error instanceof ConditionFailedError && edit.expectedRevision === undefined && attempt < 4)
          continue;
        if (error instanceof ConditionFailedError) {
          const now = await this.draftMeta(area);
          if (!now) throw noDraft(area);
          if (now.publishedAs === null && now.publishing && now.publishing.until > edit.at)
            throw draftBeingPublished(area, now, now.publishing);
          throw draftRevisionConflict(area, edit.expectedRevision ?? body.meta.revision, now);
        }
        throw error;
      }
      await this.deleteBlobsQuietly(area, next.replaced);
      return meta;
    }
  }

  private async writeDraftLayer(
    area: string,
    name: LayerName,
    layer: Layer,
    by: { at: string; by: string },
  ): Promise<{ blob: string; info: DraftLayerInfo }> {
    const text = JSON.stringify(layer);
    const blob = await this.writeBlob(area, 'draft-layer', [['layer', text]], { layer: name }, by.at);
    return {
      blob,
      info: {
        features: layer.features.length,
        bytes: Buffer.byteLength(text),
        sha256: sha256(text),
        updatedAt: by.at,
        updatedBy: by.by,
      },
    };
  }

  private async writeDraftSites(area: string, sites: readonly Site[], by: { at: string; by: string }) {
    const text = JSON.stringify(sites);
    const blob = await this.writeBlob(area, 'draft-sites', [['sites', text]], {}, by.at);
    return {
      blob,
      info: {
        hubs: sites.filter((s) => s.kind === 'hub').length,
        spokes: sites.filter((s) => s.kind === 'spoke').length,
        bytes: Buffer.byteLength(text),
        sha256: sha256(text),
        updatedAt: by.at,
        updatedBy: by.by,
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Publish, rollback, history

  async publish(
    area: string,
    candidate: VersionCandidate,
    expected: { readonly active: number | null },
  ): Promise<{ header: VersionHeader; change: PointerChange }> {
    checkArea(area);
    const { meta } = candidate;
    const head = await this.ensureHead(area, meta.publishedAt);
    if (head.body.active !== expected.active) throw activeConflict(area, head.body, expected.active);
    const draftKey = meta.draft ? `${meta.draft.id}:${meta.draft.revision}` : null;
    if (draftKey && head.body.lastDraft === draftKey) {
      throw new VersionConflictError(
        `This draft revision of area "${area}" has already been published (as version ${head.body.latest}).`,
        { active: head.body.active },
      );
    }
    await this.materialise(area, head.body);

    // 1. Stage: everything the version needs, under a fresh blob id nobody refers to yet.
    const { set } = candidate;
    const names = new Map(set.sites.map((s) => [s.id, s.name]));
    const parts: [string, string | Uint8Array][] = [
      ['area', JSON.stringify(set.area)],
      ['sites', JSON.stringify(set.sites)],
      ['assignments', candidate.assignments],
      // The public export, stored as is so that on S3 a presigned URL serves it (exportUrl).
      [EXPORT_PART, assignmentsCsv(decodeAssignmentTable(candidate.assignments), (id) => names.get(id))],
    ];
    if (candidate.digest) parts.push(['digest', candidate.digest]);
    if (candidate.index) parts.push(['index', candidate.index]);
    for (const name of LAYER_NAMES) {
      const layer = set.layers[name];
      if (layer) parts.push([`layer:${name}`, JSON.stringify(layer)]);
    }
    const blob = await this.writeBlob(
      area,
      'version',
      parts,
      meta as unknown as Record<string, unknown>,
      meta.publishedAt,
      RAW_VERSION_PARTS,
    );

    // 2. Commit: one conditional write of HEAD. Whoever changed HEAD first wins.
    const version = head.body.latest + 1;
    const change: PointerChange = {
      id: this.newId(),
      seq: head.body.seq + 1,
      area,
      kind: 'publish',
      from: head.body.active,
      to: version,
      at: meta.publishedAt,
      by: meta.publishedBy,
      message: meta.message,
    };
    const next: HeadBody = {
      ...head.body,
      active: version,
      activeBlob: blob,
      latest: version,
      latestBlob: blob,
      seq: change.seq,
      lastChange: change,
      lastDraft: draftKey ?? head.body.lastDraft,
      summary: { area: set.area, counts: meta.counts },
    };
    try {
      await this.table.put(headItem(area, head.rev + 1, next), { rev: head.rev });
    } catch (error) {
      // A lost response can hide a successful write (and an SDK retry of it then fails the
      // condition): look before deciding.
      const now = await this.head(area).catch(() => null);
      const committed =
        now?.body.latestBlob === blob ||
        ((now?.body.latest ?? 0) >= version &&
          (await this.table.get(areaPk(area), versionSk(version)).catch(() => null))?.body?.blob === blob);
      if (!committed) {
        if (error instanceof ConditionFailedError) {
          // HEAD moved on, so no retry of our write can land any more: the blob is garbage.
          await this.deleteBlobsQuietly(area, [blob]);
          throw activeConflict(area, now?.body ?? head.body, expected.active, true);
        }
        // Unknown outcome (e.g. a timeout): leave the staged blob for sweep, which only removes
        // blobs older than any request can live.
        throw error;
      }
    }

    // 3. Materialise (best effort; repaired from HEAD by the next reader or writer if lost).
    const header: VersionHeader = { area, version, ...meta };
    await this.quietly(() => this.writeHeader(area, header, blob));
    await this.quietly(() => this.writeChange(area, change));
    await this.quietly(() => this.table.delete(areaPk(area), `BLOB#${blob}`));
    if (meta.draft) await this.quietly(() => this.markDraftPublished(area, meta.draft!, version));
    return { header, change };
  }

  async rollback(
    area: string,
    to: number,
    expected: { readonly active: number | null },
    meta: { readonly at: string; readonly by: string; readonly message: string },
  ): Promise<PointerChange> {
    checkArea(area);
    const head = await this.head(area);
    if (!head)
      throw new AreaNotFoundError(
        area,
        (await this.pointers()).map((p) => p.area),
      );
    if (head.body.active !== expected.active) throw activeConflict(area, head.body, expected.active);
    if (!Number.isInteger(to) || to < 1 || to > head.body.latest) {
      throw new NotFoundError(
        head.body.latest === 0
          ? `Area "${area}" has no published version yet.`
          : `Area "${area}" has no version ${to}: its versions are 1 to ${head.body.latest}.`,
      );
    }
    if (to === head.body.active) {
      throw new InvalidRequestError(`Version ${to} of area "${area}" is already active.`);
    }
    await this.materialise(area, head.body);
    const target = await this.table.get(areaPk(area), versionSk(to));
    const blob = (target?.body as { blob?: string } | undefined)?.blob;
    if (!blob) throw new StoreIntegrityError(`Version ${to} of area ${area} has no header item`);
    const change: PointerChange = {
      id: this.newId(),
      seq: head.body.seq + 1,
      area,
      kind: 'rollback',
      from: head.body.active,
      to,
      at: meta.at,
      by: meta.by,
      message: meta.message,
    };
    const targetHeader = (target!.body as { header: VersionHeader }).header;
    const areaInfo = JSON.parse(await this.readPart(area, blob, 'area')) as AreaInfo;
    const next: HeadBody = {
      ...head.body,
      active: to,
      activeBlob: blob,
      seq: change.seq,
      lastChange: change,
      summary: { area: areaInfo, counts: targetHeader.counts },
    };
    try {
      await this.table.put(headItem(area, head.rev + 1, next), { rev: head.rev });
    } catch (error) {
      const now = await this.head(area).catch(() => null);
      if (now?.body.lastChange?.id !== change.id) {
        if (error instanceof ConditionFailedError) {
          throw activeConflict(area, now?.body ?? head.body, expected.active, true);
        }
        throw error;
      }
    }
    await this.quietly(() => this.writeChange(area, change));
    return change;
  }

  async versions(area: string): Promise<VersionHeader[]> {
    checkArea(area);
    const [head, items] = await Promise.all([
      this.head(area),
      this.table.query(areaPk(area), { prefix: 'VERSION#', descending: true }),
    ]);
    const headers = items.map((i) => (i.body as { header: VersionHeader }).header);
    if (head && head.body.latest > 0 && headers[0]?.version !== head.body.latest) {
      const header = await this.latestHeader(area, head.body);
      await this.quietly(() => this.writeHeader(area, header, head.body.latestBlob!));
      headers.unshift(header);
    }
    return headers;
  }

  async changes(area: string, limit = 100): Promise<PointerChange[]> {
    checkArea(area);
    const [head, items] = await Promise.all([
      this.head(area),
      this.table.query(areaPk(area), { prefix: 'CHANGE#', descending: true, limit }),
    ]);
    const changes = items.map((i) => (i.body as { change: PointerChange }).change);
    const last = head?.body.lastChange;
    if (last && changes[0]?.seq !== last.seq) {
      await this.quietly(() => this.writeChange(area, last));
      changes.unshift(last);
    }
    return changes.slice(0, limit);
  }

  async version(area: string, version: number): Promise<StoredVersion> {
    checkArea(area);
    const item =
      Number.isInteger(version) && version > 0
        ? await this.table.get(areaPk(area), versionSk(version))
        : null;
    let header: VersionHeader;
    let blob: string;
    if (item) {
      ({ header, blob } = item.body as unknown as { header: VersionHeader; blob: string });
    } else {
      const head = await this.head(area);
      if (!head || head.body.latest !== version || !head.body.latestBlob) {
        throw new NotFoundError(
          head && head.body.latest > 0
            ? `Area "${area}" has no version ${version}: its versions are 1 to ${head.body.latest}.`
            : `Area "${area}" has no published version ${version}.`,
        );
      }
      header = await this.latestHeader(area, head.body);
      blob = head.body.latestBlob;
    }
    const content = await this.readBlob(area, blob, VERSION_JSON_PARTS);
    const part = (name: string) => {
      const bytes = content.parts.get(name);
      if (bytes === undefined)
        throw new StoreIntegrityError(`Version ${version} of ${area} lacks part ${name}`);
      return bytes.toString('utf8');
    };
    const layers: Partial<Record<LayerName, Layer>> = {};
    for (const name of LAYER_NAMES) {
      const bytes = content.parts.get(`layer:${name}`);
      if (bytes !== undefined) layers[name] = JSON.parse(bytes.toString('utf8')) as Layer;
    }
    if (!layers.outline || !layers.catchments) {
      throw new StoreIntegrityError(`Version ${version} of ${area} lacks its outline or catchments`);
    }
    return {
      header,
      set: {
        area: JSON.parse(part('area')) as AreaInfo,
        version,
        layers: { ...layers, outline: layers.outline, catchments: layers.catchments },
        sites: JSON.parse(part('sites')) as Site[],
      },
      assignments: part('assignments'),
    };
  }

  async versionParts(
    area: string,
    version: number,
    parts: readonly string[],
  ): Promise<Map<string, Uint8Array>> {
    checkArea(area);
    const { blob, manifest } = await this.versionManifest(area, version);
    const content = await this.readParts(area, blob, manifest, parts);
    return new Map(content.parts);
  }

  private versionManifest(area: string, version: number): Promise<{ blob: string; manifest: ManifestBody }> {
    const key = `${area}@${version}`;
    let entry = this.versionManifests.get(key);
    if (!entry) {
      entry = (async () => {
        const blob = await this.versionBlob(area, version);
        return { blob, manifest: await this.readManifest(area, blob) };
      })();
      this.versionManifests.set(key, entry);
      entry.catch(() => this.versionManifests.delete(key));
      if (this.versionManifests.size > VERSION_MANIFESTS_KEPT)
        this.versionManifests.delete(this.versionManifests.keys().next().value!);
    }
    return entry;
  }

  async exportUrl(
    area: string,
    version: number,
    options: { readonly expiresSeconds: number; readonly fileName: string },
  ): Promise<string | null> {
    checkArea(area);
    const objects = this.objectParts?.objects;
    if (!objects?.downloadUrl) return null;
    const blob = await this.versionBlob(area, version);
    const manifest = (await this.table.get(blobPk(area, blob), MANIFEST_SK))?.body as
      | ManifestBody
      | undefined;
    if (manifest?.home !== 'objects' || manifest.parts[EXPORT_PART]?.gzip !== false) return null;
    return objects.downloadUrl(
      objectKey(area, blob, EXPORT_PART),
      options.expiresSeconds,
      options.fileName,
      'text/csv; charset=utf-8',
    );
  }

  // ---------------------------------------------------------------------------------------------
  // National routing and directory

  async routing(): Promise<{ pointer: RoutingPointer; bytes: Uint8Array } | null> {
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(AREAS_PK, ROUTING_SK);
      if (!item) return null;
      const body = item.body as unknown as RoutingBody;
      try {
        const content = await this.readBlob(NATIONAL, body.blob, ['routing']);
        return { pointer: routingPointerOf(body), bytes: content.parts.get('routing')! };
      } catch (error) {
        // Replaced (and its blob removed) between our two reads: read the new one.
        if (!(error instanceof StoreIntegrityError) || attempt >= 2) throw error;
      }
    }
  }

  async putRouting(
    bytes: Uint8Array,
    meta: Omit<RoutingPointer, 'stamp' | 'bytes'>,
    expectedStamp: string | null,
  ): Promise<RoutingPointer> {
    const existing = await this.table.get(AREAS_PK, ROUTING_SK);
    const old = existing?.body as RoutingBody | undefined;
    if ((old?.stamp ?? null) !== expectedStamp) throw routingConflict();
    const stamp = sha256(bytes).slice(0, 16);
    const blob = await this.writeBlob(
      NATIONAL,
      'routing',
      [['routing', bytes]],
      {},
      meta.builtAt,
      RAW_ROUTING,
    );
    const body: RoutingBody = {
      ...meta,
      stamp,
      bytes: bytes.length,
      blob,
      previousBlob: old?.blob ?? null,
    };
    try {
      await this.table.put(
        { pk: AREAS_PK, sk: ROUTING_SK, rev: (existing?.rev ?? 0) + 1, body: asBody(body) },
        existing ? { rev: existing.rev ?? 0 } : { absent: true },
      );
    } catch (error) {
      await this.deleteBlobsQuietly(NATIONAL, [blob]);
      if (error instanceof ConditionFailedError) throw routingConflict();
      throw error;
    }
    await this.quietly(() => this.table.delete(areaPk(NATIONAL), `BLOB#${blob}`));
    // Two generations back: no container can still be reading it (each reads within a request).
    if (old?.previousBlob) await this.deleteBlobsQuietly(NATIONAL, [old.previousBlob]);
    return routingPointerOf(body);
  }

  async nationalDirectory(): Promise<{ pointer: NationalDirectoryPointer; bytes: Uint8Array } | null> {
    const item = await this.table.get(AREAS_PK, NATIONAL_DIRECTORY_SK);
    if (!item) return null;
    const body = item.body as unknown as NationalDirectoryBody;
    const names = Array.from({ length: body.pieces }, (_, i) => pieceName(i));
    const content = await this.readBlob(NATIONAL, body.blob, names);
    return {
      pointer: nationalPointerOf(body),
      bytes: Buffer.concat(names.map((n) => content.parts.get(n)!)),
    };
  }

  async putNationalDirectory(
    bytes: Uint8Array,
    meta: { readonly postcodes: number; readonly at: string; readonly by: string },
    onProgress?: WriteProgress,
    shouldStop?: () => boolean,
  ): Promise<NationalDirectoryWrite> {
    const stamp = sha256(bytes).slice(0, 16);
    // The blob id follows from the content, so a second run of the same file finds the first's pieces.
    const blob = `directory-${stamp}`;
    const pk = blobPk(NATIONAL, blob);
    const pieceBytes = this.directoryPieceBytes;
    const pieces = Math.max(1, Math.ceil(bytes.length / pieceBytes));
    const existing = await this.table.get(AREAS_PK, NATIONAL_DIRECTORY_SK);
    const current = existing?.body as NationalDirectoryBody | undefined;
    const totalBytes = bytes.length;
    if (current?.stamp === stamp) {
      onProgress?.(totalBytes, totalBytes);
      return {
        ...nationalPointerOf(current),
        complete: true,
        resumedBytes: totalBytes,
        storedBytes: totalBytes,
        totalBytes,
      };
    }
    await this.table.put({
      pk: areaPk(NATIONAL),
      sk: `BLOB#${blob}`,
      body: { purpose: 'national-directory', createdAt: new Date(this.now()).toISOString() },
    });
    const home = this.objectParts ?? this.tableParts;
    // Which pieces an earlier run finished (recorded after each one).
    const progressItem = await this.table.get(pk, 'PROGRESS');
    const done: Record<string, PartManifest> = {
      ...((progressItem?.body?.done as Record<string, PartManifest>) ?? {}),
    };
    let resumedBytes = 0;
    let written = 0;
    for (let i = 0; i < pieces; i++) {
      const name = pieceName(i);
      const raw = bytes.subarray(i * pieceBytes, (i + 1) * pieceBytes);
      if (done[name]?.sha256 === sha256(raw)) {
        resumedBytes += raw.length;
      } else if (shouldStop?.()) {
        const partial = { stamp, postcodes: meta.postcodes, updatedAt: meta.at, updatedBy: meta.by };
        return { ...partial, complete: false, resumedBytes, storedBytes: written, totalBytes };
      } else {
        const [count] = await home.write(NATIONAL, blob, [[name, await gzipAsync(raw)]]);
        done[name] = { bytes: raw.length, sha256: sha256(raw), chunks: count! };
        await this.table.put({ pk, sk: 'PROGRESS', body: { done } });
      }
      written += raw.length;
      onProgress?.(written, bytes.length);
    }
    const manifest: ManifestBody = {
      home: home.home,
      purpose: 'national-directory',
      createdAt: meta.at,
      parts: done,
      meta: {},
    };
    await this.table.put({ pk, sk: MANIFEST_SK, body: asBody(manifest) });
    const body: NationalDirectoryBody = {
      stamp,
      postcodes: meta.postcodes,
      updatedAt: meta.at,
      updatedBy: meta.by,
      blob,
      pieces,
    };
    try {
      await this.table.put(
        { pk: AREAS_PK, sk: NATIONAL_DIRECTORY_SK, rev: (existing?.rev ?? 0) + 1, body: asBody(body) },
        existing ? { rev: existing.rev ?? 0 } : { absent: true },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Its pieces stay (registered, so swept if never used): the same file loaded again resumes.
      const now = (await this.table.get(AREAS_PK, NATIONAL_DIRECTORY_SK))?.body as
        | NationalDirectoryBody
        | undefined;
      throw new VersionConflictError(
        `Another load switched the national directory (to ${now?.stamp ?? 'none'}, by ${now?.updatedBy ?? 'unknown'} at ${now?.updatedAt ?? 'unknown'}) while this one was being stored; this one was not switched to. Load it again if it should replace that one: the pieces stored are kept.`,
        { nationalDirectory: now ? nationalPointerOf(now) : null },
      );
    }
    await this.quietly(() => this.table.delete(pk, 'PROGRESS'));
    await this.quietly(() => this.table.delete(areaPk(NATIONAL), `BLOB#${blob}`));
    if (current && current.blob !== blob) await this.deleteBlobsQuietly(NATIONAL, [current.blob]);
    return { ...nationalPointerOf(body), complete: true, resumedBytes, storedBytes: totalBytes, totalBytes };
  }

  async holdNationalDirectory(hold: NationalDirectoryHold): Promise<NationalDirectoryHold | null> {
    const item = await this.table.get(areaPk(NATIONAL), DIRECTORY_HOLD_SK);
    const held = item?.body as NationalDirectoryHold | undefined;
    if (held && held.holder !== hold.holder && held.until > hold.since) return held;
    try {
      await this.table.put(
        { pk: areaPk(NATIONAL), sk: DIRECTORY_HOLD_SK, rev: (item?.rev ?? 0) + 1, body: asBody(hold) },
        item ? { rev: item.rev ?? 0 } : { absent: true },
      );
      return null;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      // Taken between our read and write: by whom.
      const now = (await this.table.get(areaPk(NATIONAL), DIRECTORY_HOLD_SK))?.body as
        | NationalDirectoryHold
        | undefined;
      return now ?? { ...hold, holder: 'unknown', upload: 'unknown', by: 'unknown' };
    }
  }

  async releaseNationalDirectory(holder: string): Promise<void> {
    const item = await this.table.get(areaPk(NATIONAL), DIRECTORY_HOLD_SK);
    if ((item?.body as NationalDirectoryHold | undefined)?.holder !== holder) return;
    try {
      await this.table.delete(areaPk(NATIONAL), DIRECTORY_HOLD_SK, { rev: item!.rev ?? 0 });
    } catch (error) {
      // Taken over meanwhile (ours had expired): the hold is the new holder's now.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Postcode directory

  async putDirectory(
    area: string,
    csv: string,
    meta: { at: string; by: string },
  ): Promise<{ stamp: string }> {
    checkArea(area);
    const stamp = sha256(csv).slice(0, 16);
    for (let attempt = 0; ; attempt++) {
      const existing = await this.table.get(AREAS_PK, `${area}#DIRECTORY`);
      const old = existing?.body as DirectoryBody | undefined;
      if (old?.stamp === stamp) return { stamp };
      const blob = await this.writeBlob(area, 'directory', [['directory', csv]], {}, meta.at);
      const body: DirectoryBody = { stamp, blob, updatedAt: meta.at, updatedBy: meta.by };
      try {
        await this.table.put(
          { pk: AREAS_PK, sk: `${area}#DIRECTORY`, rev: (existing?.rev ?? 0) + 1, body: asBody(body) },
          existing ? { rev: existing.rev ?? 0 } : { absent: true },
        );
      } catch (error) {
        await this.deleteBlobsQuietly(area, [blob]);
        if (error instanceof ConditionFailedError && attempt < 4) continue;
        throw error;
      }
      await this.quietly(() => this.table.delete(areaPk(area), `BLOB#${blob}`));
      if (old) await this.deleteBlobsQuietly(area, [old.blob]);
      return { stamp };
    }
  }

  async directory(area: string): Promise<DirectoryInfo | null> {
    checkArea(area);
    for (let attempt = 0; ; attempt++) {
      const item = await this.table.get(AREAS_PK, `${area}#DIRECTORY`);
      if (!item) return null;
      const body = item.body as unknown as DirectoryBody;
      try {
        return { stamp: body.stamp, csv: await this.readPart(area, body.blob, 'directory') };
      } catch (error) {
        if (!(error instanceof StoreIntegrityError) || attempt >= 2) throw error;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Maintenance

  async sweep(area: string, options: { now: number; olderThanMs: number }): Promise<SweepResult> {
    checkArea(area);
    const [registry, head, versions, draft, directory] = await Promise.all([
      this.table.query(areaPk(area), { prefix: 'BLOB#' }),
      this.head(area),
      this.table.query(areaPk(area), { prefix: 'VERSION#' }),
      this.table.get(areaPk(area), DRAFT_SK),
      this.table.get(AREAS_PK, `${area}#DIRECTORY`),
    ]);
    const owned = new Set<string>();
    for (const v of versions) owned.add((v.body as { blob: string }).blob);
    if (head?.body.activeBlob) owned.add(head.body.activeBlob);
    if (head?.body.latestBlob) owned.add(head.body.latestBlob);
    if (directory) owned.add((directory.body as unknown as DirectoryBody).blob);
    const drafts = new Set(draft ? draftBlobs(draft.body as unknown as DraftBody) : []);
    let removedBlobs = 0;
    for (const entry of registry) {
      const blob = entry.sk.slice('BLOB#'.length);
      const createdAt = Date.parse(String(entry.body?.createdAt ?? ''));
      if (!(createdAt < options.now - options.olderThanMs)) continue;
      if (owned.has(blob)) await this.table.delete(areaPk(area), entry.sk);
      else if (!drafts.has(blob)) {
        await this.deleteBlob(area, blob);
        removedBlobs++;
      }
    }
    return { removedBlobs };
  }

  /**
   * The national blobs' sweep: removes routing files and directory loads that nothing refers to —
   * not the routing pointer (its blob and the previous one, which containers may still be reading),
   * not the national directory pointer — and that were registered more than `olderThanMs` ago (a
   * build or load still running re-registers its blob when it starts). An abandoned directory load
   * loses its recorded progress with its pieces, so a later run of the same file writes them again.
   */
  async sweepNational(options: { now: number; olderThanMs: number }): Promise<SweepResult> {
    const [registry, routing, directory] = await Promise.all([
      this.table.query(areaPk(NATIONAL), { prefix: 'BLOB#' }),
      this.table.get(AREAS_PK, ROUTING_SK),
      this.table.get(AREAS_PK, NATIONAL_DIRECTORY_SK),
    ]);
    const routingBody = routing?.body as RoutingBody | undefined;
    const live = new Set(
      [
        routingBody?.blob,
        routingBody?.previousBlob,
        (directory?.body as NationalDirectoryBody | undefined)?.blob,
      ].filter((b): b is string => typeof b === 'string'),
    );
    let removedBlobs = 0;
    for (const entry of registry) {
      const blob = entry.sk.slice('BLOB#'.length);
      const createdAt = Date.parse(String(entry.body?.createdAt ?? ''));
      if (!(createdAt < options.now - options.olderThanMs)) continue;
      if (live.has(blob)) {
        await this.table.delete(areaPk(NATIONAL), entry.sk);
        continue;
      }
      // Progress first: a resumed load must never skip a piece this sweep removes.
      await this.table.delete(blobPk(NATIONAL, blob), 'PROGRESS');
      await this.deleteBlob(NATIONAL, blob);
      removedBlobs++;
    }
    return { removedBlobs };
  }

  // ---------------------------------------------------------------------------------------------
  // Internals

  private async head(area: string): Promise<Head | null> {
    const item = await this.table.get(AREAS_PK, `${area}#HEAD`);
    return item ? { rev: item.rev ?? 0, body: item.body as unknown as HeadBody } : null;
  }

  private async ensureHead(area: string, at: string): Promise<Head> {
    const head = await this.head(area);
    if (head) return head;
    const body: HeadBody = {
      active: null,
      activeBlob: null,
      latest: 0,
      latestBlob: null,
      seq: 0,
      lastChange: null,
      lastDraft: null,
      createdAt: at,
    };
    try {
      await this.table.put(headItem(area, 1, body), { absent: true });
      return { rev: 1, body };
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      return (await this.head(area))!;
    }
  }

  /** Makes sure the latest version's header and the last change exist as items of their own. */
  private async materialise(area: string, head: HeadBody): Promise<void> {
    if (head.latest > 0 && head.latestBlob) {
      const existing = await this.table.get(areaPk(area), versionSk(head.latest));
      if (!existing) await this.writeHeader(area, await this.latestHeader(area, head), head.latestBlob);
      await this.quietly(() => this.table.delete(areaPk(area), `BLOB#${head.latestBlob}`));
    }
    if (head.lastChange) {
      const existing = await this.table.get(areaPk(area), changeSk(head.lastChange.seq));
      if (!existing) await this.writeChange(area, head.lastChange);
    }
  }

  /** The latest version's header, rebuilt from its blob manifest (written before the commit). */
  private async latestHeader(area: string, head: HeadBody): Promise<VersionHeader> {
    const manifest = await this.table.get(blobPk(area, head.latestBlob!), MANIFEST_SK);
    if (!manifest)
      throw new StoreIntegrityError(`The blob of version ${head.latest} of ${area} has no manifest`);
    const meta = (manifest.body as unknown as ManifestBody).meta as unknown as Omit<
      VersionHeader,
      'area' | 'version'
    >;
    return { area, version: head.latest, ...meta };
  }

  private async writeHeader(area: string, header: VersionHeader, blob: string): Promise<void> {
    try {
      await this.table.put(
        { pk: areaPk(area), sk: versionSk(header.version), body: asBody({ header, blob }) },
        { absent: true },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error; // already there: immutable, same content
    }
  }

  private async writeChange(area: string, change: PointerChange): Promise<void> {
    try {
      await this.table.put(
        { pk: areaPk(area), sk: changeSk(change.seq), body: asBody({ change }) },
        { absent: true },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  /** Spends the draft, if it is still the revision that was published (a later edit keeps it usable). */
  private async markDraftPublished(
    area: string,
    draft: { readonly id: string; readonly revision: number },
    version: number,
  ): Promise<void> {
    const item = await this.table.get(areaPk(area), DRAFT_SK);
    const body = item?.body as DraftBody | undefined;
    if (!item || !body || body.meta.draftId !== draft.id || body.meta.revision !== draft.revision) return;
    const next: DraftBody = { ...body, meta: { ...body.meta, publishedAs: version, publishing: null } };
    await this.table.put(
      { pk: areaPk(area), sk: DRAFT_SK, rev: (item.rev ?? 0) + 1, body: asBody(next) },
      { rev: item.rev ?? 0 },
    );
  }

  /** Registers, then writes every part, then the manifest. Returns the new blob's id. */
  protected async writeBlob(
    area: string,
    purpose: string,
    parts: readonly (readonly [string, string | Uint8Array])[],
    meta: Readonly<Record<string, unknown>>,
    at: string,
    /** Parts stored as they are: binary files that gzip barely shrinks and a cold start must not inflate. */
    raw: ReadonlySet<string> = NONE,
  ): Promise<string> {
    const blob = this.newId();
    // Registered with the store's own clock: sweep compares it with its `now`, not the caller's.
    const registeredAt = new Date(this.now()).toISOString();
    await this.table.put({
      pk: areaPk(area),
      sk: `BLOB#${blob}`,
      body: { purpose, createdAt: registeredAt },
    });
    const home = this.objectParts ?? this.tableParts;
    const manifests: Record<string, PartManifest> = {};
    const packed: [string, Uint8Array][] = [];
    for (const [name, content] of parts) {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      const stored = raw.has(name);
      packed.push([name, stored ? bytes : await gzipAsync(bytes)]);
      manifests[name] = {
        bytes: bytes.length,
        sha256: sha256(bytes),
        chunks: 0,
        ...(stored ? { gzip: false } : {}),
      };
    }
    const pieces = await home.write(area, blob, packed);
    packed.forEach(([name], i) => {
      manifests[name] = { ...manifests[name]!, chunks: pieces[i]! };
    });
    const manifest: ManifestBody = { home: home.home, purpose, createdAt: at, parts: manifests, meta };
    await this.table.put({ pk: blobPk(area, blob), sk: MANIFEST_SK, body: asBody(manifest) });
    return blob;
  }

  /** Reads a blob's parts (all, or the named ones), each checked against its manifest. */
  protected async readBlob(area: string, blob: string, only?: readonly string[]): Promise<BlobContent> {
    return this.readParts(area, blob, await this.readManifest(area, blob), only);
  }

  private async readManifest(area: string, blob: string): Promise<ManifestBody> {
    const manifestItem = await this.table.get(blobPk(area, blob), MANIFEST_SK);
    if (!manifestItem)
      throw new StoreIntegrityError(`Blob ${blob} of ${area} has no manifest (deleted or never finished)`);
    return manifestItem.body as unknown as ManifestBody;
  }

  private async readParts(
    area: string,
    blob: string,
    manifest: ManifestBody,
    only?: readonly string[],
  ): Promise<BlobContent> {
    const home = this.partsAt(manifest.home);
    const names = Object.keys(manifest.parts).filter((name) => !only || only.includes(name));
    const parts = new Map<string, Buffer>();
    await Promise.all(
      names.map(async (name) => {
        const expected = manifest.parts[name]!;
        const packed = await home.read(area, blob, name, expected.chunks);
        if (!packed) throw new StoreIntegrityError(`Blob ${blob} part ${name}: missing or incomplete`);
        const raw =
          expected.gzip === false
            ? Buffer.from(packed.buffer, packed.byteOffset, packed.length)
            : // One output chunk of the recorded size: zlib's default 16 KB chunks cost a main-thread
              // callback and a copy each (half of a 200 KB digest's inflate time on the main thread).
              await gunzipAsync(packed, {
                chunkSize: Math.min(Math.max(expected.bytes, 64), MAX_INFLATE_CHUNK),
              });
        if (raw.length !== expected.bytes || sha256(raw) !== expected.sha256) {
          throw new StoreIntegrityError(`Blob ${blob} part ${name} does not match its SHA-256`);
        }
        parts.set(name, raw);
      }),
    );
    return { meta: manifest.meta, parts };
  }

  private partsAt(home: PartHome | undefined): BlobParts {
    if (home !== 'objects') return this.tableParts;
    if (!this.objectParts) {
      throw new StoreIntegrityError(
        'A blob lives in the object store, but none is configured (CATCHMENTS_BLOB_BUCKET).',
      );
    }
    return this.objectParts;
  }

  protected async readPart(area: string, blob: string, name: string): Promise<string> {
    const content = await this.readBlob(area, blob, [name]);
    const bytes = content.parts.get(name);
    if (bytes === undefined) throw new StoreIntegrityError(`Blob ${blob} has no part ${name}`);
    return bytes.toString('utf8');
  }

  /** Raw bytes of one blob part as stored, for byte-identity checks (tests, tools). */
  async blobPartBytes(area: string, blob: string, name: string): Promise<Buffer> {
    return Buffer.from(await this.readPart(area, blob, name), 'utf8');
  }

  /** Blob ids behind a version (for tests and tools). */
  async versionBlob(area: string, version: number): Promise<string> {
    const item = await this.table.get(areaPk(area), versionSk(version));
    const blob = (item?.body as { blob?: string } | undefined)?.blob;
    if (blob) return blob;
    const head = await this.head(area);
    if (head?.body.latest === version && head.body.latestBlob) return head.body.latestBlob;
    throw new NotFoundError(`No version ${version} of ${area}`);
  }

  protected async deleteBlob(area: string, blob: string): Promise<void> {
    const manifest = (await this.table.get(blobPk(area, blob), MANIFEST_SK))?.body as
      | ManifestBody
      | undefined;
    // Manifest first: a blob without its manifest is unreadable, never half-readable.
    await this.table.delete(blobPk(area, blob), MANIFEST_SK);
    const names = Object.keys(manifest?.parts ?? {});
    if (this.objectParts && (manifest?.home === 'objects' || !manifest)) {
      await this.objectParts.remove(area, blob, names);
    }
    await this.tableParts.remove(area, blob);
    await this.table.delete(areaPk(area), `BLOB#${blob}`);
  }

  /**
   * Deletes superseded blobs, best effort. Each is registered again first, as long retired, and the
   * registration goes last (deleteBlob), so a deletion that fails half-way is finished by the next
   * sweep instead of leaving unreachable parts behind.
   */
  private async deleteBlobsQuietly(area: string, blobs: readonly string[]): Promise<void> {
    for (const blob of blobs) {
      await this.quietly(async () => {
        await this.table.put({
          pk: areaPk(area),
          sk: `BLOB#${blob}`,
          body: { purpose: 'retired', createdAt: RETIRED_AT },
        });
        await this.deleteBlob(area, blob);
      });
    }
  }

  /** Best-effort steps whose failure a later reader, writer or sweep repairs. */
  private async quietly(step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch {
      // Deliberately ignored: see the repair paths in materialise(), versions(), changes(), sweep().
    }
  }
}

function checkArea(area: string): void {
  if (!AREA_ID_PATTERN.test(area)) {
    throw new InvalidRequestError(
      `"${area.slice(0, 80)}" is not an area id: use lower-case letters, digits and hyphens (e.g. "gloucestershire").`,
    );
  }
}

function pointerOf(
  area: string,
  head: HeadBody | undefined,
  directory: DirectoryBody | undefined,
): AreaPointer {
  return {
    area,
    active: head?.active ?? null,
    latest: head?.latest ?? 0,
    seq: head?.seq ?? 0,
    directoryStamp: directory?.stamp ?? null,
    summary: head?.summary ?? null,
  };
}

function routingPointerOf(body: RoutingBody): RoutingPointer {
  const { stamp, builtFrom, directoryStamp, builtAt, bytes } = body;
  return { stamp, builtFrom, directoryStamp, builtAt, bytes };
}

function nationalPointerOf(body: NationalDirectoryBody): NationalDirectoryPointer {
  const { stamp, postcodes, updatedAt, updatedBy } = body;
  return { stamp, postcodes, updatedAt, updatedBy };
}

function headItem(area: string, rev: number, body: HeadBody): Item {
  return { pk: AREAS_PK, sk: `${area}#HEAD`, rev, body: asBody(body) };
}

function draftBlobs(body: DraftBody): string[] {
  return [...Object.values(body.blobs.layers), ...(body.blobs.sites ? [body.blobs.sites] : [])].filter(
    (b): b is string => typeof b === 'string',
  );
}

function activeConflict(
  area: string,
  head: HeadBody,
  expected: number | null,
  raced = false,
): VersionConflictError {
  const active = head.active === null ? 'no version' : `version ${head.active}`;
  const wanted = expected === null ? 'no version' : `version ${expected}`;
  return new VersionConflictError(
    `${raced ? 'Another publish or rollback of' : 'The active boundary set of'} area "${area}" ${
      raced
        ? `won the race: ${active} is now active, not ${wanted}.`
        : `is ${active}, not ${wanted} as expected.`
    } Check the versions (GET /v1/admin/areas/${area}/versions), validate your draft again against what is active, and retry with If-Match: ${head.active ?? '(If-None-Match: *)'}.`,
    { active: head.active, expected },
  );
}

function noDraft(area: string): NotFoundError {
  return new NotFoundError(
    `Area "${area}" has no draft. Create one with POST /v1/admin/areas/${area}/draft (copied from the active version or empty).`,
  );
}

function draftBeingPublished(area: string, meta: DraftMeta, held: DraftPublishing): VersionConflictError {
  return new VersionConflictError(
    `Revision ${held.revision} of the draft of area "${area}" is being published (by ${held.by}, since ${held.since}); your change was not saved. ` +
      'When the publish ends, create a new draft from the new version (or, if it failed, edit this one again) and reapply your change.',
    { draftRevision: meta.revision, publishing: held },
  );
}

function routingConflict(): VersionConflictError {
  return new VersionConflictError(
    'Another build replaced the national routing first; read it again and rebuild.',
  );
}

const NONE: ReadonlySet<string> = new Set();
/** Largest single inflate chunk (bigger parts come in several). */
const MAX_INFLATE_CHUNK = 64 * 2 ** 20;
/** Version manifests a store keeps (~1-2 KB each): every version of a few hundred areas. */
const VERSION_MANIFESTS_KEPT = 2_048;
const RAW_ROUTING: ReadonlySet<string> = new Set(['routing']);

/** Registration time of a superseded blob whose deletion is under way: older than any sweep's cut-off. */
const RETIRED_AT = new Date(0).toISOString();
const EXPORT_PART = 'assignments.csv';
/**
 * Version parts stored as they are: the export (served by a presigned URL) and the typed arrays an
 * area's first lookup reads. The point index gzip only halves: gunzip would cost ~1.5 ms of CPU per
 * area load against ~0.1 ms to read the extra bytes. The digest (postcode answers) shrinks ~3.5x, but
 * inflating it on the serving thread made 326 areas' first loads with 10 at once take 0.79 s against
 * 0.58-0.69 s raw (national sample, embedded store), ~440 KB a part where S3 reads at bandwidth.
 */
const RAW_VERSION_PARTS: ReadonlySet<string> = new Set([EXPORT_PART, 'index', 'digest']);

const pieceName = (i: number) => `directory:${pad(i, 5)}`;

function draftRevisionConflict(area: string, expected: number, meta: DraftMeta): VersionConflictError {
  return new VersionConflictError(
    `The draft of area "${area}" is at revision ${meta.revision} (changed by ${meta.updatedBy} at ${meta.updatedAt}), not ${expected}. Get it again and reapply your change.`,
    { draftRevision: meta.revision },
  );
}

function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function asBody(value: object): Record<string, unknown> {
  return value as Record<string, unknown>;
}
