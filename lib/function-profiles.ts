// One Lambda per route group, each sized for its work. The figures come from measurements in
// docs/deploy.md ("Sizing"): a container builds its lookup catalog once, single-threaded, at cold
// start (~0.9 s for the 22k-postcode sample on one vCPU, ~8 MB of heap), and a warm lookup takes
// about a millisecond, so memory is chosen for the CPU it buys at cold start, not for RAM.
import type { RouteGroup } from '../functions/http/routes.js';

export interface FunctionProfile {
  /** MB; Lambda gives one full vCPU at 1769 MB and proportionally less below. */
  readonly memoryMb: number;
  /** Must stay below API Gateway's 29 s integration timeout so the function, not the gateway, answers. */
  readonly timeoutSeconds: number;
  /** What the function may do to the table: lookups and analysis only read. */
  readonly tableAccess: 'read' | 'read-write';
  /** Publishes boundary-set events (publish, rollback). */
  readonly publishesEvents: boolean;
  /** May call the Amazon Location place index (postcodes missing from the directory). */
  readonly usesPlaceIndex: boolean;
}

/**
 * Body limit of public routes (`CATCHMENTS_MAX_BODY_BYTES`, 413 above it): bulk lookups of 100
 * items fit comfortably in 16 KB, and WAF inspects up to 16 KB of a body on API Gateway.
 */
export const PUBLIC_MAX_BODY_BYTES = 16_384;

/**
 * Body limit of admin routes (`CATCHMENTS_ADMIN_MAX_BODY_BYTES`): API Gateway would take 10 MB,
 * but Lambda refuses invocation events over 6 MB, and the event wraps the body in headers and
 * context. 5 MB leaves that headroom, so an upload is refused with a clear 413 by the function
 * rather than failing at invocation.
 */
export const ADMIN_MAX_BODY_BYTES = 5_242_880;

export const FUNCTION_PROFILES: Readonly<Record<RouteGroup, FunctionProfile>> = {
  // Cold start is the catalog build: a full vCPU keeps it near the measured ~1 s. A warm lookup is
  // ~1 ms, so at 1769 MB the compute charge per request stays below the per-request charge.
  public: {
    memoryMb: 1769,
    timeoutSeconds: 10,
    tableAccess: 'read',
    publishesEvents: false,
    usesPlaceIndex: true,
  },
  // Uploads, validation and publish: parsing and checking whole layers, rare and interactive.
  admin: {
    memoryMb: 1769,
    timeoutSeconds: 28,
    tableAccess: 'read-write',
    publishesEvents: true,
    usesPlaceIndex: false,
  },
  // Alignment and redraw impact overlay whole layers and re-assign every postcode: the most memory
  // and time the synchronous API allows.
  analysis: {
    memoryMb: 3008,
    timeoutSeconds: 28,
    tableAccess: 'read',
    publishesEvents: false,
    usesPlaceIndex: false,
  },
};
