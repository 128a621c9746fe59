// How every Lambda bundle is built, as plain data shared by the CDK functions
// (lib/constructs/service-function.ts) and scripts/measure-bundles.ts, so the bundles we measure
// are built exactly as the ones we deploy.

/** esbuild target: the Lambda runtime's Node.js major (the functions run on nodejs22.x). */
export const ESBUILD_TARGET = 'node22';

/**
 * Prefer packages' ES module builds: esbuild can only tree-shake ESM, which is what keeps whole
 * libraries (all of turf, every AWS SDK command) out of the lookup bundle.
 */
export const MAIN_FIELDS: readonly string[] = ['module', 'main'];

/**
 * ESM output has no `require`; the few CommonJS dependencies that call it for Node built-ins get
 * one made from `import.meta.url`.
 */
export const ESM_BANNER =
  "import{createRequire as __catchmentsRequire}from'node:module';const require=__catchmentsRequire(import.meta.url);";

/**
 * Nothing is external: the AWS SDK v3 clients are bundled (and tree-shaken) rather than taken from
 * the runtime, so the deployed code runs the SDK version we test and measure, and cold start does
 * not resolve hundreds of unminified files from /var/runtime.
 */
export const EXTERNAL_MODULES: readonly string[] = [];

/** Bundle file name inside each function's asset (ESM output). */
export const BUNDLE_FILE = 'index.mjs';
