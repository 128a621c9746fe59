// Chooses the boundary store from configuration, once per process: DynamoDB when a table name is
// configured (AWS), else the embedded store (local folder, or memory for `:memory:`).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BoundaryStore } from '../../application/ports/boundary-store.js';
import type { ServiceConfig } from '../../config.js';
import { DynamoBoundaryStore } from './dynamo-boundary-store.js';
import { EmbeddedBoundaryStore } from './embedded-boundary-store.js';

export type OpenedStore = (
  | { readonly embedded: false; readonly store: BoundaryStore }
  | { readonly embedded: true; readonly store: EmbeddedBoundaryStore }
) & {
  /** `dynamodb:<table>`, `memory` or the folder. */
  readonly description: string;
  close(): Promise<void>;
};

export async function openBoundaryStore(config: ServiceConfig): Promise<OpenedStore> {
  if (config.store.tableName) {
    // One client per container, built at cold start (region and credentials from the environment).
    const client = new DynamoDBClient({});
    return {
      store: new DynamoBoundaryStore(client, config.store.tableName),
      description: `dynamodb:${config.store.tableName}`,
      embedded: false,
      close: async () => client.destroy(),
    };
  }
  const store = await EmbeddedBoundaryStore.open(config.store.dir);
  return {
    store,
    description: store.location === ':memory:' ? 'memory' : store.location,
    embedded: true,
    close: () => store.close(),
  };
}
