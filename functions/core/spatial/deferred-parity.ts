// The full ray-crossing parities a PolygonIndex build needs (one per leaf entry, at the leaf's centre),
// answered in batches instead of one at a time.
//
// Asked one at a time, each parity reads every edge of the feature spanning the centre's latitude. For
// ordinary boundaries that is a handful, but for long thin edges (a star, a sawtooth, issue 15) it is
// most of the feature at every one of hundreds of thousands of leaves: a star of 8,000 vertices took
// 19 s to index, a 25,000-tooth sawtooth 145 s. Each leaf asks at a latitude that many leaves share
// (polygon-index.ts `coarsestDyadicIn`), so the build records its questions here and they are answered
// grouped by (latitude, feature part): one pass over the slab at that latitude answers them all
// (FeatureSlabs.crossingCounts). Term for term the answer is the float expression of
// `FeatureSlabs.parity` (the same abscissae, compared with the same `<`), so the index stays exact.
import { type FeatureSlabs, FloatList, IntList } from './feature-slabs.js';

export class DeferredParities {
  private readonly word = new IntList(1024);
  private readonly feature = new IntList(1024);
  private readonly lo = new IntList(1024);
  private readonly hi = new IntList(1024);
  private readonly px = new FloatList(1024);
  private readonly py = new FloatList(1024);

  /** `checkpoint` is called between groups of questions (it may throw to abandon the build). */
  constructor(
    private readonly exact: FeatureSlabs,
    private readonly checkpoint: () => void,
  ) {}

  /** Asks for `exact.parity(f, lo, hi, px, py)`, to be XORed into bit 0 of word `word` by `resolveInto`. */
  add(word: number, f: number, lo: number, hi: number, px: number, py: number): void {
    this.word.push(word);
    this.feature.push(f);
    this.lo.push(lo);
    this.hi.push(hi);
    this.px.push(px);
    this.py.push(py);
  }

  get size(): number {
    return this.word.length;
  }

  /** Answers every question: out[word] ^= parity. */
  resolveInto(out: Int32Array): void {
    const n = this.word.length;
    const py = this.py.data;
    const px = this.px.data;
    const feature = this.feature.data;
    const lo = this.lo.data;
    // Grouped by (latitude, feature, part), and by abscissa within a group.
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => py[a]! - py[b]! || feature[a]! - feature[b]! || lo[a]! - lo[b]! || px[a]! - px[b]!);
    let sortedPx = new Float64Array(64);
    let beyond = new Int32Array(65);
    for (let g = 0; g < n; ) {
      this.checkpoint();
      // One part's questions at one latitude, px ascending: order[g .. end).
      const first = order[g]!;
      const y = py[first]!;
      const f = feature[first]!;
      const partLo = lo[first]!;
      let end = g + 1;
      while (end < n && py[order[end]!] === y && feature[order[end]!] === f && lo[order[end]!] === partLo)
        end++;
      const m = end - g;
      if (sortedPx.length < m) {
        sortedPx = new Float64Array(2 * m);
        beyond = new Int32Array(2 * m + 1);
      }
      for (let j = 0; j < m; j++) sortedPx[j] = px[order[g + j]!]!;
      this.exact.crossingCounts(f, partLo, this.hi.data[first]!, y, sortedPx, m, beyond);
      for (let j = 0; j < m; j++) out[this.word.data[order[g + j]!]!]! ^= beyond[j]! & 1;
      g = end;
    }
  }
}
