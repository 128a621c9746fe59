// Uploaded national directories in the blob bucket, under `uploads/directory/<id>` (outside the
// `blobs/` prefix of the store's own immutable parts; a lifecycle rule expires them after a day).
// The file is downloaded to a temporary file and read by the same readers as `catchments
// load-postcodes` (plain or gzipped, by its magic bytes).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DirectoryUploadFormat, DirectoryUploads } from '../../application/ports/directory-uploads.js';
import { InvalidRequestError, NotFoundError } from '../../core/errors.js';
import type { PostcodeRecord } from '../../core/model.js';
import { readPostcodeFile } from '../postcode-file.js';
import type { S3Objects } from './s3-objects.js';

/** Key prefix of uploads: the admin role may write here (and the bucket expires it), not under blobs/. */
export const UPLOADS_PREFIX = 'uploads/';

const uploadKey = (upload: string) => `${UPLOADS_PREFIX}directory/${upload}`;

export class S3DirectoryUploads implements DirectoryUploads {
  constructor(private readonly objects: S3Objects) {}

  uploadUrl(upload: string, expiresSeconds: number): Promise<string> {
    return this.objects.uploadUrl(uploadKey(upload), expiresSeconds);
  }

  size(upload: string): Promise<number | null> {
    return this.objects.size(uploadKey(upload));
  }

  async read(upload: string, format: DirectoryUploadFormat): Promise<PostcodeRecord[]> {
    const folder = await mkdtemp(path.join(tmpdir(), 'directory-upload-'));
    try {
      const file = path.join(folder, 'upload');
      if (!(await this.objects.downloadTo(uploadKey(upload), file))) {
        throw new NotFoundError(`Nothing has been uploaded as ${upload}.`);
      }
      try {
        return await readPostcodeFile(file, format);
      } catch (error) {
        throw new InvalidRequestError(
          `The upload could not be read as ${format}: ${(error as Error).message}. Name its format with ?format= (points, directory, codepoint, onspd, nspl).`,
        );
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  remove(upload: string): Promise<void> {
    return this.objects.delete([uploadKey(upload)]);
  }
}
