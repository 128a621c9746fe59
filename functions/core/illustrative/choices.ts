// Fixed, reproducible "random" choices for the illustrative data sets (the Gloucestershire sample
// area and the national sample): a choice depends only on its key, never on Math.random, the clock
// or the order other choices were made in, so the generated files are byte-identical on every run.

/** FNV-1a, 32 bit: a fixed, dependency-free hash so choices do not shift when sites are added. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A fixed pseudo-random order of `items` for `key`: stable when other items are added. */
export function rankByHash<T extends string>(key: string, items: readonly T[]): T[] {
  return [...items].sort((a, b) => fnv1a(`${key}:${a}`) - fnv1a(`${key}:${b}`) || compareCodeUnits(a, b));
}

/** One of `options`, fixed for `key`. */
export function pickByHash<T>(key: string, options: readonly T[]): T {
  return options[fnv1a(key) % options.length]!;
}

/** Code-unit order, not locale order: the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
