// What the planner shows of a redraw: the impact report (GET …/draft/impact: postcodes that change
// hub, the from -> to table, caseload per hub before and after, HV patch and CoC team changes,
// alignment scores) and alignment results (GET …/draft/alignment, …/versions/{v}/alignment). The
// report types are the service's own (docs/impact.md, docs/alignment.md); this module picks what the
// panels show. Pure (no DOM): test/unit/web-format.test.ts runs it on a real report.
import type { FeatureCollection, Geometry } from 'geojson';
import type { RedrawImpact } from '../../../functions/core/impact/redraw-impact.js';
import type { Balance, UnitChanges } from '../../../functions/core/impact/unit-changes.js';
import type { AlignmentCapacity } from '../../../functions/core/weights/capacity.js';
import type { AlignmentFix, AlignmentResult } from './types.js';

export type { RedrawImpact };

export interface MovedPostcode {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly fromHub: string | null;
  readonly toHub: string | null;
}

export interface Flow {
  readonly from: string | null;
  readonly to: string | null;
  readonly postcodes: number;
}

export interface Caseload {
  readonly id: string;
  readonly name: string;
  /** Live postcodes served before and after (the caseload proxy). */
  readonly before: number;
  readonly after: number;
}

export interface BalanceFigures {
  readonly max: number;
  readonly min: number;
  /** max / min; null when the smallest has none. */
  readonly ratio: number | null;
}

export interface UnitSummary {
  readonly layer: 'hv-patches' | 'coc-teams';
  /** Postcodes whose patch (team) changes. */
  readonly postcodes: number;
  readonly flows: readonly Flow[];
}

export interface ScorePair {
  /** `a:b`, e.g. `hv-patches:coc-teams`. */
  readonly pair: string;
  /** Coterminosity before and after (null when a set lacks a layer). */
  readonly before: number | null;
  readonly after: number | null;
}

export interface ImpactView {
  /** Located postcodes whose hub changes (live and terminated, as the history counts them). */
  readonly movedCount: number;
  /** The moved postcodes the report lists (at most its maxListed: see `truncated`). */
  readonly moved: readonly MovedPostcode[];
  readonly truncated: boolean;
  readonly flows: readonly Flow[];
  /** Every hub of either set, by id. */
  readonly caseload: readonly Caseload[];
  readonly balance: { readonly before: BalanceFigures | null; readonly after: BalanceFigures | null };
  readonly units: readonly UnitSummary[];
  readonly alignment: readonly ScorePair[];
  /** Three-way agreement before and after (null without all three layers). */
  readonly agreement: { readonly before: number | null; readonly after: number | null } | null;
  readonly publishable: boolean;
}

function balance(b: Balance): BalanceFigures | null {
  return b.max && b.min ? { max: b.max.postcodes, min: b.min.postcodes, ratio: b.maxMinRatio } : null;
}

function flows(changes: Pick<UnitChanges, 'matrix'>): Flow[] {
  return changes.matrix.map((f) => ({ from: f.from, to: f.to, postcodes: f.postcodes }));
}

/** The panels' view of an impact report. */
export function readImpact(report: RedrawImpact): ImpactView {
  const hubs = report.hubs;
  const units: UnitSummary[] = [];
  if (report.hvPatches)
    units.push({ layer: 'hv-patches', postcodes: report.hvPatches.changed, flows: flows(report.hvPatches) });
  if (report.cocTeams)
    units.push({ layer: 'coc-teams', postcodes: report.cocTeams.changed, flows: flows(report.cocTeams) });
  return {
    movedCount: hubs.changed,
    moved: hubs.moved.map((m) => ({
      postcode: m.postcode,
      lat: m.lat,
      lng: m.lng,
      fromHub: m.fromHub,
      toHub: m.toHub,
    })),
    truncated: hubs.movedTruncated,
    flows: flows(hubs),
    caseload: hubs.units
      .map((u) => ({ id: u.id, name: u.name, before: u.before, after: u.after }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    balance: { before: balance(hubs.balance.before), after: balance(hubs.balance.after) },
    units,
    alignment: (report.alignment?.pairs ?? []).map((p) => ({
      pair: `${p.a}:${p.b}`,
      before: p.before,
      after: p.after,
    })),
    agreement: report.alignment
      ? { before: report.alignment.agreement.before, after: report.alignment.agreement.after }
      : null,
    publishable: report.validation.publishable,
  };
}

/** What GET …/alignment answers (functions/application/analysis-service.ts `AlignmentView`), as read here. */
export interface AlignmentAnswer {
  readonly alignment: AlignmentResult;
  /** With a capacity file (POST …/alignment): caseload against capacity of both layers; else null. */
  readonly capacity?: AlignmentCapacity | null;
}

export interface AlignmentView {
  /** The active version's alignment (null when there is none, or it could not be read). */
  readonly before: AlignmentResult | null;
  /** The draft's. */
  readonly after: AlignmentResult | null;
}

/** The misaligned fragments of a result, ready to draw (features without geometry dropped). */
export function fragmentsOf(result: AlignmentResult | null): FeatureCollection<Geometry> {
  const features = (result?.fragments.features ?? []).filter((f) => f.geometry !== null);
  return { type: 'FeatureCollection', features: features as FeatureCollection<Geometry>['features'] };
}

/** The pieces a fix moves, as features (for "show on map"). */
export function fixGeometry(fix: AlignmentFix): FeatureCollection<Geometry> {
  return {
    type: 'FeatureCollection',
    features: fix.moves
      .filter((m) => m.geometry !== null)
      .map((m) => ({
        type: 'Feature' as const,
        geometry: m.geometry!,
        properties: { from: m.from, to: m.to },
      })),
  };
}
