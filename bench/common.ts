// Shared helpers for the benchmarks: seeded randomness, the real-data folder, machine facts,
// timing and tables. Benchmarks check correctness before they time anything and are never a CI gate.
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';

/** mulberry32: a small, fast, seeded PRNG so every run samples the same points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The real open data folder (CATCHMENTS_REAL_DATA); benchmarks need it and say so if missing. */
export function realDataDir(): string {
  const dir = process.env.CATCHMENTS_REAL_DATA;
  if (!dir || !existsSync(dir)) {
    console.error(
      'Set CATCHMENTS_REAL_DATA to the shared data folder (e.g. ../shared/data) to run the benchmarks.',
    );
    process.exit(2);
  }
  return path.resolve(dir);
}

export function machineSummary(): string {
  const cpu = cpus();
  return `Node ${process.version} · ${process.platform}/${process.arch} · ${cpu.length} × ${cpu[0]?.model ?? 'cpu'} · ${(totalmem() / 2 ** 30).toFixed(0)} GiB`;
}

export function heapUsedMB(): number {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Runs fn repeatedly for at least minMs after a warm-up; returns operations per second. */
export function opsPerSecond(fn: () => void, opsPerCall: number, minMs = 1500): number {
  const warmUntil = performance.now() + Math.min(300, minMs / 4);
  while (performance.now() < warmUntil) fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    fn();
    calls++;
    elapsed = performance.now() - start;
  }
  return (calls * opsPerCall) / (elapsed / 1000);
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)} k/s`;
  return `${perSecond.toFixed(1)} /s`;
}

export function printTable(title: string, rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const fmt = (r: readonly string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(`\n### ${title}\n`);
  console.log(fmt(rows[0]!));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const r of rows.slice(1)) console.log(fmt(r));
}
