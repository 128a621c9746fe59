// Where a national postcode directory too large for a request body is uploaded before it is
// ingested: on AWS an object in the blob bucket, written by the client straight to S3 through a
// presigned URL (issue 11: large uploads never go through Lambda's 6 MB body). Adapter:
// functions/adapters/store/s3-directory-uploads.ts.
import type { PostcodeRecord } from '../../core/model.js';

/** The formats an upload may be in (functions/adapters/postcode-file.ts reads them). */
export const DIRECTORY_UPLOAD_FORMATS = ['points', 'directory', 'codepoint', 'onspd', 'nspl'] as const;
export type DirectoryUploadFormat = (typeof DIRECTORY_UPLOAD_FORMATS)[number];

export interface DirectoryUploads {
  /** A URL its holder may PUT the file to (plain or gzipped CSV) for `expiresSeconds`. */
  uploadUrl(upload: string, expiresSeconds: number): Promise<string>;
  /** Bytes of the uploaded file, or null while nothing has been uploaded under that id. */
  size(upload: string): Promise<number | null>;
  /**
   * Every postcode of the uploaded file. Throws InvalidRequestError when the file is not of the
   * format (what was expected), NotFoundError when nothing was uploaded.
   */
  read(upload: string, format: DirectoryUploadFormat): Promise<PostcodeRecord[]>;
  /** Removes the uploaded file (after a complete ingest; the bucket also expires uploads). */
  remove(upload: string): Promise<void>;
}
