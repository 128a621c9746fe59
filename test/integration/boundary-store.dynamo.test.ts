// The BoundaryStore contract on DynamoDB: the real AWS SDK against dynalite on loopback, one fresh
// table per test. No mocks of DynamoDB.
import { type AttributeValue, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoBoundaryStore } from '../../functions/adapters/store/dynamo-boundary-store.js';
import { startDynalite } from '../support/dynamo.js';
import { FaultyTable } from '../support/faulty-table.js';
import { boundaryStoreContract, type StoreHarness } from './boundary-store.contract.js';

boundaryStoreContract('DynamoDB (dynalite)', async (): Promise<StoreHarness> => {
  const dynamo = await startDynalite();
  return {
    async open(options = {}) {
      const client = dynamo.client();
      const table = await dynamo.newTable(client);
      let faults!: FaultyTable;
      const store = new DynamoBoundaryStore(client, table, {
        ...options,
        wrapTable: (t) => (faults = new FaultyTable(t)),
      });
      return {
        store,
        faults,
        async keys() {
          const keys: { pk: string; sk: string }[] = [];
          let start: Record<string, AttributeValue> | undefined;
          do {
            const out = await client.send(
              new ScanCommand({ TableName: table, ProjectionExpression: 'pk, sk', ExclusiveStartKey: start }),
            );
            for (const item of out.Items ?? []) keys.push({ pk: item.pk!.S!, sk: item.sk!.S! });
            start = out.LastEvaluatedKey;
          } while (start);
          return keys;
        },
        // Another container: its own client and store on the same table.
        reopen: async () => new DynamoBoundaryStore(dynamo.client(), table, options),
      };
    },
    close: () => dynamo.close(),
  };
});
