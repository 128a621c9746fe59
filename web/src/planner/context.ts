// What every part of the planner works on, passed explicitly (no module-level mutable state): the
// API client, the map and its layer controls, the page's status line, and the planner's state —
// the area, its active version and layers, the signed-in session, the draft and what was learnt
// about it. `reload` lets a panel ask for the active version or the admin views to be re-read
// without importing the parts that do it (publish and rollback re-read both).
import type { FeatureCollection } from 'geojson';
import type { DraftMeta, HistoryView, ValidationView } from '../lib/admin-types.js';
import type { Api } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import type { AlignmentView, ImpactView } from '../lib/impact.js';
import type { MapInstance } from '../lib/map.js';
import type { PlanningBody } from '../lib/planning.js';
import type { WebConfigShape } from '../lib/types.js';
import type { LayerControls } from './layers.js';

export interface AreaSummary {
  readonly id: string;
  readonly name: string;
  readonly illustrative: boolean;
  readonly version: number | null;
  readonly counts: {
    readonly hubs: number;
    readonly spokes: number;
    readonly hvPatches: number;
    readonly cocTeams: number;
  };
}

export interface PlannerState {
  areas: AreaSummary[];
  /** The area being planned (its id). */
  area: string;
  /** Its active version, null when nothing is published. */
  active: number | null;
  /** The active version's layers as loaded, to tell which draft features changed. */
  readonly activeLayers: Map<string, FeatureCollection>;
  /** Names of hubs, spokes, patches and teams by id, for tables and popups. */
  readonly names: Map<string, string>;
  catchmentIds: string[];
  /** The admin token of this tab (sessionStorage), null when signed out. */
  token: string | null;
  /** Sent as X-Author for the history. */
  author: string;
  draft: DraftMeta | null;
  /** The layer last uploaded to the draft (drawn as "changed"). */
  draftLayer: string;
  validation: ValidationView | null;
  impact: ImpactView | null;
  impactError: string | null;
  alignment: AlignmentView | null;
  /** The planner's weights and capacities, sent with each impact and alignment request; null for none. */
  planning: PlanningBody | null;
  history: HistoryView | null;
}

export interface PlannerContext {
  readonly config: WebConfigShape;
  readonly api: Api;
  /** Null where the browser cannot draw WebGL maps: every panel still works. */
  readonly map: MapInstance | null;
  readonly layers: LayerControls;
  readonly state: PlannerState;
  readonly reload: {
    readonly active: () => Promise<void>;
    readonly admin: () => Promise<void>;
  };
}

export const TOKEN_KEY = 'catchments.adminToken';
export const AUTHOR_KEY = 'catchments.author';

export function initialState(): PlannerState {
  return {
    areas: [],
    area: '',
    active: null,
    activeLayers: new Map(),
    names: new Map(),
    catchmentIds: [],
    token: sessionStorage.getItem(TOKEN_KEY),
    author: localStorage.getItem(AUTHOR_KEY) ?? '',
    draft: null,
    draftLayer: 'catchments',
    validation: null,
    impact: null,
    impactError: null,
    alignment: null,
    planning: null,
    history: null,
  };
}

/** The page's status line (a polite live region). */
export function say(message: string): void {
  byId('planner-status').textContent = message;
}

export function areaPath(state: PlannerState): string {
  return `/v1/admin/areas/${encodeURIComponent(state.area)}`;
}

export function areaName(state: PlannerState): string {
  return state.areas.find((a) => a.id === state.area)?.name ?? state.area;
}

export function adminHeaders(state: PlannerState): Record<string, string> {
  return state.author ? { 'X-Author': state.author } : {};
}

/** A hub's, patch's or team's name from its id ("no hub" for none). */
export function nameOf(state: PlannerState, id: unknown): string {
  if (id === null || id === undefined || id === '') return 'no hub';
  return state.names.get(String(id)) ?? String(id);
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The analysis API (functions/handlers/analysis-api.ts, docs/impact.md): one place for its paths. */
export const ANALYSIS = {
  impact: (area: string) => `/v1/admin/areas/${area}/draft/impact`,
  draftAlignment: (area: string, query: string) => `/v1/admin/areas/${area}/draft/alignment?${query}`,
  versionAlignment: (area: string, version: number, query: string) =>
    `/v1/admin/areas/${area}/versions/${version}/alignment?${query}`,
};
