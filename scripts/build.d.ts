// Types of scripts/build.js (plain JavaScript so it runs without a TypeScript loader).
export declare const DIST: string;
export declare function isBuildFresh(): boolean;
export declare function buildDist(): Promise<{ ms: number; inputs: number; outputs: string[] }>;
