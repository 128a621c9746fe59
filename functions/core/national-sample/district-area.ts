// One district's plan (district-plan.ts) made into a boundary set — outline, hub catchments, HV
// patches, CoC teams (each the exact union of its whole LSOAs), hubs and spokes — and the district's
// postcode directory: everything publishing needs, labelled illustrative with its licences. Pure and
// deterministic: features sorted by id, no clock, no randomness.
import type { Feature, MultiPolygon } from 'geojson';
import { isNearZeroRing } from '../coverage/validity.js';
import { BOUNDARY_ATTRIBUTION, CODE_POINT_2025_ATTRIBUTION } from '../illustrative/attribution.js';
import { compareCodeUnits } from '../illustrative/choices.js';
import { dramaPhone, hubHours, hubServices, spokeHours, spokeServices } from '../illustrative/sites.js';
import type {
  AreaGeometry,
  AreaInfo,
  BoundarySet,
  Layer,
  LayerFeatureProperties,
  PostcodeRecord,
  Site,
} from '../model.js';
import { type OverlayInputFeature, prepareLayer, projectionFor } from '../overlay/prepared.js';
import { unionLayer } from '../overlay/union.js';
import { encodeDirectoryCsv } from '../postcode-directory.js';
import { PolygonIndex } from '../spatial/polygon-index.js';
import { type DistrictInput, type DistrictPlan, type PlannedSite, planDistrict } from './district-plan.js';

export interface DistrictAreaSummary {
  readonly areaId: string;
  readonly code: string;
  readonly name: string;
  readonly lsoas: number;
  readonly hubs: number;
  readonly spokes: number;
  readonly patches: number;
  readonly teams: number;
  readonly postcodes: number;
  /** Postcodes outside every LSOA that the directory still lists (they answer `outside`). */
  readonly postcodesOutsideLsoas: number;
  /** One sentence per deliberate misalignment. */
  readonly misalignments: readonly string[];
}

export interface DistrictArea {
  /** The boundary set as a draft would hold it (`version` null). */
  readonly set: BoundarySet;
  /** The district's postcode directory, in the directory text format. */
  readonly directoryCsv: string;
  readonly summary: DistrictAreaSummary;
}

/** Builds the district's boundary set and directory. Throws (naming the district) if the plan cannot be drawn. */
export function buildDistrictArea(
  input: DistrictInput,
  plan: DistrictPlan = planDistrict(input),
): DistrictArea {
  const { lsoas, postcodes } = input;
  const district = plan.name;
  const codesOf = (nodes: readonly number[]) => nodes.map((v) => lsoas[v]!.code).sort(compareCodeUnits);
  const shapes = drawUnits(input, plan);
  const feature = (id: string, props: LayerFeatureProperties) =>
    ({ type: 'Feature', properties: props, geometry: shapes.get(id)! }) as Feature<
      AreaGeometry,
      LayerFeatureProperties
    >;
  const layer = (features: Feature<AreaGeometry, LayerFeatureProperties>[]): Layer => ({
    type: 'FeatureCollection',
    features: features.sort((a, b) => compareCodeUnits(a.properties.id, b.properties.id)),
  });

  const outline = layer([
    feature(plan.areaId, {
      id: plan.areaId,
      name: `${district} (illustrative national sample)`,
      lad: plan.code,
    }),
  ]);
  const catchments = layer(
    plan.hubs.map((h) => feature(h.id, { id: h.id, name: h.name, lsoas: codesOf(h.lsoas) })),
  );
  const patches = layer(
    plan.patches.map((p) =>
      feature(p.id, { id: p.id, name: p.name, hubId: p.hubId, lsoas: codesOf(p.lsoas) }),
    ),
  );
  const misalignedInto = new Map<string, string[]>();
  for (const m of plan.misalignments) {
    misalignedInto.set(m.toTeam, [...(misalignedInto.get(m.toTeam) ?? []), lsoas[m.lsoa]!.code]);
  }
  const teams = layer(
    plan.teams.map((t) =>
      feature(t.id, {
        id: t.id,
        name: t.name,
        hubIds: t.hubIds,
        lsoas: codesOf(t.lsoas),
        ...(misalignedInto.has(t.id) ? { misalignedLsoas: misalignedInto.get(t.id)!.sort() } : {}),
      }),
    ),
  );

  // --- Sites.
  const operator = `${district} family hubs partnership (illustrative operator)`;
  const place = (s: PlannedSite) => {
    const p = postcodes[s.postcode]!;
    return { postcode: p.postcode, location: { lat: p.lat, lng: p.lng } };
  };
  const sites: Site[] = [];
  for (const hub of plan.hubs) {
    sites.push({
      id: hub.id,
      kind: 'hub',
      name: hub.name,
      address: `${hub.name} (illustrative site), ${district}`,
      ...place(hub),
      operator,
      services: hubServices(hub.id),
      ages: { min: 0, max: 19, sendMaxAge: 25 },
      contact: {
        phone: dramaPhone(hub.number),
        email: `${hub.id}@example.org`,
        website: `https://example.org/family-hubs/${plan.areaId}/${hub.id}`,
      },
      openingHours: hubHours(hub.id),
    });
  }
  for (const hub of plan.hubs) {
    hub.spokes.forEach((spoke, j) => {
      sites.push({
        id: spoke.id,
        kind: 'spoke',
        name: spoke.name,
        hubId: hub.id,
        address: `${spoke.name} community venue (illustrative site), ${district}`,
        ...place(spoke),
        operator,
        services: spokeServices(spoke.id),
        ages: { min: 0, max: 19, sendMaxAge: 25 },
        contact: {
          phone: dramaPhone(100 + 3 * (hub.number - 1) + j),
          email: `${spoke.id}@example.org`,
          website: `https://example.org/family-hubs/${plan.areaId}/${spoke.id}`,
        },
        openingHours: spokeHours(spoke.id),
      });
    });
  }
  checkSitesInCatchments(plan, sites, catchments);

  const misalignments = plan.misalignments.map((m) => {
    const l = lsoas[m.lsoa]!;
    return (
      `LSOA ${l.code} (${l.name}) of HV patch ${m.patchId} is in CoC team ${m.toTeam}, ` +
      `while the rest of the patch is in team ${m.fromTeam}.`
    );
  });
  const spokeCount = sites.length - plan.hubs.length;
  const area: AreaInfo = {
    id: plan.areaId,
    name: district,
    description:
      `Illustrative national sample: not the real family hub boundaries, sites or services in ${district}. ` +
      `A made-up network of ${plan.hubs.length} family hubs and ${spokeCount} spokes, generated from the ` +
      `district's ${lsoas.length} real 2011 LSOAs and its real postcodes (OS Code-Point Open): hub ` +
      `catchments, ${plan.patches.length} health-visiting patches and ${plan.teams.length} midwifery ` +
      'Continuity of Carer teams are unions of whole LSOAs; sites sit on real postcodes; names, addresses, ' +
      'services, hours and contacts are made up (phone numbers are Ofcom drama numbers). ' +
      (misalignments.length > 0 ? `Deliberate misalignment: ${misalignments.join(' ')}` : ''),
    illustrative: true,
    attribution: [BOUNDARY_ATTRIBUTION, ...CODE_POINT_2025_ATTRIBUTION],
  };
  const set: BoundarySet = {
    area: { ...area, description: area.description!.trim() },
    version: null,
    layers: { outline, catchments, 'hv-patches': patches, 'coc-teams': teams },
    sites,
  };

  const records: PostcodeRecord[] = postcodes.map((p) => ({
    postcode: p.postcode,
    location: { lat: p.lat, lng: p.lng },
    status: 'live',
  }));
  return {
    set,
    directoryCsv: encodeDirectoryCsv(records),
    summary: {
      areaId: plan.areaId,
      code: plan.code,
      name: district,
      lsoas: lsoas.length,
      hubs: plan.hubs.length,
      spokes: spokeCount,
      patches: plan.patches.length,
      teams: plan.teams.length,
      postcodes: postcodes.length,
      postcodesOutsideLsoas: postcodes.filter((p) => p.lsoa < 0).length,
      misalignments,
    },
  };
}

/**
 * Every unit's shape, by id: the exact union of its LSOAs. HV patches are dissolved from their LSOAs;
 * the coarser units from the finer ones already drawn — catchments from their patches, CoC teams from
 * their whole patches (and the LSOAs of a patch split between teams), the outline from the catchments —
 * which halves the work, as most LSOA edges are gone after the first dissolve. Should a coarser dissolve
 * fail, the unit is dissolved from its LSOAs instead.
 */
function drawUnits(input: DistrictInput, plan: DistrictPlan): Map<string, AreaGeometry> {
  const { lsoas } = input;
  const projection = projectionFor(lsoas.map((l) => ({ id: l.code, geometry: l.geometry })));
  const shapes = new Map<string, AreaGeometry>();
  const lsoaPieces = (nodes: readonly number[]) =>
    [...nodes].sort((a, b) => a - b).map((v) => ({ id: lsoas[v]!.code, geometry: lsoas[v]!.geometry }));
  const dissolve = (unit: string, pieces: readonly OverlayInputFeature[]) => {
    const union = unionLayer(prepareLayer(pieces, { projection, label: `the parts of ${unit}` }));
    return union.status === 'ok' && union.geometry.coordinates.length > 0 ? simplest(union.geometry) : null;
  };
  const draw = (unit: string, pieces: readonly OverlayInputFeature[], nodes: readonly number[]) => {
    const geometry =
      dissolve(unit, pieces) ?? (pieces.length === nodes.length ? null : dissolve(unit, lsoaPieces(nodes)));
    if (!geometry) throw new Error(`District ${plan.code}: the LSOAs of ${unit} cannot be dissolved`);
    shapes.set(unit, geometry);
    return { id: unit, geometry };
  };

  const patchesOf = new Map<string, { id: string; geometry: AreaGeometry }[]>();
  const patchOfLsoa = new Map<number, string>();
  for (const p of plan.patches) {
    const drawn = draw(p.id, lsoaPieces(p.lsoas), p.lsoas);
    patchesOf.set(p.hubId, [...(patchesOf.get(p.hubId) ?? []), drawn]);
    for (const v of p.lsoas) patchOfLsoa.set(v, p.id);
  }
  const catchments = plan.hubs.map((h) => draw(h.id, patchesOf.get(h.id)!, h.lsoas));
  const patchSize = new Map(plan.patches.map((p) => [p.id, p.lsoas.length]));
  for (const t of plan.teams) {
    const inTeam = new Map<string, number[]>();
    for (const v of t.lsoas) inTeam.set(patchOfLsoa.get(v)!, [...(inTeam.get(patchOfLsoa.get(v)!) ?? []), v]);
    const pieces = [...inTeam.entries()]
      .sort((a, b) => compareCodeUnits(a[0], b[0]))
      .flatMap(([patch, nodes]) =>
        nodes.length === patchSize.get(patch)
          ? [{ id: patch, geometry: shapes.get(patch)! }]
          : lsoaPieces(nodes),
      );
    draw(t.id, pieces, t.lsoas);
  }
  draw(
    plan.areaId,
    catchments,
    lsoas.map((_, i) => i),
  );
  return shapes;
}

/**
 * A one-piece union as a Polygon, as planners draw them; MultiPolygon only when it is in pieces.
 * Holes the layer checks would refuse as near-zero (slivers between real LSOAs that do not quite
 * meet, e.g. 0.55 m² in East Hertfordshire's outline) are dropped: they are no place a family lives.
 */
function simplest(geometry: MultiPolygon): AreaGeometry {
  const parts = geometry.coordinates.map(([outer, ...holes]) => [
    outer!,
    ...holes.filter((hole) => !isNearZeroRing(hole)),
  ]);
  return parts.length === 1
    ? { type: 'Polygon', coordinates: parts[0]! }
    : { type: 'MultiPolygon', coordinates: parts };
}

/**
 * The plan puts every site strictly inside one LSOA of its hub's catchment; this checks the drawn
 * catchments agree (inside its hub's catchment, on no boundary), as lookups will see them.
 */
function checkSitesInCatchments(plan: DistrictPlan, sites: readonly Site[], catchments: Layer): void {
  const index = PolygonIndex.build(catchments.features.map((f) => f.geometry));
  const ids = catchments.features.map((f) => f.properties.id);
  for (const site of sites) {
    const hubId = site.kind === 'hub' ? site.id : site.hubId!;
    const m = index.match(site.location.lng, site.location.lat);
    if (m.index < 0 || ids[m.index] !== hubId || m.onBoundary) {
      throw new Error(
        `District ${plan.code}: ${site.id} at ${site.postcode} is not strictly inside the catchment of ${hubId}`,
      );
    }
  }
}
