// The DynamoDB adapter: the boundary-store protocol (table-boundary-store.ts) over one DynamoDB
// table, through an injected low-level DynamoDBClient. Single-table design, keys and access
// patterns: docs/storage.md.
//
// Items are written as a fixed attribute map (no marshalling library): pk (S), sk (S), rev (N),
// body (S, JSON text: numbers round-trip exactly and the console still reads it) and data (B, blob
// chunks). Reads are strongly consistent. Bulk writes use BatchWriteItem with retries of
// UnprocessedItems and throttling errors, with exponential backoff and full jitter.
import {
  type AttributeValue,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import {
  type Condition,
  ConditionFailedError,
  type Item,
  type ItemTable,
  type QueryOptions,
} from './item-table.js';
import { TableBoundaryStore, type TableBoundaryStoreOptions } from './table-boundary-store.js';

export interface DynamoRetryOptions {
  /** Attempts per batch before giving up (default 12). */
  readonly maxAttempts?: number;
  /** First backoff cap in ms (default 25); doubles per attempt up to `maxDelayMs` (default 3000). */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Batches in flight at once (default 4). */
  readonly concurrency?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

/** Counters of what the bulk writes met: for logs, tests and benchmarks. */
export interface DynamoWriteStats {
  batches: number;
  /** Items DynamoDB returned as UnprocessedItems (and that were sent again). */
  unprocessedItems: number;
  /** Batch calls that failed with a retryable error (throttling, 5xx) and were sent again. */
  retriedErrors: number;
}

const RETRYABLE = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
]);

function isRetryable(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  if (RETRYABLE.has(e?.name ?? '')) return true;
  if (e?.$retryable) return true;
  if (['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNREFUSED'].includes(e?.code ?? '')) return true;
  return (e?.$metadata?.httpStatusCode ?? 0) >= 500;
}

const BATCH_SIZE = 25; // BatchWriteItem's limit; 25 chunks of < 400 KB stay under its 16 MB too

export class DynamoItemTable implements ItemTable {
  readonly stats: DynamoWriteStats = { batches: 0, unprocessedItems: 0, retriedErrors: 0 };
  private readonly retry: Required<DynamoRetryOptions>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    retry: DynamoRetryOptions = {},
  ) {
    this.retry = {
      maxAttempts: retry.maxAttempts ?? 12,
      baseDelayMs: retry.baseDelayMs ?? 25,
      maxDelayMs: retry.maxDelayMs ?? 3000,
      concurrency: retry.concurrency ?? 4,
      sleep: retry.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: retry.random ?? Math.random,
    };
  }

  async get(pk: string, sk: string): Promise<Item | null> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: key(pk, sk), ConsistentRead: true }),
    );
    return out.Item ? fromAttributes(out.Item) : null;
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: toAttributes(item),
          ...conditionExpression(condition),
        }),
      );
    } catch (error) {
      throw asConditionFailure(error, item.pk, item.sk);
    }
  }

  async delete(pk: string, sk: string, condition?: Condition): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: key(pk, sk),
          ...conditionExpression(condition),
        }),
      );
    } catch (error) {
      throw asConditionFailure(error, pk, sk);
    }
  }

  async query(pk: string, options: QueryOptions = {}): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: options.prefix ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          // DynamoDB refuses names an expression does not use.
          ExpressionAttributeNames: {
            '#pk': 'pk',
            ...(options.prefix || options.keysOnly ? { '#sk': 'sk' } : {}),
          },
          ExpressionAttributeValues: {
            ':pk': { S: pk },
            ...(options.prefix ? { ':prefix': { S: options.prefix } } : {}),
          },
          ...(options.keysOnly ? { ProjectionExpression: '#pk, #sk' } : {}),
          ScanIndexForward: !options.descending,
          ConsistentRead: true,
          ...(options.limit !== undefined ? { Limit: options.limit - items.length } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const raw of out.Items ?? []) items.push(fromAttributes(raw));
      start = out.LastEvaluatedKey;
    } while (start && (options.limit === undefined || items.length < options.limit));
    return items;
  }

  async putMany(items: readonly Item[]): Promise<void> {
    await this.writeAll(items.map((item) => ({ PutRequest: { Item: toAttributes(item) } })));
  }

  async deleteMany(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    await this.writeAll(keys.map(({ pk, sk }) => ({ DeleteRequest: { Key: key(pk, sk) } })));
  }

  private async writeAll(requests: WriteRequest[]): Promise<void> {
    const batches: WriteRequest[][] = [];
    for (let i = 0; i < requests.length; i += BATCH_SIZE) batches.push(requests.slice(i, i + BATCH_SIZE));
    let next = 0;
    const worker = async () => {
      while (next < batches.length) await this.writeBatch(batches[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.retry.concurrency, batches.length) }, worker));
  }

  /** One batch until every item is written: UnprocessedItems and throttling are retried with backoff. */
  private async writeBatch(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 1; ; attempt++) {
      this.stats.batches++;
      try {
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        const unprocessed = out.UnprocessedItems?.[this.tableName] ?? [];
        if (unprocessed.length === 0) return;
        this.stats.unprocessedItems += unprocessed.length;
        pending = unprocessed;
      } catch (error) {
        if (!isRetryable(error)) throw error;
        this.stats.retriedErrors++;
      }
      if (attempt >= this.retry.maxAttempts) {
        throw new Error(
          `BatchWriteItem on ${this.tableName}: ${pending.length} items still unwritten after ${attempt} attempts (throttled).`,
        );
      }
      // Full jitter: a random wait up to an exponentially growing cap, so retries spread out.
      const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
      await this.retry.sleep(Math.floor(this.retry.random() * cap));
    }
  }
}

function key(pk: string, sk: string): Record<string, AttributeValue> {
  return { pk: { S: pk }, sk: { S: sk } };
}

function toAttributes(item: Item): Record<string, AttributeValue> {
  return {
    ...key(item.pk, item.sk),
    ...(item.rev !== undefined ? { rev: { N: String(item.rev) } } : {}),
    ...(item.body !== undefined ? { body: { S: JSON.stringify(item.body) } } : {}),
    ...(item.data !== undefined ? { data: { B: item.data } } : {}),
  };
}

function fromAttributes(raw: Record<string, AttributeValue>): Item {
  const rev = raw.rev?.N;
  const body = raw.body?.S;
  const data = raw.data?.B;
  return {
    pk: raw.pk?.S ?? '',
    sk: raw.sk?.S ?? '',
    ...(rev !== undefined ? { rev: Number(rev) } : {}),
    ...(body !== undefined ? { body: JSON.parse(body) as Record<string, unknown> } : {}),
    ...(data !== undefined ? { data } : {}),
  };
}

interface ConditionParts {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

function conditionExpression(condition: Condition | undefined): ConditionParts {
  if (!condition) return {};
  if ('absent' in condition) {
    return { ConditionExpression: 'attribute_not_exists(#pk)', ExpressionAttributeNames: { '#pk': 'pk' } };
  }
  return {
    ConditionExpression: '#rev = :rev',
    ExpressionAttributeNames: { '#rev': 'rev' },
    ExpressionAttributeValues: { ':rev': { N: String(condition.rev) } },
  };
}

function asConditionFailure(error: unknown, pk: string, sk: string): unknown {
  return (error as { name?: string })?.name === 'ConditionalCheckFailedException'
    ? new ConditionFailedError(`${pk} ${sk}`)
    : error;
}

export interface DynamoBoundaryStoreOptions extends TableBoundaryStoreOptions {
  readonly retry?: DynamoRetryOptions;
  /** Wrap the item table (fault injection in tests). */
  readonly wrapTable?: (table: ItemTable) => ItemTable;
}

/** The boundary store on DynamoDB. `client` is injected (one per container, built at cold start). */
export class DynamoBoundaryStore extends TableBoundaryStore {
  readonly items: DynamoItemTable;

  constructor(client: DynamoDBClient, tableName: string, options: DynamoBoundaryStoreOptions = {}) {
    const items = new DynamoItemTable(client, tableName, options.retry);
    super(options.wrapTable?.(items) ?? items, options);
    this.items = items;
  }
}

/**
 * Creates the table the store expects (for tests, benchmarks and local tools; on AWS the CDK stack
 * owns it): pk (S) hash key, sk (S) range key, on-demand capacity, no indexes.
 */
export async function createBoundaryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  for (let i = 0; i < 200; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Table ${tableName} did not become ACTIVE`);
}
