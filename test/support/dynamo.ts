// A real DynamoDB API on loopback for tests and benchmarks: dynalite (in memory) on a free port,
// reached through the real AWS SDK client. No mocks of DynamoDB anywhere.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createBoundaryTable } from '../../functions/adapters/store/dynamo-boundary-store.js';

export interface LocalDynamo {
  readonly endpoint: string;
  /** A new client (each "container" of a test gets its own). */
  client(): DynamoDBClient;
  /** Creates a fresh table and returns its name. */
  newTable(client?: DynamoDBClient): Promise<string>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clients: DynamoDBClient[] = [];
  const client = () => {
    const c = new DynamoDBClient({
      endpoint,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    clients.push(c);
    return c;
  };
  return {
    endpoint,
    client,
    async newTable(c = client()) {
      const name = `catchments-${randomBytes(4).toString('hex')}`;
      await createBoundaryTable(c, name);
      return name;
    },
    async close() {
      for (const c of clients) c.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
