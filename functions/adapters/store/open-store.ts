// Chooses the boundary store from configuration, once per process: DynamoDB when a table name is
// configured (AWS; blob parts in S3 when a bucket is configured too), else the embedded store
// (local folder, or memory for `:memory:`).
//
// The AWS SDK is imported only when a table is configured: loading its DynamoDB and S3 clients cost
// ~0.6-1.1 s of a local server's start (measured, issue 11), and the embedded store needs neither.
import type { BoundaryStore } from '../../application/ports/boundary-store.js';
import type { ServiceConfig } from '../../config.js';
import { EmbeddedBoundaryStore } from './embedded-boundary-store.js';
import type { S3Objects } from './s3-objects.js';

export type OpenedStore = (
  | { readonly embedded: false; readonly store: BoundaryStore }
  | { readonly embedded: true; readonly store: EmbeddedBoundaryStore }
) & {
  /** `dynamodb:<table>[+s3:<bucket>]`, `memory` or the folder. */
  readonly description: string;
  /** The bucket of blob parts, when there is one (presigned uploads and downloads). */
  readonly objects: S3Objects | null;
  close(): Promise<void>;
};

export interface StoreLocation {
  /** Embedded store folder (or `:memory:`), when no table is given. */
  readonly dir?: string;
  readonly tableName?: string;
  readonly bucket?: string;
  /** Endpoints for DynamoDB- and S3-compatible servers (local tools and tests); default AWS's. */
  readonly dynamoEndpoint?: string;
  readonly s3Endpoint?: string;
}

export function openBoundaryStore(config: ServiceConfig): Promise<OpenedStore> {
  return openStoreAt({
    dir: config.store.dir,
    ...(config.store.tableName ? { tableName: config.store.tableName } : {}),
    ...(config.blobBucket ? { bucket: config.blobBucket } : {}),
  });
}

export async function openStoreAt(location: StoreLocation): Promise<OpenedStore> {
  if (location.tableName) {
    const [{ DynamoDBClient }, { S3Client }, { DynamoBoundaryStore }, { S3Objects }] = await Promise.all([
      import('@aws-sdk/client-dynamodb'),
      import('@aws-sdk/client-s3'),
      import('./dynamo-boundary-store.js'),
      import('./s3-objects.js'),
    ]);
    // One client per container, built at cold start (region and credentials from the environment).
    const client = new DynamoDBClient(location.dynamoEndpoint ? { endpoint: location.dynamoEndpoint } : {});
    const s3 = location.bucket
      ? new S3Client(location.s3Endpoint ? { endpoint: location.s3Endpoint, forcePathStyle: true } : {})
      : null;
    const objects = s3 && location.bucket ? new S3Objects(s3, location.bucket) : null;
    return {
      store: new DynamoBoundaryStore(client, location.tableName, objects ? { objects } : {}),
      description: `dynamodb:${location.tableName}${objects ? `+s3:${objects.bucket}` : ''}`,
      embedded: false,
      objects,
      close: async () => {
        client.destroy();
        s3?.destroy();
      },
    };
  }
  const store = await EmbeddedBoundaryStore.open(location.dir ?? '.local-store');
  return {
    store,
    description: store.location === ':memory:' ? 'memory' : store.location,
    embedded: true,
    objects: null,
    close: () => store.close(),
  };
}
