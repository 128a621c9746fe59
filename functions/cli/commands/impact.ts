// `catchments impact`: what publishing a redraw would change — validation first, then the postcodes
// that change hub, HV patch and CoC team, each hub's caseload proxy before and after, and the
// alignment scores before and after. Two boundary-set folders are compared here, with the pure core
// (functions/core/impact); a draft or version of a running service is compared by the service
// (GET …/draft/impact or …/versions/{v}/impact; POST with a planner's weights and capacities).
// Semantics and the --json schema: docs/impact.md.
import { existsSync, statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FeatureCollection, Point } from 'geojson';
import { readBoundarySetDir } from '../../adapters/boundary-set-files.js';
import { readDirectoryFile } from '../../adapters/directory-file.js';
import {
  computeRedrawImpact,
  DEFAULT_MAX_LISTED,
  DEFAULT_SLIVER_TOLERANCE_M2,
  type HubMovedPostcode,
  type RedrawImpact,
} from '../../core/impact/redraw-impact.js';
import type { Balance, UnitChanges, WeightBalance } from '../../core/impact/unit-changes.js';
import { ADMIN_OPTIONS, adminRequest, adminTarget, withApiErrors } from '../admin-client.js';
import {
  type CliCommand,
  type CommandInput,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  formatTable,
  numberOption,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';
import {
  describeCapacityChanges,
  describeWeights,
  PLANNING_NOTE,
  PLANNING_OPTIONS,
  plannedWeights,
  planningBody,
  readPlanning,
} from '../planning-input.js';

const DIRECTORY_FILES = ['postcodes.csv.gz', 'postcodes.csv'];

function isDir(value: string): boolean {
  return existsSync(value) && statSync(value).isDirectory();
}

/** A version number, or `active` (the --from default of the remote form). */
function versionRef(value: string, option: string): number | 'active' {
  if (value === 'active') return 'active';
  const m = /^v?(\d{1,9})$/.exec(value);
  if (!m || Number(m[1]) < 1) {
    throw new UsageError(
      `--${option} "${value}" is neither a folder nor a version (a number such as 3${option === 'from' ? ', or active' : ''})`,
    );
  }
  return Number(m[1]);
}

function directoryFile(input: CommandInput, dirs: readonly string[]): string {
  const given = stringOption(input, 'postcodes');
  if (given) return given;
  for (const dir of dirs) {
    for (const name of DIRECTORY_FILES) {
      const file = path.join(dir, name);
      if (existsSync(file)) return file;
    }
  }
  throw new UsageError(
    `no postcode directory: neither folder has ${DIRECTORY_FILES.join(' or ')}; name one with --postcodes <csv[.gz]>`,
  );
}

export const impactCommand: CliCommand = {
  name: 'impact',
  summary: 'What a redraw changes: validation, postcodes that move hub, caseloads, alignment before/after',
  options: {
    from: {
      type: 'string',
      valueName: 'version|dir',
      description: 'The current set: a boundary-set folder, or a version of --area (default: active)',
    },
    to: {
      type: 'string',
      valueName: 'draft|dir',
      description: 'The redraw: a boundary-set folder, or "draft" (or a version number) of --area',
    },
    postcodes: {
      type: 'string',
      valueName: 'csv[.gz]',
      description: 'Postcode directory for folders (default: postcodes.csv.gz of --from, else of --to)',
    },
    'max-listed': {
      type: 'string',
      valueName: 'n',
      description: `Moved postcodes listed per layer in --json and --moves (default ${DEFAULT_MAX_LISTED})`,
    },
    threshold: {
      type: 'string',
      valueName: 'share',
      description: 'Share in the best fit that counts as nested, for the alignment scores (default 0.95)',
    },
    'sliver-tolerance': {
      type: 'string',
      valueName: 'm2',
      description: `Catchment overlaps up to this are slivers, not errors (folders; default ${DEFAULT_SLIVER_TOLERANCE_M2})`,
    },
    moves: {
      type: 'string',
      valueName: 'out.geojson',
      description: 'Write the postcodes that change hub as GeoJSON points (open it in QGIS)',
    },
    ...PLANNING_OPTIONS,
    ...ADMIN_OPTIONS,
    json: { type: 'boolean', description: 'Print the full result as JSON (schema in docs/impact.md)' },
  },
  details: `Two folders (the format of data/gloucestershire) are compared on this machine:
  catchments impact --from data/gloucestershire --to my-redraw/
A running service compares its draft (or a version) with the active version (or --from <version>):
  catchments impact --area gloucestershire --to draft
  catchments impact --area gloucestershire --from 3 --to draft --url https://…/prod
  catchments impact --area gloucestershire --from 2 --to 3 --json
${PLANNING_NOTE}
  catchments impact --from data/gloucestershire --to my-redraw/ --weights data/planning/births-per-lsoa-illustrative.csv \\
      --weights-key lsoa --weights-column births --capacity data/planning/hv-patch-capacity-illustrative.csv
Exit codes: 0 the redraw is publishable, 1 validation errors would block publishing, 2 bad usage or input.`,
  async run(input) {
    if (input.positionals.length > 0) throw new UsageError(`unexpected argument "${input.positionals[0]}"`);
    const fromArg = stringOption(input, 'from');
    const toArg = requiredOption(input, 'to');
    const maxListed = numberOption(input, 'max-listed', DEFAULT_MAX_LISTED);
    if (!Number.isInteger(maxListed) || maxListed < 0 || maxListed > 1_000_000) {
      throw new UsageError(`--max-listed must be a whole number from 0 to 1000000, got ${maxListed}`);
    }
    const threshold = numberOption(input, 'threshold', 0.95);
    if (!(threshold > 0 && threshold <= 1))
      throw new UsageError(`--threshold must be in (0, 1], got ${threshold}`);
    const toIsDir = isDir(toArg);
    const fromIsDir = fromArg !== undefined && isDir(fromArg);
    let impact: RedrawImpact;
    if (toIsDir || fromIsDir) {
      if (!toIsDir || !fromIsDir) {
        throw new UsageError(
          'give two boundary-set folders (--from <dir> --to <dir>), or compare on a service (--area <id> --to draft [--from <version>])' +
            (fromArg === undefined ? ': --from is missing' : ''),
        );
      }
      const sliver = numberOption(input, 'sliver-tolerance', DEFAULT_SLIVER_TOLERANCE_M2);
      if (!(sliver >= 0)) throw new UsageError(`--sliver-tolerance must be ≥ 0, got ${sliver}`);
      const [from, to] = await Promise.all([
        readBoundarySetDir(fromArg!, null),
        readBoundarySetDir(toArg, null),
      ]);
      const directory = await readDirectoryFile(directoryFile(input, [fromArg!, toArg]));
      const records = [...directory.records()];
      const planning = await readPlanning(input);
      const weights = plannedWeights(planning, directory, records);
      impact = computeRedrawImpact(from, to, records, {
        maxListed,
        threshold,
        sliverToleranceM2: sliver,
        labels: { from: fromArg!, to: toArg },
        ...(weights ? { weights } : {}),
        ...(planning?.capacity ? { capacity: planning.capacity } : {}),
        ...(planning?.underShare !== undefined ? { underShare: planning.underShare } : {}),
      });
      return report(input, impact);
    }
    const target = adminTarget(input);
    const fromRef = versionRef(fromArg ?? 'active', 'from');
    const query = new URLSearchParams({ maxListed: String(maxListed), threshold: String(threshold) });
    if (fromRef !== 'active') query.set('from', String(fromRef));
    let apiPath: string;
    if (toArg === 'draft') apiPath = `/draft/impact?${query}`;
    else {
      const to = versionRef(toArg, 'to');
      if (to === 'active') throw new UsageError('--to is "draft", a version number or a folder');
      apiPath = `/versions/${to}/impact?${query}`;
    }
    const body = await planningBody(input);
    return withApiErrors(input, async () => {
      const r = body
        ? await adminRequest(target, 'POST', apiPath, {
            body: JSON.stringify(body),
            contentType: 'application/json',
          })
        : await adminRequest(target, 'GET', apiPath);
      return report(input, r.json as RedrawImpact);
    });
  },
};

async function report(input: CommandInput, impact: RedrawImpact): Promise<number> {
  const moves = stringOption(input, 'moves');
  if (moves) await writeFile(moves, `${JSON.stringify(movesGeoJson(impact.hubs.moved))}\n`);
  input.io.stdout.write(flag(input, 'json') ? `${JSON.stringify(impact)}\n` : describeImpact(impact));
  return impact.validation.publishable ? EXIT_OK : EXIT_FINDINGS;
}

/** The moved postcodes as GeoJSON points, for a map. */
export function movesGeoJson(moved: readonly HubMovedPostcode[]): FeatureCollection<Point> {
  return {
    type: 'FeatureCollection',
    features: moved.map(({ lat, lng, ...properties }) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [lng, lat] },
      properties,
    })),
  };
}

const n0 = (x: number) => x.toLocaleString('en-GB');
const w1 = (x: number) => x.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const signedW = (x: number) => (Math.abs(x) < 0.05 ? '0' : x > 0 ? `+${w1(x)}` : `−${w1(-x)}`);
const signed = (x: number) => (x > 0 ? `+${n0(x)}` : x < 0 ? `−${n0(-x)}` : '0');
const pct = (x: number | null) =>
  x === null ? '—' : `${x > 0 ? '+' : x < 0 ? '−' : ''}${Math.abs(x * 100).toFixed(1)}%`;
const score = (x: number | null) => (x === null ? '—' : x.toFixed(3));
const ratio = (x: number | null) => (x === null ? '—' : x.toFixed(2));
const delta = (x: number | null) =>
  x === null ? '—' : Math.abs(x) < 5e-4 ? '0' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(3)}`;

function balanceLine(b: Balance): string {
  if (b.units === 0) return 'no units';
  return (
    `${b.units} units, mean ${Math.round(b.mean)}, min ${n0(b.min!.postcodes)} (${b.min!.id}), ` +
    `max ${n0(b.max!.postcodes)} (${b.max!.id}), max/min ${ratio(b.maxMinRatio)}, CV ${score(b.cv)}`
  );
}

function unitSection(
  title: string,
  noun: string,
  u: Omit<UnitChanges, 'moved'>,
  names: ReadonlyMap<string, string>,
  measure: string | null,
): string[] {
  const out: string[] = [];
  const name = (id: string | null) => (id === null ? `(no ${noun})` : (names.get(id) ?? id));
  out.push(
    `${title}: ${n0(u.changed)} postcode${u.changed === 1 ? '' : 's'} change ${noun} (${n0(u.changedLive)} live)`,
  );
  if (u.matrix.length > 0) {
    out.push('');
    out.push(
      formatTable(
        [
          ['from', 'to', 'postcodes', 'live'],
          ...u.matrix.slice(0, 20).map((f) => [name(f.from), name(f.to), n0(f.postcodes), n0(f.live)]),
        ],
        [2, 3],
      ).trimEnd(),
    );
    if (u.matrix.length > 20) out.push(`(${u.matrix.length - 20} more flows in --json)`);
  }
  const changing = u.units.filter(
    (x) =>
      x.change !== 0 || x.state !== 'kept' || (x.weight !== undefined && Math.abs(x.weight.change) > 1e-9),
  );
  if (changing.length > 0) {
    out.push('');
    out.push(
      `Live postcodes${measure ? ` and ${measure}` : ''} per ${noun} (caseload${measure ? '' : ' proxy'}), ${plural(noun)} that change:`,
    );
    const weighted = measure !== null;
    out.push(
      formatTable(
        [
          [
            noun,
            'name',
            'before',
            'after',
            'change',
            '%',
            ...(weighted ? [`${measure} before`, 'after', 'change'] : []),
          ],
          ...changing
            .slice(0, 30)
            .map((x) => [
              x.state === 'kept' ? x.id : `${x.id} (${x.state})`,
              x.name,
              n0(x.before),
              n0(x.after),
              signed(x.change),
              pct(x.changeShare),
              ...(x.weight ? [w1(x.weight.before), w1(x.weight.after), signedW(x.weight.change)] : []),
            ]),
        ],
        weighted ? [2, 3, 4, 5, 6, 7, 8] : [2, 3, 4, 5],
      ).trimEnd(),
    );
  }
  out.push('');
  out.push(`Balance before: ${balanceLine(u.balance.before)}`);
  out.push(`Balance after:  ${balanceLine(u.balance.after)}`);
  if (u.weighted) {
    out.push(`Balance of ${measure} before: ${weightBalanceLine(u.weighted.balance.before)}`);
    out.push(`Balance of ${measure} after:  ${weightBalanceLine(u.weighted.balance.after)}`);
  }
  if (u.none.before > 0 || u.none.after > 0) {
    out.push(`Live postcodes in no ${noun}: ${n0(u.none.before)} → ${n0(u.none.after)}`);
  }
  if (u.weighted && (u.weighted.none.before > 0 || u.weighted.none.after > 0)) {
    out.push(`${measure} in no ${noun}: ${w1(u.weighted.none.before)} → ${w1(u.weighted.none.after)}`);
  }
  const capacity = u.capacity ? describeCapacityChanges(noun, u.capacity) : [];
  if (capacity.length > 0) out.push('', ...capacity);
  return out;
}

/** hub → hubs, patch → patches. */
function plural(noun: string): string {
  return /(ch|sh|s|x)$/.test(noun) ? `${noun}es` : `${noun}s`;
}

function weightBalanceLine(b: WeightBalance): string {
  if (b.units === 0) return 'no units';
  return (
    `mean ${w1(b.mean)}, min ${w1(b.min!.weight)} (${b.min!.id}), max ${w1(b.max!.weight)} (${b.max!.id}), ` +
    `max/min ${ratio(b.maxMinRatio)}, CV ${score(b.cv)}`
  );
}

/** The readable report: validation first, then hubs (top moves first), patches, teams, alignment. */
export function describeImpact(r: RedrawImpact): string {
  const out: string[] = [];
  const v = r.validation;
  out.push(`Redraw impact for ${r.area}: ${r.from.label} → ${r.to.label}`);
  out.push('');
  out.push(
    `Validation: ${v.publishable ? 'PUBLISHABLE' : 'NOT publishable'} — ${v.errors} error(s), ${v.warnings} warning(s)`,
  );
  if (v.coverage) {
    out.push(
      `  the catchments cover ${(v.coverage.coveredShare * 100).toFixed(2)}% of the outline; ` +
        `${Math.round(v.coverage.uncoveredAreaM2)} m² in no catchment, ${Math.round(v.coverage.overlapAreaM2)} m² of overlaps`,
    );
  }
  const listed = [...v.problems]
    .sort((a, b) => (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1))
    .slice(0, 15);
  for (const p of listed)
    out.push(`  - ${p.severity} [${p.kind}]${p.feature ? ` ${p.feature}:` : ''} ${p.message}`);
  if (v.problems.length > listed.length) out.push(`  … ${v.problems.length - listed.length} more (--json)`);
  if (r.weights) {
    out.push('');
    out.push(...describeWeights(r.weights));
  }
  if (r.capacity && r.capacity.unknown.length > 0) {
    out.push(
      `Capacity rows naming no hub, patch or team (not used): ${r.capacity.unknown.map((e) => `row ${e.row} ${e.unit}`).join(', ')}`,
    );
  }
  const p = r.postcodes;
  out.push('');
  out.push(
    `Postcodes compared: ${n0(p.located)} located (${n0(p.live)} live, ${n0(p.terminated)} terminated)` +
      (p.withoutLocation > 0 ? `; ${n0(p.withoutLocation)} without a location skipped` : '') +
      `; in gaps ${n0(p.before.gap)} → ${n0(p.after.gap)}, outside ${n0(p.before.outside)} → ${n0(p.after.outside)}, ` +
      `on a shared boundary ${n0(p.before.boundary)} → ${n0(p.after.boundary)}`,
  );
  out.push('');
  const hubNames = new Map(r.hubs.units.map((u) => [u.id, u.name]));
  const measure = r.weights?.column ?? null;
  out.push(...unitSection('Hubs', 'hub', r.hubs, hubNames, measure));
  if (r.hubs.largestChange) {
    const c = r.hubs.largestChange;
    out.push(`Largest change: ${c.name} ${signed(c.change)} (${pct(c.changeShare)})`);
  }
  for (const [title, noun, u] of [
    ['HV patches', 'patch', r.hvPatches],
    ['CoC teams', 'team', r.cocTeams],
  ] as const) {
    if (!u) continue;
    out.push('');
    out.push(...unitSection(title, noun, u, new Map(u.units.map((x) => [x.id, x.name])), measure));
  }
  if (r.alignment) {
    const a = r.alignment;
    out.push('');
    out.push(
      `Alignment (coterminosity, weighted by ${measure ?? a.after.basis}; 1 = the layers nest or match):`,
    );
    out.push(
      formatTable(
        [
          ['layers', 'before', 'after', 'change'],
          ...a.pairs.map((x) => [`${x.a} ↔ ${x.b}`, score(x.before), score(x.after), delta(x.change)]),
          [
            'three-way agreement',
            score(a.agreement.before),
            score(a.agreement.after),
            delta(a.agreement.change),
          ],
        ],
        [1, 2, 3],
      ).trimEnd(),
    );
  }
  if (r.hubs.moved.length > 0) {
    const shown = r.hubs.moved.slice(0, 25);
    out.push('');
    out.push(`Postcodes that change hub (${shown.length} of ${n0(r.hubs.changed)}, largest flows first):`);
    out.push(
      formatTable(
        [
          ['postcode', 'from', 'to', 'lat', 'lng', 'status'],
          ...shown.map((m) => [
            m.postcode,
            m.fromHub ?? '(none)',
            m.toHub ?? '(none)',
            m.lat.toFixed(6),
            m.lng.toFixed(6),
            m.status,
          ]),
        ],
        [3, 4],
      ).trimEnd(),
    );
    if (r.hubs.changed > shown.length) out.push('(every one with --json or --moves, up to --max-listed)');
  }
  return `${out.join('\n')}\n`;
}
