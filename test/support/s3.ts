// A real S3 API on loopback for tests and benchmarks: s3rver (objects in a temporary folder) on a
// free port, reached through the real AWS SDK client. The S3 counterpart of dynamo.ts.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface LocalS3 {
  readonly endpoint: string;
  /** A new client (each "container" of a test gets its own). */
  client(): S3Client;
  /** Creates a fresh bucket and returns its name. */
  newBucket(): Promise<string>;
  close(): Promise<void>;
}

export async function startS3rver(): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 's3rver-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: S3Client[] = [];
  let buckets = 0;
  const client = () => {
    const c = new S3Client({
      endpoint,
      region: 'eu-west-2',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    client,
    async newBucket() {
      const name = `blobs-${++buckets}-${port}`;
      await client().send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    async close() {
      for (const c of clients) c.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
