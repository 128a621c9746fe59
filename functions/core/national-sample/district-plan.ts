// The illustrative family hub network of one district, planned on its 2011 LSOAs and its postcodes:
// which LSOAs make each hub catchment, HV patch and Continuity of Carer (CoC) team, where the hubs and
// spokes sit, and the one deliberate patch/team misalignment. Geometry and the published shapes are
// made from the plan by district-area.ts. The rules are written down in data/README.md.
//
// - Hubs: about one per HUB_POPULATION people, counting PEOPLE_PER_POSTCODE people a postcode,
//   between MIN_HUBS and MAX_HUBS a district. Catchments are grown over LSOA adjacency (partition.ts),
//   at least two LSOAs each where the district allows, so that each can be split into HV patches.
// - Hub site: the postcode nearest its catchment's postcode-weighted centre; spokes (1-3 a hub, fixed
//   per hub id) in the catchment's LSOAs farthest from the hub and each other, each at the postcode
//   nearest its LSOA's centre. A site is only ever placed on a postcode strictly inside one LSOA, so
//   it lies inside its own catchment and on no boundary.
// - HV patches: 2 contiguous subdivisions of each catchment, 3 for catchments of THREE_PATCH_POSTCODES
//   or more (fewer when the catchment has fewer LSOAs).
// - CoC teams: contiguous groups of neighbouring catchments, about one a TEAM_HUBS hubs, so every
//   patch lies in one team — except one LSOA per district of two or more teams, moved to the
//   neighbouring team on purpose so that alignment checks have something to find.
//
// Numbering is north to south. Pure and deterministic: the same inputs give the same plan.
import { compareCodeUnits, fnv1a, rankByHash } from '../illustrative/choices.js';
import {
  catchmentGraph,
  type DistrictInput,
  type LocalProjection,
  localProjection,
  lsoaGraph,
  northFirstCentre,
  type PlanLsoa,
  type PlanPostcode,
} from './district-graph.js';
import { connectedComponents, partition, type RegionGraph } from './partition.js';

export type { DistrictInput, PlanLsoa, PlanPostcode } from './district-graph.js';

/** People a hub serves (the brief says one per ~15-25k). */
export const HUB_POPULATION = 20_000;
/** England's 56.5 M people (2021 census) over the ~1.49 M postcodes located in its LSOAs. */
export const PEOPLE_PER_POSTCODE = 38;
export const MIN_HUBS = 3;
export const MAX_HUBS = 12;
/** Catchments with at least this many postcodes get three HV patches, the others two. */
export const THREE_PATCH_POSTCODES = 600;
/** About one CoC team for this many hubs. */
export const TEAM_HUBS = 3;

export interface PlannedSite {
  readonly id: string;
  readonly name: string;
  /** Index into the input postcodes. */
  readonly postcode: number;
}

export interface PlannedHub extends PlannedSite {
  readonly number: number;
  /** LSOA indexes of the catchment, ascending. */
  readonly lsoas: readonly number[];
  /** Postcodes located in the catchment. */
  readonly load: number;
  readonly spokes: readonly PlannedSite[];
}

export interface PlannedUnit {
  readonly id: string;
  readonly name: string;
  readonly lsoas: readonly number[];
}

export interface PlannedPatch extends PlannedUnit {
  readonly hubId: string;
}

export interface PlannedTeam extends PlannedUnit {
  /** Hubs whose catchments make up the team (before the deliberate misalignment). */
  readonly hubIds: readonly string[];
}

/** One LSOA whose CoC team differs from the team of the rest of its HV patch. */
export interface Misalignment {
  readonly lsoa: number;
  readonly patchId: string;
  readonly fromTeam: string;
  readonly toTeam: string;
}

export interface DistrictPlan {
  readonly code: string;
  /** The district's name, from its LSOA names. */
  readonly name: string;
  /** The area id: the LAD code and the name as a slug, e.g. `e07000078-cheltenham`. */
  readonly areaId: string;
  readonly hubs: readonly PlannedHub[];
  readonly patches: readonly PlannedPatch[];
  readonly teams: readonly PlannedTeam[];
  readonly misalignments: readonly Misalignment[];
  /** Connected pieces of the district's LSOA graph (rivers and estuaries cut some districts in two). */
  readonly pieces: number;
}

/** The district's plan, or an Error naming the district when it cannot have one. */
export function planDistrict(input: DistrictInput): DistrictPlan {
  const { code, lsoas, postcodes } = input;
  if (lsoas.length === 0) throw new Error(`District ${code} has no LSOAs`);
  const name = districtName(code, lsoas);
  const lad = code.toLowerCase();
  const geo = localProjection(lsoas, postcodes);
  const graph = lsoaGraph(lsoas, postcodes, geo);
  const all = lsoas.map((_, i) => i);
  const byLsoa = postcodesByLsoa(lsoas.length, postcodes);
  const loadOf = (nodes: readonly number[]) => nodes.reduce((s, v) => s + graph.weight[v]!, 0);

  // --- Catchments, then the hub sites that number them north to south.
  const total = postcodes.filter((p) => p.lsoa >= 0).length;
  const wanted = clamp(Math.round((total * PEOPLE_PER_POSTCODE) / HUB_POPULATION), MIN_HUBS, MAX_HUBS);
  const catchments = partition(graph, all, { groups: wanted, minNodes: 2 });
  const sited = catchments.map((nodes) => {
    const candidates = nodes.flatMap((v) => byLsoa[v]!.filter((p) => postcodes[p]!.clean));
    if (candidates.length === 0) {
      throw new Error(
        `District ${code}: a catchment of ${nodes.length} LSOAs has no postcode to site its hub`,
      );
    }
    const [cx, cy] = meanOf(candidates.map((p) => geo.xy(postcodes[p]!)));
    return { nodes, site: nearestPostcode(candidates, cx, cy, postcodes, geo) };
  });
  sited.sort((a, b) => northFirst(postcodes[a.site]!, postcodes[b.site]!));

  const hubs: PlannedHub[] = sited.map(({ nodes, site }, i) => {
    const number = i + 1;
    const id = `hub-${lad}-${String(number).padStart(2, '0')}`;
    const hubName = `${name} Family Hub ${number}`;
    return {
      id,
      name: hubName,
      number,
      postcode: site,
      lsoas: nodes,
      load: loadOf(nodes),
      spokes: placeSpokes(id, hubName, nodes, site, byLsoa, postcodes, geo),
    };
  });

  // --- HV patches: each catchment split again, numbered north to south within it.
  const patches: PlannedPatch[] = [];
  for (const hub of hubs) {
    const groups = hub.load >= THREE_PATCH_POSTCODES ? 3 : 2;
    const parts = partition(graph, hub.lsoas, { groups });
    parts.sort((a, b) => northFirstCentre(graph, a, b));
    parts.forEach((lsoaList, j) => {
      patches.push({
        id: `hv-${lad}-${String(hub.number).padStart(2, '0')}-${j + 1}`,
        name: `${name} ${hub.number} HV patch ${j + 1}`,
        hubId: hub.id,
        lsoas: lsoaList,
      });
    });
  }

  // --- CoC teams: neighbouring catchments grouped, then one deliberate misalignment.
  const hubOfLsoa = new Int32Array(lsoas.length);
  hubs.forEach((h, i) => {
    for (const v of h.lsoas) hubOfLsoa[v] = i;
  });
  const hubGraph = catchmentGraph(graph, hubs, hubOfLsoa);
  const teamGroups = partition(
    hubGraph,
    hubs.map((_, i) => i),
    {
      groups: Math.max(1, Math.round(hubs.length / TEAM_HUBS)),
      minNodes: 2,
    },
  );
  teamGroups.sort((a, b) => northFirstCentre(hubGraph, a, b));
  const teamOfLsoa = new Int32Array(lsoas.length);
  const teamBase = teamGroups.map((hubIndexes, t) => {
    const letter = teamLetter(t);
    for (const h of hubIndexes) for (const v of hubs[h]!.lsoas) teamOfLsoa[v] = t;
    return {
      id: `coc-${lad}-${letter.toLowerCase()}`,
      name: `${name} Continuity of Carer team ${letter}`,
      hubIds: hubIndexes.map((h) => hubs[h]!.id),
    };
  });
  const misalignments: Misalignment[] = [];
  if (teamBase.length >= 2) {
    const siteLsoas = new Set(hubs.flatMap((h) => [h, ...h.spokes]).map((s) => postcodes[s.postcode]!.lsoa));
    const move = chooseMisalignment(code, graph, siteLsoas, patches, teamOfLsoa);
    if (move) {
      misalignments.push({
        lsoa: move.lsoa,
        patchId: move.patchId,
        fromTeam: teamBase[teamOfLsoa[move.lsoa]!]!.id,
        toTeam: teamBase[move.toTeam]!.id,
      });
      teamOfLsoa[move.lsoa] = move.toTeam;
    }
  }
  const teams: PlannedTeam[] = teamBase.map((t, i) => ({
    ...t,
    lsoas: all.filter((v) => teamOfLsoa[v] === i),
  }));

  return {
    code,
    name,
    areaId: areaIdOf(code, name),
    hubs,
    patches,
    teams,
    misalignments,
    pieces: connectedComponents(graph, all).length,
  };
}

/** The district's name: the part of its LSOA names before the number ("Cheltenham 001A"). */
export function districtName(code: string, lsoas: readonly PlanLsoa[]): string {
  const counts = new Map<string, number>();
  for (const l of lsoas) {
    const stem = l.name.replace(/\s+[0-9]{3}[A-Z]$/, '').trim();
    counts.set(stem, (counts.get(stem) ?? 0) + 1);
  }
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
  return best && best[0] !== '' ? best[0] : code;
}

/** `e07000078-cheltenham`: the LAD code keeps ids unique, the name keeps them readable. At most 64 characters. */
export function areaIdOf(code: string, name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const id = slug ? `${code.toLowerCase()}-${slug}` : code.toLowerCase();
  return id.slice(0, 64).replace(/-+$/, '');
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}

function teamLetter(i: number): string {
  // 26 letters are plenty: MAX_HUBS / TEAM_HUBS teams at most.
  return String.fromCharCode(65 + i);
}

function postcodesByLsoa(n: number, postcodes: readonly PlanPostcode[]): number[][] {
  const out: number[][] = Array.from({ length: n }, () => []);
  postcodes.forEach((p, i) => {
    if (p.lsoa >= 0) out[p.lsoa]!.push(i);
  });
  return out;
}

function northFirst(a: PlanPostcode, b: PlanPostcode): number {
  return b.lat - a.lat || a.lng - b.lng || compareCodeUnits(a.postcode, b.postcode);
}

function meanOf(points: readonly [number, number][]): [number, number] {
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  return [sx / points.length, sy / points.length];
}

function nearestPostcode(
  candidates: readonly number[],
  cx: number,
  cy: number,
  postcodes: readonly PlanPostcode[],
  geo: LocalProjection,
): number {
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  for (const i of candidates) {
    const [x, y] = geo.xy(postcodes[i]!);
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    if (
      d < bestD ||
      (d === bestD && compareCodeUnits(postcodes[i]!.postcode, postcodes[best]!.postcode) < 0)
    ) {
      best = i;
      bestD = d;
    }
  }
  return best;
}

/**
 * 1-3 spokes (fixed per hub id) in the catchment's LSOAs farthest from the hub and from each other,
 * each at the postcode nearest its LSOA's centre. A catchment of one LSOA gets at most one spoke, at
 * the clean postcode farthest from the hub.
 */
function placeSpokes(
  hubId: string,
  hubName: string,
  nodes: readonly number[],
  hubPostcode: number,
  byLsoa: readonly number[][],
  postcodes: readonly PlanPostcode[],
  geo: LocalProjection,
): PlannedSite[] {
  const wanted = 1 + (fnv1a(`spokes:${hubId}`) % 3);
  const hubLsoa = postcodes[hubPostcode]!.lsoa;
  const clean = (v: number) => byLsoa[v]!.filter((p) => postcodes[p]!.clean);
  const places: [number, number][] = [geo.xy(postcodes[hubPostcode]!)];
  const chosen: number[] = [];
  const candidates = nodes.filter((v) => v !== hubLsoa && clean(v).length > 0);
  const centre = new Map(candidates.map((v) => [v, meanOf(byLsoa[v]!.map((p) => geo.xy(postcodes[p]!)))]));
  while (chosen.length < wanted && candidates.length > 0) {
    let best = -1;
    let bestD = -1;
    candidates.forEach((v, i) => {
      const [x, y] = centre.get(v)!;
      const d = Math.min(...places.map(([px, py]) => (x - px) ** 2 + (y - py) ** 2));
      if (d > bestD) {
        best = i;
        bestD = d;
      }
    });
    const v = candidates.splice(best, 1)[0]!;
    const [cx, cy] = centre.get(v)!;
    const site = nearestPostcode(clean(v), cx, cy, postcodes, geo);
    chosen.push(site);
    places.push(geo.xy(postcodes[site]!));
  }
  if (chosen.length === 0) {
    const others = clean(hubLsoa).filter((p) => p !== hubPostcode);
    if (others.length > 0) {
      const [hx, hy] = geo.xy(postcodes[hubPostcode]!);
      let best = others[0]!;
      let bestD = -1;
      for (const p of others) {
        const [x, y] = geo.xy(postcodes[p]!);
        const d = (x - hx) ** 2 + (y - hy) ** 2;
        if (d > bestD) {
          best = p;
          bestD = d;
        }
      }
      chosen.push(best);
    }
  }
  return chosen.map((postcode, i) => {
    const letter = String.fromCharCode(97 + i);
    return {
      id: `spoke-${hubId.slice(4)}-${letter}`,
      name: `${hubName} outreach ${letter.toUpperCase()}`,
      postcode,
    };
  });
}

/**
 * The deliberate misalignment: an LSOA on a team border, in an HV patch of two or more LSOAs and
 * holding no site, moved to the neighbouring team it shares most LSOA borders with — so its patch is
 * split between two teams — provided the team it leaves stays in one piece. Chosen among the
 * candidates by a fixed hash of the district code.
 */
function chooseMisalignment(
  code: string,
  graph: RegionGraph,
  siteLsoas: ReadonlySet<number>,
  patches: readonly PlannedPatch[],
  teamOfLsoa: Int32Array,
): { lsoa: number; patchId: string; toTeam: number } | null {
  const patchOf = new Map<number, PlannedPatch>();
  for (const p of patches) for (const v of p.lsoas) patchOf.set(v, p);
  const n = teamOfLsoa.length;
  const candidates: { lsoa: number; toTeam: number }[] = [];
  const membersOf = (t: number) => Array.from({ length: n }, (_, v) => v).filter((v) => teamOfLsoa[v] === t);
  for (let v = 0; v < n; v++) {
    if (siteLsoas.has(v) || patchOf.get(v)!.lsoas.length < 2) continue;
    const votes = new Map<number, number>();
    for (const nb of graph.neighbours[v]!) {
      const t = teamOfLsoa[nb]!;
      if (t !== teamOfLsoa[v]) votes.set(t, (votes.get(t) ?? 0) + 1);
    }
    if (votes.size === 0) continue;
    const [toTeam] = [...votes.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]!;
    candidates.push({ lsoa: v, toTeam });
  }
  const ranked = rankByHash(
    `misalign:${code}`,
    candidates.map((c) => String(c.lsoa)),
  );
  for (const key of ranked) {
    const c = candidates.find((x) => String(x.lsoa) === key)!;
    const from = membersOf(teamOfLsoa[c.lsoa]!);
    const rest = from.filter((v) => v !== c.lsoa);
    if (connectedComponents(graph, rest).length > connectedComponents(graph, from).length) continue;
    return { lsoa: c.lsoa, patchId: patchOf.get(c.lsoa)!.id, toTeam: c.toTeam };
  }
  return null;
}
