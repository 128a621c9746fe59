// A planner's weights and capacities on the map page (docs/impact.md, "Weights and capacity"): the
// request body the analysis POST routes take, the weights file's header (for the column choosers),
// and what the impact panel shows of an answer: caseload against capacity per layer with the
// over/under flags, and the weights rows that could not be placed. The service reads and checks the
// files (one CSV module, functions/adapters/csv.ts); the page only reads the header to offer the
// columns. Pure (no DOM): test/unit/web-planning.test.ts runs it.
import type { CapacityChanges } from '../../../functions/core/impact/capacity-changes.js';
import type { RedrawImpact } from '../../../functions/core/impact/redraw-impact.js';
import type { LoadFlag } from '../../../functions/core/weights/capacity.js';
import type { WeightsReport } from '../../../functions/core/weights/resolve.js';

/** What the weights rows are keyed by (functions/core/weights/weights-table.ts WEIGHT_KEYS). */
export const WEIGHT_KEYS = ['postcode', 'lsoa', 'oa', 'lsoa11', 'oa11', 'lsoa21', 'oa21'] as const;

/** The body of POST …/impact and …/alignment (functions/handlers/planning-request.ts). */
export interface PlanningBody {
  readonly weights?: {
    readonly csv: string;
    readonly key: string;
    readonly column: string;
    readonly keyColumn?: string;
  };
  readonly capacity?: { readonly csv: string };
  /** Share of its capacity below which a unit is flagged under (the service's default: 0.8). */
  readonly underShare?: number;
}

const DELIMITERS = [',', ';', '\t'] as const;

/**
 * The column names of a CSV's first line, for the choosers: BOM dropped, the delimiter the service
 * would detect (the one of `,` `;` tab that splits the header most), double quotes undone.
 */
export function csvHeader(text: string): string[] {
  const line = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r?\n/, 1)[0] ?? '';
  const delimiter = DELIMITERS.reduce((best, d) =>
    splitQuoted(line, d).length > splitQuoted(line, best).length ? d : best,
  );
  return splitQuoted(line, delimiter)
    .map((cell) => cell.trim())
    .filter((cell) => cell !== '');
}

function splitQuoted(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** The key a header suggests (`lsoa11` for a column `LSOA11CD`, `postcode` for `pcds`), else null. */
export function guessKey(header: readonly string[]): (typeof WEIGHT_KEYS)[number] | null {
  const names = header.map((h) => h.toLowerCase().replace(/[^a-z0-9]/g, ''));
  if (names.some((n) => ['postcode', 'pcd', 'pcds', 'pcd7', 'pcd8'].includes(n))) return 'postcode';
  for (const key of ['lsoa11', 'lsoa21', 'oa11', 'oa21', 'lsoa', 'oa'] as const)
    if (names.some((n) => n === key || n === `${key}cd`)) return key;
  return null;
}

/** The first column that is not the key's: the counts, as a default. */
export function guessColumn(header: readonly string[], key: string | null): string | null {
  const keyLike = (h: string) => {
    const n = h.toLowerCase().replace(/[^a-z0-9]/g, '');
    return key !== null && (n === key || n === `${key}cd` || (key === 'postcode' && n.startsWith('pcd')));
  };
  return header.find((h) => !keyLike(h)) ?? null;
}

export interface LoadCell {
  /** Caseload in the report's measure (weights or live postcodes). */
  readonly caseload: number;
  readonly share: number;
  readonly flag: LoadFlag;
}

export interface CapacityRow {
  readonly id: string;
  readonly name: string;
  readonly state: 'kept' | 'added' | 'removed';
  readonly capacity: number;
  readonly before: LoadCell | null;
  readonly after: LoadCell | null;
}

export interface LayerCapacityView {
  readonly layer: 'catchments' | 'hv-patches' | 'coc-teams';
  readonly measure: string;
  readonly underShare: number;
  /** Flagged (over or under) before or after, or whose caseload changes, flagged first. */
  readonly rows: readonly CapacityRow[];
  /** Units with a capacity that are within it and unchanged (not listed). */
  readonly quiet: number;
  readonly withoutCapacity: number;
  readonly over: { readonly before: number; readonly after: number };
  readonly under: { readonly before: number; readonly after: number };
}

const flagged = (r: CapacityRow) =>
  (r.before !== null && r.before.flag !== 'within') || (r.after !== null && r.after.flag !== 'within');
const changes = (r: CapacityRow) => r.before?.caseload !== r.after?.caseload;

function layerView(layer: LayerCapacityView['layer'], c: CapacityChanges): LayerCapacityView {
  const all: CapacityRow[] = c.units.map((u) => ({
    id: u.id,
    name: u.name,
    state: u.state,
    capacity: u.capacity,
    before: u.before,
    after: u.after,
  }));
  // Over after first (what needs acting on), then the rest flagged, then changed; each by id.
  const rank = (r: CapacityRow) => (r.after?.flag === 'over' ? 0 : flagged(r) ? 1 : 2);
  const rows = all.filter((r) => flagged(r) || changes(r)).sort((a, b) => rank(a) - rank(b));
  return {
    layer,
    measure: c.measure,
    underShare: c.underShare,
    rows,
    quiet: all.length - rows.length,
    withoutCapacity: c.withoutCapacity.length,
    over: c.over,
    under: c.under,
  };
}

/** Caseload against capacity per layer of an impact answer (none without a capacity file). */
export function readCapacity(report: RedrawImpact): LayerCapacityView[] {
  const out: LayerCapacityView[] = [];
  if (report.hubs.capacity) out.push(layerView('catchments', report.hubs.capacity));
  if (report.hvPatches?.capacity) out.push(layerView('hv-patches', report.hvPatches.capacity));
  if (report.cocTeams?.capacity) out.push(layerView('coc-teams', report.cocTeams.capacity));
  return out;
}

export interface WeightsSummary {
  readonly column: string;
  readonly rows: number;
  readonly total: number;
  readonly matched: { readonly rows: number; readonly weight: number; readonly postcodes: number };
  readonly unmatched: { readonly rows: number; readonly weight: number };
  /** Reasons with at least one row, most rows first: `[reason, rows, weight]`. */
  readonly reasons: readonly (readonly [string, number, number])[];
  readonly listed: WeightsReport['unmatched']['listed'];
}

export function readWeights(report: WeightsReport): WeightsSummary {
  const reasons = Object.entries(report.unmatched.byReason)
    .filter(([, r]) => r.rows > 0)
    .sort((a, b) => b[1].rows - a[1].rows)
    .map(([reason, r]) => [reason, r.rows, r.weight] as const);
  return {
    column: report.column,
    rows: report.rows,
    total: report.total,
    matched: report.matched,
    unmatched: { rows: report.unmatched.rows, weight: report.unmatched.weight },
    reasons,
    listed: report.unmatched.listed,
  };
}

/** A weight or caseload: whole numbers as counts, others to one decimal ("192.7"). */
export function formatWeight(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
}
