// Splits a set of polygons (nodes of an adjacency graph) into contiguous groups of similar load: the
// rule that makes the national sample's hub catchments out of LSOAs, HV patches out of a catchment's
// LSOAs and midwifery teams out of a district's catchments.
//
// Method: region growing from seeds. Seeds are spread farthest-first over each connected component,
// then the groups are grown one node at a time — always the group with the least load (groups still
// below `minNodes` first) takes the unassigned neighbour nearest its seed — so every group is one
// connected piece of the graph. A few Lloyd rounds move each seed to the node nearest its group's
// weighted centre and grow again, which makes the groups rounder. Seeds are shared between components
// in proportion to their load (largest remainder); a component too light to earn a seed (an island, a
// piece cut off by an estuary) joins the group nearest to it, the only way a group can be in pieces.
//
// Deterministic: plain arithmetic in a fixed order, every choice with an index tie-break.

export interface RegionGraph {
  /** Planar position of each node in metres (any fixed local projection). */
  readonly x: ArrayLike<number>;
  readonly y: ArrayLike<number>;
  /** Load of each node (the national sample uses postcodes as a population proxy). */
  readonly weight: ArrayLike<number>;
  /** Neighbours of each node, ascending. */
  readonly neighbours: readonly (readonly number[])[];
}

export interface PartitionOptions {
  /** Groups wanted; fewer are made when the nodes cannot hold that many of `minNodes` each. */
  readonly groups: number;
  /** Nodes every group should have where its component allows (default 1). */
  readonly minNodes?: number;
  /** Lloyd rounds after the first growth (default 3). */
  readonly refinements?: number;
}

/**
 * Partitions `nodes` (a subset of the graph's nodes; edges to nodes outside it are ignored) into
 * contiguous groups. Returns the groups as ascending node lists, ordered by their smallest node.
 */
export function partition(
  graph: RegionGraph,
  nodes: readonly number[],
  options: PartitionOptions,
): number[][] {
  const minNodes = Math.max(1, options.minNodes ?? 1);
  const refinements = options.refinements ?? 3;
  const members = [...new Set(nodes)].sort((a, b) => a - b);
  if (members.length === 0) return [];
  const inSet = new Set(members);
  const comps = connectedComponents(graph, members, inSet);
  const seedsPerComp = shareSeeds(graph, comps, Math.max(1, Math.floor(options.groups)), minNodes);

  const groups: number[][] = [];
  const orphans: number[][] = [];
  comps.forEach((comp, c) => {
    const s = seedsPerComp[c]!;
    if (s === 0) {
      orphans.push(comp);
      return;
    }
    let seeds = farthestFirstSeeds(graph, comp, s);
    let grown = grow(graph, comp, inSet, seeds, minNodes);
    for (let round = 0; round < refinements; round++) {
      const next = grown.map((g) => nearestToCentre(graph, g));
      if (next.every((seed, i) => seed === seeds[i])) break;
      seeds = next;
      grown = grow(graph, comp, inSet, seeds, minNodes);
    }
    groups.push(...grown);
  });
  if (groups.length === 0) {
    // Nothing earned a seed (fewer nodes than minNodes): everything is one group.
    return [members];
  }
  for (const orphan of orphans) {
    const g = nearestGroup(graph, groups, orphan);
    groups[g] = [...groups[g]!, ...orphan];
  }
  return groups.map((g) => [...g].sort((a, b) => a - b)).sort((a, b) => a[0]! - b[0]!);
}

/** Connected components of the subset, each ascending, in order of their smallest node. */
export function connectedComponents(
  graph: RegionGraph,
  members: readonly number[],
  inSet: ReadonlySet<number> = new Set(members),
): number[][] {
  const seen = new Set<number>();
  const out: number[][] = [];
  for (const start of members) {
    if (seen.has(start)) continue;
    const comp: number[] = [];
    const stack = [start];
    seen.add(start);
    while (stack.length > 0) {
      const v = stack.pop()!;
      comp.push(v);
      for (const n of graph.neighbours[v]!) {
        if (inSet.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    out.push(comp.sort((a, b) => a - b));
  }
  return out;
}

/**
 * Seeds per component in proportion to load (largest remainder, ties to the earlier component), at
 * most size/minNodes each. The heaviest component that can hold a seed always gets one.
 */
function shareSeeds(
  graph: RegionGraph,
  comps: readonly number[][],
  wanted: number,
  minNodes: number,
): number[] {
  const load = comps.map((comp) => comp.reduce((s, v) => s + graph.weight[v]!, 0));
  // With no load at all, share by node count instead.
  const total = load.reduce((s, l) => s + l, 0);
  const share = total > 0 ? load : comps.map((c) => c.length);
  const shareTotal = share.reduce((s, l) => s + l, 0);
  const capacity = comps.map((comp) => Math.floor(comp.length / minNodes));
  const quota = share.map((l) => (wanted * l) / shareTotal);
  const seeds = quota.map((q, c) => Math.min(capacity[c]!, Math.floor(q)));
  const heaviest = share
    .map((l, c) => ({ l, c }))
    .filter(({ c }) => capacity[c]! > 0)
    .sort((a, b) => b.l - a.l || a.c - b.c)[0];
  if (heaviest && seeds[heaviest.c] === 0) seeds[heaviest.c] = 1;
  let left = wanted - seeds.reduce((s, n) => s + n, 0);
  while (left > 0) {
    let best = -1;
    for (let c = 0; c < comps.length; c++) {
      if (seeds[c]! >= capacity[c]!) continue;
      if (best < 0 || quota[c]! - seeds[c]! > quota[best]! - seeds[best]!) best = c;
    }
    if (best < 0) break;
    seeds[best]!++;
    left--;
  }
  return seeds;
}

function dist2(graph: RegionGraph, a: number, b: number): number {
  const dx = graph.x[a]! - graph.x[b]!;
  const dy = graph.y[a]! - graph.y[b]!;
  return dx * dx + dy * dy;
}

/** Load-weighted centre of some nodes (the plain centre when they carry no load). */
function centreOf(graph: RegionGraph, group: readonly number[]): [number, number] {
  let w = 0;
  let sx = 0;
  let sy = 0;
  for (const v of group) {
    const wv = graph.weight[v]!;
    w += wv;
    sx += wv * graph.x[v]!;
    sy += wv * graph.y[v]!;
  }
  if (w > 0) return [sx / w, sy / w];
  for (const v of group) {
    sx += graph.x[v]!;
    sy += graph.y[v]!;
  }
  return [sx / group.length, sy / group.length];
}

function nearestToCentre(graph: RegionGraph, group: readonly number[]): number {
  const [cx, cy] = centreOf(graph, group);
  let best = group[0]!;
  let bestD = Number.POSITIVE_INFINITY;
  for (const v of group) {
    const d = (graph.x[v]! - cx) ** 2 + (graph.y[v]! - cy) ** 2;
    if (d < bestD || (d === bestD && v < best)) {
      best = v;
      bestD = d;
    }
  }
  return best;
}

/** The node farthest from the component's centre, then each next the farthest from the seeds so far. */
function farthestFirstSeeds(graph: RegionGraph, comp: readonly number[], count: number): number[] {
  const [cx, cy] = centreOf(graph, comp);
  const score = new Float64Array(comp.length);
  comp.forEach((v, i) => {
    score[i] = (graph.x[v]! - cx) ** 2 + (graph.y[v]! - cy) ** 2;
  });
  const seeds: number[] = [];
  const taken = new Set<number>();
  while (seeds.length < count) {
    let best = -1;
    for (let i = 0; i < comp.length; i++) {
      if (taken.has(i)) continue;
      if (best < 0 || score[i]! > score[best]!) best = i;
    }
    const seed = comp[best]!;
    seeds.push(seed);
    taken.add(best);
    comp.forEach((v, i) => {
      const d = dist2(graph, v, seed);
      // After the first seed, the score is the distance to the nearest seed.
      score[i] = seeds.length === 1 ? d : Math.min(score[i]!, d);
    });
  }
  return seeds;
}

/** Balanced region growing of one connected component from its seeds. */
function grow(
  graph: RegionGraph,
  comp: readonly number[],
  inSet: ReadonlySet<number>,
  seeds: readonly number[],
  minNodes: number,
): number[][] {
  const owner = new Map<number, number>();
  const groups = seeds.map((s) => [s]);
  const load = seeds.map((s) => graph.weight[s]!);
  const frontier = seeds.map(() => new Set<number>());
  seeds.forEach((s, g) => {
    owner.set(s, g);
  });
  const addFrontier = (g: number, v: number) => {
    for (const n of graph.neighbours[v]!) if (inSet.has(n) && !owner.has(n)) frontier[g]!.add(n);
  };
  seeds.forEach((s, g) => {
    addFrontier(g, s);
  });
  let assigned = seeds.length;
  while (assigned < comp.length) {
    let g = -1;
    for (let i = 0; i < groups.length; i++) {
      if (frontier[i]!.size === 0) continue;
      if (g < 0) {
        g = i;
        continue;
      }
      const smallI = groups[i]!.length < minNodes;
      const smallG = groups[g]!.length < minNodes;
      if (smallI !== smallG ? smallI : load[i]! < load[g]!) g = i;
    }
    // A connected component always has a frontier until every node is assigned.
    if (g < 0) throw new Error('partition: region growing stalled on a connected component');
    let next = -1;
    let nextD = Number.POSITIVE_INFINITY;
    for (const v of frontier[g]!) {
      const d = dist2(graph, v, seeds[g]!);
      if (d < nextD || (d === nextD && v < next)) {
        next = v;
        nextD = d;
      }
    }
    owner.set(next, g);
    groups[g]!.push(next);
    load[g]! += graph.weight[next]!;
    for (const f of frontier) f.delete(next);
    addFrontier(g, next);
    assigned++;
  }
  return groups;
}

/** The group holding the node nearest to any node of `piece` (ties to the lower group, then node). */
function nearestGroup(graph: RegionGraph, groups: readonly number[][], piece: readonly number[]): number {
  let best = 0;
  let bestD = Number.POSITIVE_INFINITY;
  groups.forEach((group, g) => {
    for (const v of group) {
      for (const p of piece) {
        const d = dist2(graph, v, p);
        if (d < bestD) {
          best = g;
          bestD = d;
        }
      }
    }
  });
  return best;
}
