// Throttling as DynamoDB does it, injected into a real SDK client: a share of BatchWriteItem calls
// either throw ThrottlingException (nothing written) or write only part of the batch and hand the
// rest back as UnprocessedItems. The middleware sits in the `initialize` step, before the SDK's own
// retry middleware, so what copes with the faults is the adapter's retry loop, not the SDK's.
import type { BatchWriteItemCommandOutput, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';

/** mulberry32: a small seeded generator, so the fault pattern is the same on every run. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultCounts {
  calls: number;
  unprocessed: number;
  throttled: number;
  withheldItems: number;
}

export function injectBatchFaults(client: DynamoDBClient, rate: number, random: () => number): FaultCounts {
  const counts: FaultCounts = { calls: 0, unprocessed: 0, throttled: 0, withheldItems: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      counts.calls++;
      if (random() >= rate) return next(args);
      const input = args.input as { RequestItems: Record<string, WriteRequest[]> };
      const [table, requests] = Object.entries(input.RequestItems)[0]!;
      if (random() < 0.5) {
        counts.throttled++;
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
          $fault: 'client',
          $metadata: { httpStatusCode: 400 },
        });
      }
      // Write a random part of the batch; hand the rest back as UnprocessedItems.
      const kept = requests.filter(() => random() < 0.5);
      const withheld = requests.filter((r) => !kept.includes(r));
      counts.unprocessed++;
      counts.withheldItems += withheld.length;
      const result =
        kept.length > 0
          ? await next({ ...args, input: { ...input, RequestItems: { [table]: kept } } })
          : null;
      const output: BatchWriteItemCommandOutput = {
        ...((result?.output as BatchWriteItemCommandOutput | undefined) ?? { $metadata: {} }),
        UnprocessedItems: withheld.length > 0 ? { [table]: withheld } : {},
      };
      return { response: result?.response ?? {}, output };
    },
    { step: 'initialize', name: 'injectBatchFaults' },
  );
  return counts;
}
