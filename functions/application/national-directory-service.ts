// The national postcode directory through the admin API, for a file far over a request body
// (England's is 60 MB of CSV, 16.5 MB gzipped): the client asks for an upload, PUTs the file
// straight to the store's bucket with the presigned URL it gets, then asks for the upload to be
// ingested. An ingest is repeatable and bounded in time: each call parses the upload, stores as
// many of the directory's pieces as fit its budget (the pieces stored by earlier calls are kept:
// putNationalDirectory resumes), and answers "in progress" until the directory is switched to and
// the national routing rebuilt over it; calling again goes on. Same result as `catchments
// load-postcodes`, which does the same from the planner's machine. One ingest call at a time holds
// the directory: a second one at once (for the same upload or another) is refused with a 409 that
// says to call again later, before it reads or writes anything.
import { randomUUID } from 'node:crypto';
import { InvalidRequestError, NotFoundError, VersionConflictError } from '../core/errors.js';
import { PostcodeDirectory } from '../core/postcode-directory.js';
import { encodeDirectoryColumns } from '../core/routing/directory-columns.js';
import type { BoundaryStore, NationalDirectoryHold } from './ports/boundary-store.js';
import type { DirectoryUploadFormat, DirectoryUploads } from './ports/directory-uploads.js';
import type { Logger } from './ports/logger.js';
import type { RoutingMaintainer } from './serving/routing-maintainer.js';

/** Upload ids are ours (random UUIDs): checked before they become part of an object key. */
const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface DirectoryUploadTarget {
  readonly upload: string;
  readonly method: 'PUT';
  readonly url: string;
  readonly expiresAt: string;
  readonly maxBytes: number;
  /** Where to ask for the ingest once the file is uploaded. */
  readonly ingest: string;
}

export interface DirectoryIngest {
  readonly upload: string;
  /** `done` once the directory is served (routing rebuilt); else call the ingest again. */
  readonly state: 'storing' | 'routing' | 'done';
  readonly postcodes: number;
  readonly stamp: string;
  readonly storedBytes: number;
  readonly totalBytes: number;
  readonly resumedBytes: number;
  readonly routing: { readonly action: string; readonly areasRead: number } | null;
}

export interface NationalDirectoryServiceOptions {
  readonly store: BoundaryStore;
  /** Null where blobs have no object store (the embedded store): use `catchments load-postcodes`. */
  readonly uploads: DirectoryUploads | null;
  readonly routing: RoutingMaintainer;
  /** Upload files larger than this are refused at ingest (a presigned PUT cannot cap its size). */
  readonly maxUploadBytes: number;
  /** Work per ingest call, within the admin function's timeout. */
  readonly ingestBudgetMs: number;
  /** How long an upload URL stays valid. */
  readonly uploadUrlSeconds?: number;
  readonly clock?: () => Date;
  readonly newId?: () => string;
  readonly logger?: Logger;
}

/** Past this share of the budget the routing rebuild waits for the next call (it reads every area). */
const ROUTING_START_SHARE = 0.5;
/**
 * A call holds the directory for its budget plus this: enough for the parse and the routing rebuild
 * to overrun the budget, and past the admin function's 28 s timeout, so a live call keeps its hold
 * and one that died frees it within a minute.
 */
const HOLD_BEYOND_BUDGET_MS = 30_000;

export class NationalDirectoryService {
  private readonly clock: () => Date;

  constructor(private readonly options: NationalDirectoryServiceOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  async createUpload(): Promise<DirectoryUploadTarget> {
    const uploads = this.uploadsOrExplain();
    const upload = (this.options.newId ?? randomUUID)();
    const seconds = this.options.uploadUrlSeconds ?? 3600;
    return {
      upload,
      method: 'PUT',
      url: await uploads.uploadUrl(upload, seconds),
      expiresAt: new Date(this.clock().getTime() + seconds * 1000).toISOString(),
      maxBytes: this.options.maxUploadBytes,
      ingest: `/v1/admin/directory/uploads/${upload}/ingest`,
    };
  }

  async ingest(upload: string, format: DirectoryUploadFormat, by: string): Promise<DirectoryIngest> {
    const uploads = this.uploadsOrExplain();
    if (!UPLOAD_ID.test(upload)) throw new NotFoundError(`No upload "${upload.slice(0, 60)}".`);
    const started = this.clock().getTime();
    const hold: NationalDirectoryHold = {
      holder: randomUUID(),
      upload,
      by,
      since: new Date(started).toISOString(),
      until: new Date(started + this.options.ingestBudgetMs + HOLD_BEYOND_BUDGET_MS).toISOString(),
    };
    const blocking = await this.options.store.holdNationalDirectory(hold);
    if (blocking) throw directoryBusy(upload, blocking);
    try {
      return await this.ingestHeld(uploads, upload, format, by, started);
    } finally {
      await this.options.store.releaseNationalDirectory(hold.holder).catch((error: unknown) => {
        // It expires at `until`: a failed release delays the next ingest, it does not block it.
        this.options.logger?.warn('directory hold not released', { upload, error: String(error) });
      });
    }
  }

  private async ingestHeld(
    uploads: DirectoryUploads,
    upload: string,
    format: DirectoryUploadFormat,
    by: string,
    started: number,
  ): Promise<DirectoryIngest> {
    const deadline = started + this.options.ingestBudgetMs;
    const size = await uploads.size(upload);
    if (size === null) {
      throw new NotFoundError(
        `Nothing is uploaded as ${upload}: PUT the file to the URL that POST /v1/admin/directory/uploads returned, then ask again. (An upload is removed once an ingest of it answers done.)`,
      );
    }
    if (size > this.options.maxUploadBytes) {
      throw new InvalidRequestError(
        `The upload is ${size} bytes, over the limit of ${this.options.maxUploadBytes} (CATCHMENTS_UPLOAD_MAX_BYTES): gzip it, or load it with catchments load-postcodes.`,
      );
    }
    const records = await uploads.read(upload, format);
    if (records.length === 0)
      throw new InvalidRequestError(`The upload has no postcodes (format ${format}).`);
    const directory = PostcodeDirectory.fromRecords(records);
    const bytes = encodeDirectoryColumns(directory.sortedColumns());
    // At least one piece per call, so a parse that takes the whole budget still makes progress.
    let asked = 0;
    const write = await this.options.store.putNationalDirectory(
      bytes,
      { postcodes: directory.size, at: this.clock().toISOString(), by },
      undefined,
      () => asked++ > 0 && this.clock().getTime() >= deadline,
    );
    const progress = {
      upload,
      postcodes: directory.size,
      stamp: write.stamp,
      storedBytes: write.storedBytes,
      totalBytes: write.totalBytes,
      resumedBytes: write.resumedBytes,
    };
    if (!write.complete) return { ...progress, state: 'storing', routing: null };
    // The rebuild reads every area: it starts on a call with time to spare, or one that stored nothing.
    const left = deadline - this.clock().getTime();
    const storedNothing = write.resumedBytes === write.totalBytes;
    if (!storedNothing && left < this.options.ingestBudgetMs * ROUTING_START_SHARE) {
      return { ...progress, state: 'routing', routing: null };
    }
    const routing = await this.options.routing.refresh();
    await uploads.remove(upload).catch((error: unknown) => {
      // The bucket's lifecycle rule expires uploads too; a failed removal costs storage, not correctness.
      this.options.logger?.warn('upload not removed', { upload, error: String(error) });
    });
    this.options.logger?.info('national directory ingested', {
      upload,
      postcodes: directory.size,
      stamp: write.stamp,
      ms: this.clock().getTime() - started,
    });
    return {
      ...progress,
      state: 'done',
      routing: { action: routing.action, areasRead: routing.areasRead.length },
    };
  }

  private uploadsOrExplain(): DirectoryUploads {
    if (this.options.uploads) return this.options.uploads;
    throw new NotFoundError(
      'Presigned uploads need the blob bucket (CATCHMENTS_BLOB_BUCKET, set by the CDK stack). With the embedded store load the directory from the command line: npx catchments load-postcodes <file.csv.gz> --store <dir>.',
    );
  }
}

function directoryBusy(upload: string, held: NationalDirectoryHold): VersionConflictError {
  const ingesting = { upload: held.upload, by: held.by, since: held.since, until: held.until };
  if (held.upload === upload) {
    return new VersionConflictError(
      `Upload ${upload} is already being ingested by another call (since ${held.since}); this call changed nothing. Wait for that call to answer, then call again if it answered "storing" or "routing": an ingest goes on from the pieces stored.`,
      { ingesting },
    );
  }
  return new VersionConflictError(
    `The national directory is being replaced from upload ${held.upload} (by ${held.by}, since ${held.since}); this call changed nothing. Call this ingest again once that one is done (its hold ends at ${held.until} at the latest): your upload stays in the bucket (uploads expire after 2 days).`,
    { ingesting },
  );
}
