// Fault injection for the store protocol: wraps an ItemTable and makes chosen operations fail as
// a crashed process or a lost connection would (the operation is not performed).
import type { Condition, Item, ItemTable, QueryOptions } from '../../functions/adapters/store/item-table.js';

export type TableOp =
  | {
      readonly method: 'get' | 'delete';
      readonly pk: string;
      readonly sk: string;
      readonly condition?: Condition;
    }
  | { readonly method: 'put'; readonly pk: string; readonly sk: string; readonly condition?: Condition }
  | { readonly method: 'query'; readonly pk: string; readonly options?: QueryOptions }
  | { readonly method: 'putMany' | 'deleteMany'; readonly count: number; readonly pk?: string };

/** Thrown in place of an operation: a simulated crash. */
export class SimulatedCrash extends Error {
  override readonly name = 'SimulatedCrash';
}

export class FaultyTable implements ItemTable {
  private rule: ((op: TableOp) => boolean) | null = null;
  /** Operations failed so far. */
  crashes = 0;

  constructor(readonly inner: ItemTable) {}

  /** Fails every operation `rule` picks until disarmed. */
  arm(rule: (op: TableOp) => boolean): void {
    this.rule = rule;
  }

  disarm(): void {
    this.rule = null;
  }

  private check(op: TableOp): void {
    if (this.rule?.(op)) {
      this.crashes++;
      throw new SimulatedCrash(
        `simulated crash at ${op.method} ${'pk' in op ? op.pk : ''} ${'sk' in op ? op.sk : ''}`,
      );
    }
  }

  async get(pk: string, sk: string): Promise<Item | null> {
    this.check({ method: 'get', pk, sk });
    return this.inner.get(pk, sk);
  }

  async put(item: Item, condition?: Condition): Promise<void> {
    this.check({ method: 'put', pk: item.pk, sk: item.sk, ...(condition ? { condition } : {}) });
    return this.inner.put(item, condition);
  }

  async delete(pk: string, sk: string, condition?: Condition): Promise<void> {
    this.check({ method: 'delete', pk, sk, ...(condition ? { condition } : {}) });
    return this.inner.delete(pk, sk, condition);
  }

  async query(pk: string, options?: QueryOptions): Promise<Item[]> {
    this.check({ method: 'query', pk, ...(options ? { options } : {}) });
    return this.inner.query(pk, options);
  }

  async putMany(items: readonly Item[]): Promise<void> {
    this.check({ method: 'putMany', count: items.length, ...(items[0] ? { pk: items[0].pk } : {}) });
    return this.inner.putMany(items);
  }

  async deleteMany(keys: readonly { pk: string; sk: string }[]): Promise<void> {
    this.check({ method: 'deleteMany', count: keys.length, ...(keys[0] ? { pk: keys[0].pk } : {}) });
    return this.inner.deleteMany(keys);
  }
}
