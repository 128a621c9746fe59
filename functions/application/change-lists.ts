// The public change list of a version pair: every postcode whose hub, HV patch or CoC team differs
// between two published versions, computed from their stored assignment tables. Published
// versions never change, so neither does a pair's list: it is computed once and kept (a few pairs:
// the ones the latest events point at are the ones asked for).
import { type ChangedPostcode, changedPostcodes } from '../core/boundary-set/changes.js';
import { type AssignmentRow, assignmentMap, decodeAssignmentTable } from '../core/lookup/assignment-table.js';
import type { BoundaryStore } from './ports/boundary-store.js';

export interface ChangeListOptions {
  readonly store: Pick<BoundaryStore, 'version'>;
  /** Version pairs kept computed. @default 4 */
  readonly maxPairs?: number;
}

export class ChangeLists {
  private readonly pairs = new Map<string, Promise<readonly ChangedPostcode[]>>();
  private readonly tables = new Map<string, Promise<ReadonlyMap<string, AssignmentRow>>>();
  private readonly maxPairs: number;

  constructor(private readonly options: ChangeListOptions) {
    this.maxPairs = options.maxPairs ?? 4;
  }

  /** Sorted by postcode. Throws NotFoundError (from the store) for a version that does not exist. */
  changes(area: string, from: number, to: number): Promise<readonly ChangedPostcode[]> {
    return cached(this.pairs, `${area}@${from}..${to}`, this.maxPairs, async () => {
      const [before, after] = await Promise.all([this.table(area, from), this.table(area, to)]);
      return changedPostcodes(before, after);
    });
  }

  private table(area: string, version: number): Promise<ReadonlyMap<string, AssignmentRow>> {
    return cached(this.tables, `${area}@${version}`, 4, async () => {
      const stored = await this.options.store.version(area, version);
      return assignmentMap(decodeAssignmentTable(stored.assignments));
    });
  }
}

/** A small insertion-ordered cache of promises; a failed load is forgotten so it can be retried. */
function cached<T>(
  cache: Map<string, Promise<T>>,
  key: string,
  max: number,
  load: () => Promise<T>,
): Promise<T> {
  let value = cache.get(key);
  if (value) {
    cache.delete(key); // most recently used last
    cache.set(key, value);
    return value;
  }
  value = load();
  value.catch(() => cache.delete(key));
  cache.set(key, value);
  while (cache.size > max) cache.delete(cache.keys().next().value!);
  return value;
}
