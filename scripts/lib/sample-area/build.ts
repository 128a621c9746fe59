// Builds the illustrative Gloucestershire sample area from the shared open data. Deterministic: every
// choice is a fixed rule with an explicit tie-break, every list is sorted, numbers are rounded to 6 dp,
// and nothing reads the clock or Math.random. The design (which towns, which deliberate misalignments)
// is in design.ts; the rules are documented in data/README.md.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { booleanPointInPolygon, centerOfMass, point, polygon } from '@turf/turf';
import type { Feature } from 'geojson';
import { geodesicDistanceM } from '../../../functions/core/geo/geodesic.js';
import { adjacency, components } from '../../../functions/core/illustrative/adjacency.js';
import {
  BOUNDARY_ATTRIBUTION,
  CODE_POINT_2014_ATTRIBUTION,
  CODE_POINT_2025_ATTRIBUTION,
} from '../../../functions/core/illustrative/attribution.js';
import { compareCodeUnits as cmp } from '../../../functions/core/illustrative/choices.js';
import {
  dramaPhone,
  hubHours,
  hubServices,
  spokeHours,
  spokeServices,
} from '../../../functions/core/illustrative/sites.js';
import type { AreaGeometry, AreaInfo, LayerFeatureProperties, Site } from '../../../functions/core/model.js';
import { PolygonIndex } from '../../../functions/core/spatial/polygon-index.js';
import { parseCsv } from './csv.js';
import {
  CATCHMENT_OVERRIDES,
  CROSS_PATCHES,
  DISTRICT_CODES,
  DISTRICTS,
  type DistrictCode,
  HUBS,
  type HubSpec,
  type PlaceSpec,
  SPOKES,
  TEAM_MOVES,
  TEAMS,
} from './design.js';
import { areaM2, type DissolveNoise, dissolve, type Rings, roundRing } from './geometry.js';

export const AREA_ID = 'gloucestershire';
export const OUTPUT_FILES = [
  'area.json',
  'catchments.geojson',
  'coc-teams.geojson',
  'hv-patches.geojson',
  'outline.geojson',
  'postcodes.csv.gz',
] as const;

export const ILLUSTRATIVE_LABEL =
  "Illustrative sample: not Gloucestershire County Council's boundaries, sites or services.";

/** Licence attributions, verbatim from the shared data README: boundaries, Code-Point 2025, 2014. */
export const ATTRIBUTION: readonly string[] = [
  BOUNDARY_ATTRIBUTION,
  ...CODE_POINT_2025_ATTRIBUTION,
  ...CODE_POINT_2014_ATTRIBUTION,
];

/** Radius (m) for the density rule that puts a site in the busiest part of its town. */
const DENSITY_RADIUS_M = 400;
/** Hubs with at least this many live postcodes get three HV patches, the others two. */
const THREE_PATCH_POSTCODES = 1300;

interface Ward {
  readonly code: string;
  readonly name: string;
  readonly district: DistrictCode;
  readonly rings: Rings;
  readonly centroid: [number, number];
  readonly bbox: [number, number, number, number];
}

interface LivePostcode {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly easting: number;
  readonly northing: number;
  readonly district: DistrictCode;
  /** The WD13 ward whose (rounded) polygon contains the point, or null. */
  ward: string | null;
}

interface Located {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly ward: string;
}

interface Patch {
  /** Set once cross-boundary moves are done (see the naming step). */
  id: string;
  name: string;
  readonly hubId: string;
  wards: string[];
}

export interface LayerReport {
  readonly features: number;
  readonly noise: DissolveNoise;
}

export interface SampleAreaReport {
  readonly wards: number;
  readonly postcodes: { live: number; terminated: number };
  readonly hubs: {
    id: string;
    postcode: string;
    postcodes: number;
    wards: string[];
    catchmentAreaKm2: number;
  }[];
  readonly spokes: { id: string; postcode: string; hubId: string }[];
  readonly overrides: string[];
  readonly contiguityFixes: string[];
  readonly patches: { id: string; name: string; postcodes: number; wards: string[] }[];
  readonly teams: { id: string; postcodes: number; wards: string[] }[];
  readonly nonContiguous: string[];
  readonly crossPatches: string[];
  readonly teamMoves: string[];
  readonly layers: Record<string, LayerReport>;
  readonly outlineAreaKm2: number;
  readonly catchmentAreaSumKm2: number;
}

export interface SampleAreaOutput {
  /** File name in the output folder → exact bytes, in OUTPUT_FILES order. */
  readonly files: Map<string, Buffer>;
  readonly report: SampleAreaReport;
}

/** Build every output file in memory from the shared data folder. */
export function buildSampleArea(realDataDir: string): SampleAreaOutput {
  const read = (name: string) => readFileSync(join(realDataDir, name), 'utf8');
  const wards = loadWards(read('gloucestershire-wards.geojson'));
  const wardByCode = new Map(wards.map((w) => [w.code, w]));
  const live = loadLive(read('gloucestershire-postcodes.csv'), wards);
  const terminated = loadTerminated(read('gloucestershire-postcodes-2014.csv'));
  const operators = loadOperators(read('gloucestershire-family-centre-operators.csv'));
  const realCentres = parseCsv(read('gloucestershire-family-centres.csv'));
  const adj = adjacency(wards.map((w) => ({ id: w.code, rings: [w.rings] })));

  const wardCode = (district: DistrictCode, name: string): string => {
    const w = wards.find((x) => x.district === district && x.name === name);
    if (!w) throw new Error(`No WD13 ward named "${name}" in ${DISTRICTS[district]}`);
    return w.code;
  };
  const postcodesInWard = new Map<string, number>();
  for (const p of live) if (p.ward) postcodesInWard.set(p.ward, (postcodesInWard.get(p.ward) ?? 0) + 1);

  // --- Sites: one real postcode point per town.
  const locate = (spec: PlaceSpec): Located => {
    const codes = new Set(spec.wards.map((n) => wardCode(spec.district, n)));
    const candidates = live.filter(
      (p) =>
        p.district === spec.district &&
        p.ward !== null &&
        codes.has(p.ward) &&
        (!spec.sectors || spec.sectors.includes(sectorOf(p.postcode))),
    );
    if (candidates.length === 0) throw new Error(`No live postcode for ${spec.slug}`);
    // Busiest part of town: the postcode with most candidates within the radius (integer grid metres,
    // so exact), ties to the alphabetically first postcode.
    let best = candidates[0]!;
    let bestCount = -1;
    const r2 = DENSITY_RADIUS_M * DENSITY_RADIUS_M;
    for (const c of candidates) {
      let count = 0;
      for (const o of candidates) {
        const de = c.easting - o.easting;
        const dn = c.northing - o.northing;
        if (de * de + dn * dn <= r2) count++;
      }
      if (count > bestCount || (count === bestCount && c.postcode < best.postcode)) {
        best = c;
        bestCount = count;
      }
    }
    return { postcode: best.postcode, lat: best.lat, lng: best.lng, ward: best.ward! };
  };
  const hubs = [...HUBS].sort((a, b) => cmp(a.slug, b.slug));
  const hubPlace = new Map(hubs.map((h) => [h.slug, locate(h)]));
  const hubPoint = (slug: string): [number, number] => {
    const p = hubPlace.get(slug)!;
    return [p.lng, p.lat];
  };

  // --- Hub catchments: each ward to the nearest hub of its district (ward centroid → hub, geodesic).
  const hubOf = new Map<string, string>();
  for (const w of wards) {
    let bestHub = '';
    let bestD = Number.POSITIVE_INFINITY;
    for (const h of hubs) {
      if (h.district !== w.district) continue;
      const d = geodesicDistanceM(w.centroid, hubPoint(h.slug));
      if (d < bestD) {
        bestD = d;
        bestHub = h.slug;
      }
    }
    if (!bestHub) throw new Error(`No hub in the district of ward ${w.code}`);
    hubOf.set(w.code, bestHub);
  }
  const overrides: string[] = [];
  for (const o of CATCHMENT_OVERRIDES) {
    const code = wardCode(o.district, o.ward);
    if (!hubs.some((h) => h.slug === o.toHub && h.district === o.district)) {
      throw new Error(`Override of ${o.ward}: hub-${o.toHub} is not a hub of ${DISTRICTS[o.district]}`);
    }
    if (hubOf.get(code) === o.toHub) throw new Error(`Override of ${o.ward} is redundant: remove it`);
    overrides.push(`${code} ${o.ward}: hub-${hubOf.get(code)} -> hub-${o.toHub}`);
    hubOf.set(code, o.toHub);
  }
  // A hub's own site must lie in its catchment, whatever the centroid rule said.
  for (const h of hubs) hubOf.set(hubPlace.get(h.slug)!.ward, h.slug);
  const wardsOfHub = (slug: string) => wards.filter((w) => hubOf.get(w.code) === slug).map((w) => w.code);

  // Fix non-contiguous catchments: a detached group of wards joins the neighbouring hub of the same
  // district it shares most boundaries with (ties: nearer hub, then id).
  const contiguityFixes: string[] = [];
  for (let pass = 0; pass < 10; pass++) {
    let changed = false;
    for (const h of hubs) {
      const home = hubPlace.get(h.slug)!.ward;
      for (const comp of components(wardsOfHub(h.slug), adj)) {
        if (comp.includes(home)) continue;
        for (const code of comp) {
          const votes = new Map<string, number>();
          for (const n of adj.get(code)!) {
            const other = hubOf.get(n)!;
            if (other !== h.slug && wardByCode.get(n)!.district === h.district) {
              votes.set(other, (votes.get(other) ?? 0) + 1);
            }
          }
          if (votes.size === 0) continue;
          const c = wardByCode.get(code)!.centroid;
          const target = [...votes.entries()].sort(
            (a, b) =>
              b[1] - a[1] ||
              geodesicDistanceM(c, hubPoint(a[0])) - geodesicDistanceM(c, hubPoint(b[0])) ||
              cmp(a[0], b[0]),
          )[0]![0];
          hubOf.set(code, target);
          contiguityFixes.push(`${code} ${wardByCode.get(code)!.name}: hub-${h.slug} -> hub-${target}`);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  const nonContiguous = hubs
    .filter((h) => components(wardsOfHub(h.slug), adj).length > 1)
    .map((h) => `hub-${h.slug}`);

  // --- HV patches: each hub's wards grown into 2 or 3 contiguous groups of similar postcode counts.
  const patches: Patch[] = [];
  for (const h of hubs) {
    patches.push(...splitHub(h, wardsOfHub(h.slug), hubPoint(h.slug), wardByCode, adj, postcodesInWard));
  }
  const patchOf = (code: string) => patches.find((p) => p.wards.includes(code))!;

  const crossMoves: { code: string; from: Patch; to: Patch }[] = [];
  for (const spec of CROSS_PATCHES) {
    const code = wardCode(spec.district, spec.ward);
    const from = patchOf(code);
    if (from.hubId === `hub-${spec.toHub}`) throw new Error(`${spec.ward} is already in hub-${spec.toHub}`);
    const rest = from.wards.filter((c) => c !== code);
    if (rest.length === 0 || components(rest, adj).length > 1) {
      throw new Error(`Moving ${spec.ward} out of its patch in ${from.hubId} would empty or split the patch`);
    }
    if ([...hubPlace.values()].some((p) => p.ward === code)) throw new Error(`${spec.ward} holds a hub site`);
    const targets = patches
      .filter((p) => p.hubId === `hub-${spec.toHub}`)
      .map((p) => ({ p, shared: p.wards.filter((c) => adj.get(code)!.has(c)).length }))
      .filter((t) => t.shared > 0)
      .sort((a, b) => b.shared - a.shared || cmp(a.p.wards[0]!, b.p.wards[0]!));
    const to = targets[0]?.p;
    if (!to) throw new Error(`${spec.ward} does not touch any patch of hub-${spec.toHub}`);
    from.wards = rest;
    to.wards = [...to.wards, code].sort();
    crossMoves.push({ code, from, to });
  }
  // Ids and names come last, from each patch's busiest ward inside its own hub's catchment, so a
  // borrowed ward never names the patch that borrowed it.
  for (const h of hubs) {
    const own = patches.filter((p) => p.hubId === `hub-${h.slug}`);
    const named = own.map((p) => ({
      p,
      main: p.wards
        .filter((c) => hubOf.get(c) === h.slug)
        .sort((a, b) => (postcodesInWard.get(b) ?? 0) - (postcodesInWard.get(a) ?? 0) || cmp(a, b))[0]!,
    }));
    // Numbered north to south.
    named.sort(
      (a, b) =>
        wardByCode.get(b.main)!.centroid[1] - wardByCode.get(a.main)!.centroid[1] || cmp(a.main, b.main),
    );
    named.forEach(({ p, main }, i) => {
      p.id = `hv-${h.slug}-${i + 1}`;
      p.name = `${h.patchStem} ${i + 1} (${wardByCode.get(main)!.name})`;
    });
  }
  const crossPatches = crossMoves.map(
    ({ code, from, to }) =>
      `${to.id} ${to.name} (${to.hubId}) also takes ward ${code} ${wardByCode.get(code)!.name} from ` +
      `${from.id} ${from.name}: the ward is in the catchment of ${from.hubId}`,
  );

  // --- CoC teams: whole patches, grouped by hub, then the deliberate moves.
  const teamOfHub = new Map<string, string>();
  for (const t of TEAMS) {
    for (const h of t.hubs) {
      if (teamOfHub.has(h)) throw new Error(`hub-${h} is in two teams`);
      teamOfHub.set(h, t.slug);
    }
  }
  for (const h of hubs) if (!teamOfHub.has(h.slug)) throw new Error(`hub-${h.slug} is in no team`);
  const teamOf = new Map<string, string>();
  for (const p of patches) for (const c of p.wards) teamOf.set(c, teamOfHub.get(p.hubId.slice(4))!);
  const teamMoves: string[] = [];
  for (const spec of TEAM_MOVES) {
    const code = wardCode(spec.district, spec.ward);
    const from = teamOf.get(code)!;
    const patch = patchOf(code);
    if (patch.wards.length < 2) throw new Error(`${spec.ward} is a whole patch: moving it splits nothing`);
    if (![...adj.get(code)!].some((n) => teamOf.get(n) === spec.toTeam)) {
      throw new Error(`${spec.ward} does not touch team ${spec.toTeam}`);
    }
    const toDistricts = new Set(
      TEAMS.find((t) => t.slug === spec.toTeam)!.hubs.map((s) => HUBS.find((h) => h.slug === s)!.district),
    );
    const crosses = !toDistricts.has(spec.district);
    if (crosses !== (spec.kind === 'crosses-district'))
      throw new Error(`${spec.ward}: kind ${spec.kind} is wrong`);
    teamOf.set(code, spec.toTeam);
    teamMoves.push(
      `coc-${spec.toTeam} takes ward ${code} ${spec.ward} (${DISTRICTS[spec.district]}) from coc-${from}, ` +
        `splitting HV patch ${patch.id} (${patch.name})` +
        (crosses ? ' and crossing the district line' : ''),
    );
  }

  // --- Geometry.
  const layers: Record<string, LayerReport> = {};
  const dissolveWards = (codes: readonly string[]) =>
    dissolve([...codes].sort().map((c) => wardByCode.get(c)!.rings));
  const buildLayer = (
    name: string,
    units: { id: string; props: LayerFeatureProperties; wards: string[] }[],
  ): Feature<AreaGeometry, LayerFeatureProperties>[] => {
    const holes: DissolveNoise['holes'] = [];
    const slivers: DissolveNoise['slivers'] = [];
    const features = [...units]
      .sort((a, b) => cmp(a.id, b.id))
      .map((u) => {
        const { geometry, noise } = dissolveWards(u.wards);
        holes.push(...noise.holes);
        slivers.push(...noise.slivers);
        return { type: 'Feature' as const, properties: u.props, geometry };
      });
    layers[name] = { features: features.length, noise: { holes, slivers } };
    return features;
  };

  const outline = buildLayer('outline', [
    {
      id: AREA_ID,
      props: { id: AREA_ID, name: 'Gloucestershire (illustrative sample)' },
      wards: wards.map((w) => w.code),
    },
  ]);
  const catchments = buildLayer(
    'catchments',
    hubs.map((h) => {
      const codes = wardsOfHub(h.slug).sort();
      return {
        id: `hub-${h.slug}`,
        props: { id: `hub-${h.slug}`, name: h.name, wards: codes },
        wards: codes,
      };
    }),
  );
  const hvPatches = buildLayer(
    'hv-patches',
    patches.map((p) => {
      const codes = [...p.wards].sort();
      return { id: p.id, props: { id: p.id, name: p.name, hubId: p.hubId, wards: codes }, wards: codes };
    }),
  );
  const cocTeams = buildLayer(
    'coc-teams',
    TEAMS.map((t) => {
      const codes = wards.filter((w) => teamOf.get(w.code) === t.slug).map((w) => w.code);
      return {
        id: `coc-${t.slug}`,
        props: { id: `coc-${t.slug}`, name: t.name, wards: codes },
        wards: codes,
      };
    }),
  );

  // --- Sites, checked against the output geometry (not the source) since that is what users query.
  const containing = (lng: number, lat: number) =>
    catchments
      .filter((f) => booleanPointInPolygon(point([lng, lat]), f.geometry))
      .map((f) => f.properties.id);
  const sites: Site[] = [];
  const hubPhones = new Map<string, number>();
  hubs.forEach((h, i) => {
    hubPhones.set(h.slug, i + 1);
  });
  for (const h of hubs) {
    const place = hubPlace.get(h.slug)!;
    const inside = containing(place.lng, place.lat);
    if (inside.length !== 1 || inside[0] !== `hub-${h.slug}`) {
      throw new Error(
        `hub-${h.slug} at ${place.postcode} lies in [${inside.join(', ')}], not its own catchment`,
      );
    }
    if (h.realAddress) {
      const real = realCentres.find((r) => r.name === h.name);
      if (!real || real.address !== h.realAddress) throw new Error(`${h.name}: real address does not match`);
    }
    sites.push({
      id: `hub-${h.slug}`,
      kind: 'hub',
      name: h.name,
      address: h.realAddress ? `${h.name}, ${h.realAddress}` : `${h.name} (illustrative site), ${h.town}`,
      postcode: place.postcode,
      location: { lat: place.lat, lng: place.lng },
      operator: operators.get(h.district)!,
      services: hubServices(h.slug),
      ages: { min: 0, max: 19, sendMaxAge: 25 },
      contact: {
        phone: dramaPhone(hubPhones.get(h.slug)!),
        email: `${h.slug}.familycentre@example.org`,
        website: `https://example.org/family-hubs/hub-${h.slug}`,
      },
      openingHours: hubHours(h.slug),
    });
  }
  const spokes = [...SPOKES].sort((a, b) => cmp(a.slug, b.slug));
  const spokeReport: SampleAreaReport['spokes'] = [];
  spokes.forEach((s, i) => {
    const place = locate(s);
    const inside = containing(place.lng, place.lat);
    if (inside.length !== 1) throw new Error(`spoke-${s.slug} lies in [${inside.join(', ')}]`);
    const hubId = inside[0]!;
    spokeReport.push({ id: `spoke-${s.slug}`, postcode: place.postcode, hubId });
    sites.push({
      id: `spoke-${s.slug}`,
      kind: 'spoke',
      name: `${s.town} Family Hub outreach`,
      hubId,
      address: `${s.town} community venue (illustrative site), ${s.town}`,
      postcode: place.postcode,
      location: { lat: place.lat, lng: place.lng },
      operator: operators.get(s.district)!,
      services: spokeServices(s.slug),
      ages: { min: 0, max: 19, sendMaxAge: 25 },
      contact: {
        phone: dramaPhone(101 + i),
        email: `${s.slug}.outreach@example.org`,
        website: `https://example.org/family-hubs/spoke-${s.slug}`,
      },
      openingHours: spokeHours(s.slug),
    });
  });

  const area: AreaInfo = {
    id: AREA_ID,
    name: 'Gloucestershire',
    description:
      `${ILLUSTRATIVE_LABEL} A made-up family hub network of ${hubs.length} Children and Family Centres and ` +
      `${spokes.length} spokes in real towns, with catchments, health-visiting patches and midwifery teams ` +
      'built from whole 2013 electoral wards. Operators per district are the real ones; addresses, ' +
      'services, hours and contacts are not (phone numbers are Ofcom drama numbers).',
    illustrative: true,
    attribution: ATTRIBUTION,
  };

  const files = new Map<string, Buffer>();
  files.set('area.json', Buffer.from(`${JSON.stringify({ area, sites }, null, 2)}\n`));
  files.set('catchments.geojson', Buffer.from(featureCollectionText(catchments)));
  files.set('coc-teams.geojson', Buffer.from(featureCollectionText(cocTeams)));
  files.set('hv-patches.geojson', Buffer.from(featureCollectionText(hvPatches)));
  files.set('outline.geojson', Buffer.from(featureCollectionText(outline)));
  const census = censusLocator(read('gloucestershire-oa.geojson'), read('gloucestershire-lsoa.geojson'));
  const postcodeRows = postcodeCsvRows(live, terminated, census);
  files.set('postcodes.csv.gz', gzipSync(Buffer.from(postcodeRows.text), { level: 9 }));

  const outlineArea = areaM2(outline[0]!.geometry);
  const catchmentSum = catchments.reduce((s, f) => s + areaM2(f.geometry), 0);
  return {
    files,
    report: {
      wards: wards.length,
      postcodes: { live: postcodeRows.live, terminated: postcodeRows.terminated },
      hubs: hubs.map((h) => ({
        id: `hub-${h.slug}`,
        postcode: hubPlace.get(h.slug)!.postcode,
        postcodes: wardsOfHub(h.slug).reduce((n, c) => n + (postcodesInWard.get(c) ?? 0), 0),
        wards: wardsOfHub(h.slug).map((c) => wardByCode.get(c)!.name),
        catchmentAreaKm2: areaM2(catchments.find((f) => f.properties.id === `hub-${h.slug}`)!.geometry) / 1e6,
      })),
      spokes: spokeReport,
      overrides,
      contiguityFixes,
      patches: [...patches]
        .sort((a, b) => cmp(a.id, b.id))
        .map((p) => ({
          id: p.id,
          name: p.name,
          postcodes: p.wards.reduce((n, c) => n + (postcodesInWard.get(c) ?? 0), 0),
          wards: p.wards.map((c) => wardByCode.get(c)!.name),
        })),
      teams: TEAMS.map((t) => {
        const codes = wards.filter((w) => teamOf.get(w.code) === t.slug).map((w) => w.code);
        return {
          id: `coc-${t.slug}`,
          postcodes: codes.reduce((n, c) => n + (postcodesInWard.get(c) ?? 0), 0),
          wards: codes.map((c) => wardByCode.get(c)!.name),
        };
      }),
      nonContiguous,
      crossPatches,
      teamMoves,
      layers,
      outlineAreaKm2: outlineArea / 1e6,
      catchmentAreaSumKm2: catchmentSum / 1e6,
    },
  };
}

/** Write the built files into `outDir` (created if missing). */
export function writeSampleArea(outDir: string, files: ReadonlyMap<string, Buffer>): void {
  mkdirSync(outDir, { recursive: true });
  for (const [name, bytes] of files) writeFileSync(join(outDir, name), bytes);
}

function loadWards(text: string): Ward[] {
  const fc = JSON.parse(text) as {
    features: { properties: Record<string, string>; geometry: AreaGeometry }[];
  };
  const out: Ward[] = fc.features.map((f) => {
    if (f.geometry.type !== 'Polygon') throw new Error(`Ward ${f.properties.WD13CD} is not a Polygon`);
    const rings = f.geometry.coordinates.map(roundRing);
    if (rings.some((r) => r.length < 4)) throw new Error(`Ward ${f.properties.WD13CD} collapses at 6 dp`);
    const c = centerOfMass(polygon(rings)).geometry.coordinates;
    let [minX, minY, maxX, maxY] = [180, 90, -180, -90];
    for (const [x, y] of rings[0]! as [number, number][]) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    const district = f.properties.lad as DistrictCode;
    if (!DISTRICTS[district]) throw new Error(`Ward ${f.properties.WD13CD} has unknown lad ${district}`);
    return {
      code: f.properties.WD13CD!,
      name: f.properties.WD13NM!,
      district,
      rings,
      centroid: [c[0]!, c[1]!],
      bbox: [minX, minY, maxX, maxY],
    };
  });
  return out.sort((a, b) => cmp(a.code, b.code));
}

function loadLive(text: string, wards: readonly Ward[]): LivePostcode[] {
  const out: LivePostcode[] = [];
  for (const r of parseCsv(text)) {
    const district = r.admin_district_code as DistrictCode;
    if (!DISTRICTS[district]) continue;
    const lat = Number(r.lat);
    const lng = Number(r.lng);
    const pt = point([lng, lat]);
    const ward = wards.find(
      (w) =>
        lng >= w.bbox[0] &&
        lat >= w.bbox[1] &&
        lng <= w.bbox[2] &&
        lat <= w.bbox[3] &&
        booleanPointInPolygon(pt, { type: 'Polygon', coordinates: w.rings }),
    );
    out.push({
      postcode: r.postcode!,
      lat,
      lng,
      easting: Number(r.eastings),
      northing: Number(r.northings),
      district,
      ward: ward?.code ?? null,
    });
  }
  return out;
}

function loadTerminated(text: string): { postcode: string; lat: number; lng: number }[] {
  return parseCsv(text)
    .filter((r) => r.live_in_2025 === 'false' && DISTRICTS[r.admin_district_code as DistrictCode])
    .map((r) => ({ postcode: r.postcode!, lat: Number(r.lat), lng: Number(r.lng) }));
}

function loadOperators(text: string): Map<DistrictCode, string> {
  const out = new Map<DistrictCode, string>();
  for (const r of parseCsv(text)) out.set(r.district_code as DistrictCode, r.operator!);
  for (const d of DISTRICT_CODES) if (!out.has(d)) throw new Error(`No operator for ${DISTRICTS[d]}`);
  return out;
}

/**
 * The 2011 output area and LSOA of a point, as ONSPD would give them: the census polygon it falls in
 * (the lookup's point-in-polygon rule, lowest feature first on a shared edge), or '' outside them all.
 * Code-Point carries no census codes; the sample directory gets them so that a planner's counts per
 * OA or LSOA can be tried on it (docs/impact.md, "Weights and capacity").
 */
function censusLocator(oaText: string, lsoaText: string): (lng: number, lat: number) => string {
  const index = (text: string, idProperty: string) => {
    const fc = JSON.parse(text) as {
      features: { properties: Record<string, string>; geometry: AreaGeometry }[];
    };
    return {
      ids: fc.features.map((f) => f.properties[idProperty]!),
      index: PolygonIndex.build(fc.features.map((f) => f.geometry)),
    };
  };
  const oa = index(oaText, 'OA11CD');
  const lsoa = index(lsoaText, 'LSOA11CD');
  const code = (layer: typeof oa, lng: number, lat: number) => {
    const at = layer.index.locate(lng, lat);
    return at < 0 ? '' : layer.ids[at]!;
  };
  return (lng, lat) => `${code(oa, lng, lat)},${code(lsoa, lng, lat)}`;
}

function postcodeCsvRows(
  live: readonly LivePostcode[],
  terminated: readonly { postcode: string; lat: number; lng: number }[],
  census: (lng: number, lat: number) => string,
): { text: string; live: number; terminated: number } {
  const rows: [string, string][] = [];
  const seen = new Set<string>();
  const add = (postcode: string, lat: number, lng: number, status: string) => {
    if (seen.has(postcode)) throw new Error(`Postcode ${postcode} appears twice`);
    seen.add(postcode);
    // Census codes of the point as the file stores it (6 dp), as a lookup would place it.
    const at = census(Number(lng.toFixed(6)), Number(lat.toFixed(6)));
    rows.push([postcode, `${postcode},${lat.toFixed(6)},${lng.toFixed(6)},${status},,${at}`]);
  };
  for (const p of live) add(p.postcode, p.lat, p.lng, 'live');
  for (const p of terminated) add(p.postcode, p.lat, p.lng, 'terminated');
  rows.sort((a, b) => cmp(a[0], b[0]));
  const text = `postcode,lat,lng,status,terminated,oa11,lsoa11\n${rows.map((r) => r[1]).join('\n')}\n`;
  return { text, live: live.length, terminated: terminated.length };
}

/**
 * Grow `k` contiguous patches (ids and names are given later) from seeds spread across the hub (farthest-first from the hub point),
 * always growing the patch with the fewest live postcodes by its adjacent ward nearest its seed.
 */
function splitHub(
  hub: HubSpec,
  codes: readonly string[],
  hubPt: [number, number],
  wardByCode: ReadonlyMap<string, Ward>,
  adj: ReadonlyMap<string, ReadonlySet<string>>,
  postcodesInWard: ReadonlyMap<string, number>,
): Patch[] {
  const load = (c: string) => postcodesInWard.get(c) ?? 0;
  const total = codes.reduce((s, c) => s + load(c), 0);
  const k = Math.min(codes.length, total >= THREE_PATCH_POSTCODES ? 3 : 2);
  if (k < 2) throw new Error(`hub-${hub.slug} has one ward: it cannot be split into patches`);
  const centroid = (c: string) => wardByCode.get(c)!.centroid;
  const sorted = [...codes].sort();
  const seeds: string[] = [];
  const farthest = (score: (c: string) => number) =>
    sorted
      .filter((c) => !seeds.includes(c))
      .map((c) => ({ c, s: score(c) }))
      .sort((a, b) => b.s - a.s || cmp(a.c, b.c))[0]!.c;
  seeds.push(farthest((c) => geodesicDistanceM(centroid(c), hubPt)));
  while (seeds.length < k) {
    seeds.push(farthest((c) => Math.min(...seeds.map((s) => geodesicDistanceM(centroid(c), centroid(s))))));
  }
  const groups = seeds.map((s) => ({ seed: s, wards: [s], load: load(s) }));
  const assigned = new Set(seeds);
  while (assigned.size < codes.length) {
    let grown = false;
    for (const g of [...groups].sort((a, b) => a.load - b.load || cmp(a.seed, b.seed))) {
      const frontier = sorted.filter((c) => !assigned.has(c) && g.wards.some((w) => adj.get(w)!.has(c)));
      if (frontier.length === 0) continue;
      const next = frontier
        .map((c) => ({ c, d: geodesicDistanceM(centroid(c), centroid(g.seed)) }))
        .sort((a, b) => a.d - b.d || cmp(a.c, b.c))[0]!.c;
      g.wards.push(next);
      g.load += load(next);
      assigned.add(next);
      grown = true;
      break;
    }
    if (!grown) throw new Error(`hub-${hub.slug}: catchment is not contiguous, patches cannot grow`);
  }
  return groups.map((g) => ({ id: '', name: '', hubId: `hub-${hub.slug}`, wards: g.wards.sort() }));
}

function sectorOf(postcode: string): string {
  return postcode.slice(0, -2);
}

/** One feature per line: small diffs when the sample changes, still valid JSON. */
function featureCollectionText(features: readonly Feature[]): string {
  return `{"type":"FeatureCollection","features":[\n${features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
}
