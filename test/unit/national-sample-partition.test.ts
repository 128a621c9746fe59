// The region growing behind the national sample's catchments, patches and teams, on synthetic grid
// graphs: every node in exactly one group, every group one connected piece of its component, the
// group count as asked where the nodes allow, loads balanced, and the same answer every time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  connectedComponents,
  partition,
  type RegionGraph,
} from '../../functions/core/national-sample/partition.js';

/** A cols × rows grid (4-neighbour), without the cells `skip` names; node i is cell (i % cols, i / cols). */
function grid(
  cols: number,
  rows: number,
  weight: (i: number) => number = () => 1,
  skip: (i: number) => boolean = () => false,
): { graph: RegionGraph; nodes: number[] } {
  const n = cols * rows;
  const x: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const neighbours: number[][] = [];
  for (let i = 0; i < n; i++) {
    const c = i % cols;
    const r = Math.floor(i / cols);
    x.push(c * 1000);
    y.push(r * 1000);
    w.push(weight(i));
    const near: number[] = [];
    if (!skip(i)) {
      if (r > 0 && !skip(i - cols)) near.push(i - cols);
      if (c > 0 && !skip(i - 1)) near.push(i - 1);
      if (c < cols - 1 && !skip(i + 1)) near.push(i + 1);
      if (r < rows - 1 && !skip(i + cols)) near.push(i + cols);
    }
    neighbours.push(near);
  }
  const nodes = Array.from({ length: n }, (_, i) => i).filter((i) => !skip(i));
  return { graph: { x, y, weight: w, neighbours }, nodes };
}

function expectPartitionOf(nodes: readonly number[], groups: readonly number[][]): void {
  const seen = groups.flat().sort((a, b) => a - b);
  expect(seen).toEqual([...nodes].sort((a, b) => a - b));
}

function piecesOf(graph: RegionGraph, group: readonly number[]): number {
  return connectedComponents(graph, group).length;
}

describe('partition', () => {
  it('splits a connected grid into the groups asked, each one connected piece', () => {
    const { graph, nodes } = grid(10, 8);
    for (const k of [1, 2, 3, 5, 12]) {
      const groups = partition(graph, nodes, { groups: k, minNodes: 2 });
      expect(groups).toHaveLength(k);
      expectPartitionOf(nodes, groups);
      for (const g of groups) {
        expect(piecesOf(graph, g)).toBe(1);
        expect(g.length).toBeGreaterThanOrEqual(2);
      }
    }
  });

  it('balances load: on a uniform grid no group is more than twice another', () => {
    const { graph, nodes } = grid(12, 12);
    const groups = partition(graph, nodes, { groups: 6 });
    const sizes = groups.map((g) => g.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2 * Math.min(...sizes));
  });

  it('follows load, not node count: a heavy corner gets more, smaller groups', () => {
    // The left quarter of the grid holds almost all the load.
    const { graph, nodes } = grid(16, 4, (i) => (i % 16 < 4 ? 50 : 1));
    const groups = partition(graph, nodes, { groups: 4 });
    const inHeavy = groups.filter((g) => g.every((v) => v % 16 < 6));
    expect(inHeavy.length).toBeGreaterThanOrEqual(2);
  });

  it('shares groups between the pieces of a district cut in two, and never spans the cut', () => {
    // Column 5 is water: two pieces of 5 × 6 and 4 × 6 cells.
    const { graph, nodes } = grid(
      10,
      6,
      () => 1,
      (i) => i % 10 === 5,
    );
    const groups = partition(graph, nodes, { groups: 4, minNodes: 2 });
    expect(groups).toHaveLength(4);
    expectPartitionOf(nodes, groups);
    for (const g of groups) {
      expect(piecesOf(graph, g)).toBe(1);
      expect(g.every((v) => v % 10 < 5) || g.every((v) => v % 10 > 5)).toBe(true);
    }
  });

  it('gives an island too light for a seed to the nearest group (the only group in pieces)', () => {
    // A 6 × 6 mainland and one lone cell at the far corner, cut off by a skipped ring.
    const skip = (i: number) => {
      const c = i % 8;
      const r = Math.floor(i / 8);
      return !(c < 6 && r < 6) && !(c === 7 && r === 7);
    };
    const { graph, nodes } = grid(8, 8, () => 1, skip);
    expect(connectedComponents(graph, nodes).map((c) => c.length)).toEqual([36, 1]);
    const groups = partition(graph, nodes, { groups: 3, minNodes: 2 });
    expect(groups).toHaveLength(3);
    expectPartitionOf(nodes, groups);
    const withIsland = groups.find((g) => g.includes(63))!;
    expect(piecesOf(graph, withIsland)).toBe(2);
    // The island joins the group holding the mainland cell nearest to it, (5, 5).
    expect(withIsland).toContain(45);
    for (const g of groups.filter((x) => x !== withIsland)) expect(piecesOf(graph, g)).toBe(1);
  });

  it('makes fewer groups when the nodes cannot hold minNodes each, and one group of a single node', () => {
    const { graph, nodes } = grid(3, 1);
    expect(partition(graph, nodes, { groups: 3, minNodes: 2 })).toHaveLength(1);
    expect(partition(graph, [1], { groups: 2, minNodes: 2 })).toEqual([[1]]);
    expect(partition(graph, [], { groups: 2 })).toEqual([]);
  });

  it('works on a subset, ignoring edges that leave it', () => {
    const { graph } = grid(6, 6);
    const subset = [0, 1, 2, 6, 7, 8, 12, 13, 14];
    const groups = partition(graph, subset, { groups: 2 });
    expectPartitionOf(subset, groups);
    for (const g of groups) expect(piecesOf(graph, g)).toBe(1);
  });

  it('property: any grid with holes and weights is partitioned into connected groups, deterministically', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: 2, max: 12 }),
        fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 144, maxLength: 144 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 3 }),
        (cols, rows, weights, holes, k, minNodes) => {
          const { graph, nodes } = grid(
            cols,
            rows,
            (i) => weights[i]!,
            (i) => holes[i]! && i % 3 === 0,
          );
          const groups = partition(graph, nodes, { groups: k, minNodes });
          expectPartitionOf(nodes, groups);
          expect(groups.length).toBeLessThanOrEqual(Math.max(1, k));
          // Every group is connected except where a seedless piece joined it.
          const pieces = connectedComponents(graph, nodes).length;
          const extraPieces = groups.reduce((s, g) => s + piecesOf(graph, g) - 1, 0);
          expect(extraPieces).toBeLessThanOrEqual(Math.max(0, pieces - 1));
          expect(partition(graph, [...nodes].reverse(), { groups: k, minNodes })).toEqual(groups);
        },
      ),
      { numRuns: 150, seed: 20251101 },
    );
  });
});
