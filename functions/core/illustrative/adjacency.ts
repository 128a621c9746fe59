// Which polygons of a layer are neighbours, and the connected groups they form: the graph the
// illustrative generators grow their catchments, patches and teams on, so that every unit is made of
// whole source polygons and is one connected piece where the polygons allow.
import type { Position } from 'geojson';

/** Integer key of a 6 dp vertex, exact for comparing shared vertices between polygons. */
function vertexKey(p: Position): string {
  return `${Math.round(p[0]! * 1e6)},${Math.round(p[1]! * 1e6)}`;
}

/**
 * Which polygons share a boundary: at least two shared vertices after rounding to 6 dp (one shared
 * vertex is a corner touch, which does not make a group contiguous for a planner). The source layers
 * come from topologically consistent products, so neighbours share their boundary vertices. Each item
 * gives its polygons as ring arrays (outer ring first).
 */
export function adjacency(
  items: readonly { id: string; rings: readonly (readonly (readonly Position[])[])[] }[],
): Map<string, Set<string>> {
  const byVertex = new Map<string, Set<string>>();
  for (const item of items) {
    for (const rings of item.rings) {
      for (const ring of rings) {
        for (const p of ring) {
          const key = vertexKey(p);
          let ids = byVertex.get(key);
          if (!ids) {
            ids = new Set();
            byVertex.set(key, ids);
          }
          ids.add(item.id);
        }
      }
    }
  }
  const shared = new Map<string, number>();
  for (const ids of byVertex.values()) {
    if (ids.size < 2) continue;
    const list = [...ids].sort();
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const key = `${list[i]}|${list[j]}`;
        shared.set(key, (shared.get(key) ?? 0) + 1);
      }
    }
  }
  const result = new Map<string, Set<string>>(items.map((item) => [item.id, new Set<string>()]));
  for (const [key, count] of shared) {
    if (count < 2) continue;
    const [a, b] = key.split('|') as [string, string];
    result.get(a)!.add(b);
    result.get(b)!.add(a);
  }
  return result;
}

/** Connected components of `ids` under `adj`, each sorted, in order of their smallest id. */
export function components(
  ids: readonly string[],
  adj: ReadonlyMap<string, ReadonlySet<string>>,
): string[][] {
  const inSet = new Set(ids);
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const start of [...ids].sort()) {
    if (seen.has(start)) continue;
    const comp: string[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const id = stack.pop()!;
      comp.push(id);
      for (const n of adj.get(id) ?? []) {
        if (inSet.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    out.push(comp.sort());
  }
  return out;
}
