// Types for the part of `dynalite` (CommonJS, ships no types) the tests and benchmarks use: it
// returns a node:http Server speaking the DynamoDB API, in memory unless `path` is given.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    readonly path?: string;
    readonly createTableMs?: number;
    readonly deleteTableMs?: number;
    readonly updateTableMs?: number;
    readonly maxItemSizeKb?: number;
  }
  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
