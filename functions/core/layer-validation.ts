// Input checks for uploaded boundary layers (hub catchments, HV patches, midwifery teams, the area
// outline): everything that can be said about a GeoJSON upload before anything expensive happens,
// each problem located and worded for the GIS officer who has to fix it. The problem kinds are
// documented in docs/layer-checks.md. OGC validity (self-intersections) is the coverage checks' job.
//
// Order matters for hostile or oversized input: the envelope first (O(1)), then the vertex caps
// with a count that reads array lengths only and stops at the cap, and only then the per-vertex
// walk. Nothing here recurses into the input, so nesting depth costs nothing.
import { InvalidRequestError, truncate } from './errors.js';
import { bngPositionToLngLat } from './geo/bng.js';
import { type LayerCrs, placeOf, rangeProblem, scanCoordinates } from './layer/coordinates.js';
import { countVertices, type VertexCount } from './layer/count.js';
import {
  describeValue,
  formatAbout,
  formatCount,
  LAYER_PROBLEM_KINDS,
  type LayerProblem,
  type LayerProblemKind,
  MAX_PROBLEMS_PER_KIND,
  ProblemSink,
  roundLocation,
} from './layer/problems.js';
import {
  checkCollectionEnvelope,
  checkFeatureEnvelope,
  checkGeometryEnvelope,
  isPlainObject,
  own,
} from './layer/structure.js';
import type { AreaGeometry, Layer, LayerFeature, LayerFeatureProperties } from './model.js';

export {
  LAYER_PROBLEM_KINDS,
  type LayerCrs,
  type LayerProblem,
  type LayerProblemKind,
  MAX_PROBLEMS_PER_KIND,
};

export interface LayerLimits {
  /** Vertices (positions) of one feature's geometry, all rings and parts of a MultiPolygon included. */
  readonly maxVerticesPerPolygon: number;
  readonly maxVerticesPerLayer: number;
  readonly maxFeatures: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = Object.freeze({
  maxVerticesPerPolygon: 50_000,
  maxVerticesPerLayer: 500_000,
  maxFeatures: 10_000,
});

export interface LayerCheckOptions {
  /** Property holding the feature id (`feature.id` is accepted too when this is `'id'`). */
  readonly idProperty: string;
  /** Property holding the display name; default `'name'`, falling back to the id. */
  readonly nameProperty?: string;
  readonly limits?: Partial<LayerLimits>;
  /** The CRS of the upload's coordinates; default WGS84. EPSG:27700 is reprojected to WGS84. */
  readonly crs?: LayerCrs;
}

export interface LayerStats {
  readonly features: number;
  /** Positions counted by the cap check; a lower bound when `verticesExact` is false. */
  readonly vertices: number;
  /** False when counting stopped at a cap, so `vertices` is a lower bound. */
  readonly verticesExact: boolean;
}

export interface LayerCheckResult {
  readonly problems: readonly LayerProblem[];
  /** The layer normalised to the model's Layer (properties.id/name strings, other props kept), when no blocking problem. */
  readonly layer?: Layer;
  readonly stats: LayerStats;
}

/** Reads a CRS as users spell it (`EPSG:27700`, `27700`, `BNG`, `CRS84`, OGC URNs...); undefined if unknown. */
export function parseLayerCrs(text: string): LayerCrs | undefined {
  const value = text.trim().toUpperCase();
  if (
    /^(EPSG:?:?)?4326$|^(OGC:)?CRS84$|^WGS ?84$|^URN:OGC:DEF:CRS:(EPSG::4326|OGC:1\.3:CRS84)$/.test(value)
  ) {
    return 'EPSG:4326';
  }
  if (/^(EPSG:?:?)?27700$|^BNG$|^OSGB ?36$|^URN:OGC:DEF:CRS:EPSG::27700$/.test(value)) return 'EPSG:27700';
  return undefined;
}

const GEOJSON_GEOMETRY_TYPES = new Set([
  'Point',
  'MultiPoint',
  'LineString',
  'MultiLineString',
  'Polygon',
  'MultiPolygon',
  'GeometryCollection',
]);

/** Ids are keys in stores and URLs: longer than this is a wrong column, not an id. */
const MAX_ID_LENGTH = 200;

type IdReading =
  | { readonly ok: true; readonly id: string }
  | { readonly ok: false; readonly kind: 'missing-id' | 'empty-id' | 'invalid-id'; readonly raw: unknown };

interface Resolved {
  readonly idProperty: string;
  readonly nameProperty: string;
  readonly limits: LayerLimits;
  readonly crs: LayerCrs;
}

/**
 * Checks an uploaded layer. Never throws for any `input` (hostile or not); throws
 * `InvalidRequestError` only for invalid `options` (an empty id property, a bad limit, an unknown CRS).
 */
export function checkLayer(input: unknown, options: LayerCheckOptions): LayerCheckResult {
  const opts = resolveOptions(options);
  const noStats: LayerStats = { features: 0, vertices: 0, verticesExact: true };

  if (!isPlainObject(input)) {
    return {
      problems: [notACollection(`The upload is ${describeValue(input)}, not a JSON object.`)],
      stats: noStats,
    };
  }
  const type = own(input, 'type');
  if (type !== 'FeatureCollection') return { problems: [notACollection(wrongTopType(type))], stats: noStats };
  const envelope = checkCollectionEnvelope(input);
  const features = own(input, 'features');
  if (!Array.isArray(features)) return { problems: envelope, stats: noStats };
  if (features.length === 0) {
    return {
      problems: [
        ...envelope,
        {
          kind: 'empty-layer',
          message:
            'The layer has no features. Export the layer again with its polygons, or check the right file was sent.',
        },
      ],
      stats: noStats,
    };
  }

  const lead: LayerProblem[] = [...envelope];
  const { limits } = opts;
  const tooManyFeatures = features.length > limits.maxFeatures;
  if (tooManyFeatures) {
    lead.push({
      kind: 'too-many-features',
      message:
        `The layer has ${formatCount(features.length)} features; the limit is ${formatCount(limits.maxFeatures)}. ` +
        'Split it into smaller layers, or dissolve small units into the areas you need (e.g. mapshaper -dissolve <field>).',
    });
  }

  // The caps, before any per-vertex work. With too many features only the first `maxFeatures` are
  // counted, so the work stays bounded whatever the array's length.
  const scanLimit = Math.min(features.length, limits.maxFeatures);
  const overFeature = new Map<number, VertexCount>();
  let vertices = 0;
  let verticesExact = !tooManyFeatures;
  let layerOver = false;
  let scanned = 0;
  for (let i = 0; i < scanLimit; i++) {
    const geometry = geometryOf(features[i]);
    scanned = i + 1;
    if (geometry === undefined) continue;
    const count = countVertices(
      own(geometry, 'type'),
      own(geometry, 'coordinates'),
      limits.maxVerticesPerPolygon,
    );
    if (count.count > limits.maxVerticesPerPolygon) overFeature.set(i, count);
    if (!count.exact) verticesExact = false;
    vertices += count.count;
    if (vertices > limits.maxVerticesPerLayer) {
      layerOver = true;
      if (i < features.length - 1) verticesExact = false;
      break;
    }
  }
  if (layerOver) lead.push(layerCapProblem(vertices, verticesExact, scanned, features.length, limits));
  const stats: LayerStats = { features: features.length, vertices, verticesExact };

  const sink = new ProblemSink();
  if (tooManyFeatures) {
    // Nothing per feature beyond the first `maxFeatures`: the array may be any length.
    for (const [i, count] of overFeature) {
      const feature: unknown = features[i];
      const reading = isPlainObject(feature) ? readId(feature, opts) : undefined;
      sink.add(featureCapProblem(feature, reading?.ok ? reading.id : `#${i}`, count, limits, opts.crs));
    }
    return { problems: [...lead, ...sink.toList()], stats };
  }

  // Index loops rather than map/every/forEach: those skip the holes of a sparse array.
  const readings: (IdReading | undefined)[] = [];
  for (let i = 0; i < features.length; i++) {
    const feature: unknown = features[i];
    readings.push(isPlainObject(feature) ? readId(feature, opts) : undefined);
  }
  const labelOf = (i: number) => {
    const reading = readings[i];
    return reading?.ok ? reading.id : `#${i}`;
  };

  // Duplicate ids are reported once, at the second feature carrying the id, naming all of them.
  const byId = new Map<string, number[]>();
  for (let i = 0; i < readings.length; i++) {
    const reading = readings[i];
    if (!reading?.ok) continue;
    const list = byId.get(reading.id);
    if (list) list.push(i);
    else byId.set(reading.id, [i]);
  }
  const missingEverywhere =
    features.length > 1 &&
    readings.every((reading) => reading !== undefined && !reading.ok && reading.kind === 'missing-id');
  if (missingEverywhere) lead.push(missingIdEverywhere(features, opts.idProperty));

  const bngLike: { label: string; first: readonly [number, number] }[] = [];
  const swappedLike: { label: string; first: readonly [number, number] }[] = [];
  const degreesLike: { label: string; first: readonly [number, number] }[] = [];
  const emit = (problem: LayerProblem) => sink.add(problem);

  for (let i = 0; i < features.length; i++) {
    const feature: unknown = features[i];
    const label = labelOf(i);
    if (!isPlainObject(feature)) {
      emit({
        kind: 'structure',
        feature: label,
        message: `Feature #${i} is ${describeValue(feature)}, not a Feature object. Every member of "features" must be {"type": "Feature", "geometry": …, "properties": …}.`,
      });
      continue;
    }
    for (const problem of checkFeatureEnvelope(feature, label)) emit(problem);
    const reading = readings[i]!;
    const firstPlace = () => firstPlaceOf(feature, opts.crs);
    if (!reading.ok && !(missingEverywhere && reading.kind === 'missing-id')) {
      emit(idProblem(reading, feature, label, opts.idProperty, firstPlace()));
    }
    if (reading.ok && byId.get(reading.id)![1] === i) {
      emit(duplicateProblem(reading.id, byId.get(reading.id)!, features, opts, firstPlace()));
    }

    const geometry = own(feature, 'geometry');
    if (geometry === undefined || geometry === null) {
      // A missing member was reported by the envelope check; a null (or undefined) one is ours.
      if (!Object.hasOwn(feature, 'geometry')) continue;
      emit({
        kind: 'missing-geometry',
        feature: label,
        message:
          'The feature has no geometry (null). Every feature of a layer needs a Polygon or MultiPolygon: remove the feature or draw its area.',
      });
      continue;
    }
    if (!isPlainObject(geometry)) {
      emit({
        kind: 'structure',
        feature: label,
        message: `The feature's "geometry" is ${describeValue(geometry)}, not a geometry object.`,
      });
      continue;
    }
    const geometryType = own(geometry, 'type');
    if (geometryType !== 'Polygon' && geometryType !== 'MultiPolygon') {
      emit(unsupportedGeometry(geometryType, label));
      continue;
    }
    for (const problem of checkGeometryEnvelope(geometry, geometryType, label)) emit(problem);
    const coordinates = own(geometry, 'coordinates');
    if (!Array.isArray(coordinates)) {
      // A missing member was reported by the envelope check.
      if (Object.hasOwn(geometry, 'coordinates')) {
        emit({
          kind: 'malformed-coordinates',
          feature: label,
          message: `The geometry's "coordinates" is ${describeValue(coordinates)}, not an array. Export the layer again from your GIS as GeoJSON.`,
        });
      }
      continue;
    }
    const over = overFeature.get(i);
    if (over) {
      emit(featureCapProblem(feature, label, over, limits, opts.crs));
      continue;
    }
    if (layerOver) continue; // no per-vertex work past the layer cap

    const scan = scanCoordinates(geometryType, coordinates, opts.crs, label, emit);
    if (opts.crs === 'EPSG:4326') {
      // Real BNG positions in Great Britain are all beyond 180/90 and kilometres from the grid's
      // origin, so a feature counts as BNG only when every position is out of the degree range and
      // inside the grid, and some value reaches 1,000 m.
      const bng = scan.outOfRange === scan.numeric && scan.allInBng && scan.anyKilometre;
      if (bng && scan.first) {
        bngLike.push({ label, first: scan.first });
        continue;
      }
      const range = rangeProblem(label, opts.crs, scan.range);
      if (range) emit(range);
      else if (scan.numeric > 0 && scan.allSwappedUk && scan.first)
        swappedLike.push({ label, first: scan.first });
    } else if (scan.numeric > 0 && scan.allDegrees && scan.first) {
      degreesLike.push({ label, first: scan.first });
    } else {
      const range = rangeProblem(label, opts.crs, scan.range);
      if (range) emit(range);
    }
  }

  if (bngLike.length > 0) lead.push(bngProblem(bngLike, features.length, fileSaysBng(input)));
  if (swappedLike.length > 0) lead.push(swappedProblem(swappedLike, features.length));
  if (degreesLike.length > 0) lead.push(degreesProblem(degreesLike, features.length));

  const problems = [...lead, ...sink.toList()];
  if (problems.length > 0) return { problems, stats };
  return { problems, stats, layer: buildLayer(features, readings, opts) };
}

function resolveOptions(options: LayerCheckOptions): Resolved {
  if (typeof options?.idProperty !== 'string' || options.idProperty === '') {
    throw new InvalidRequestError(
      'Name the property that holds each feature\'s id (e.g. idProperty "hub_id").',
    );
  }
  const crs = options.crs ?? 'EPSG:4326';
  if (crs !== 'EPSG:4326' && crs !== 'EPSG:27700') {
    throw new InvalidRequestError(
      `Unknown CRS "${truncate(String(crs))}". Send EPSG:4326 (WGS84 lng/lat, the default) or EPSG:27700 (British National Grid).`,
    );
  }
  const limits = { ...DEFAULT_LAYER_LIMITS };
  for (const key of Object.keys(DEFAULT_LAYER_LIMITS) as (keyof LayerLimits)[]) {
    const value = options.limits?.[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new InvalidRequestError(
        `Limit ${key} must be a positive whole number, got ${truncate(String(value))}.`,
      );
    }
    limits[key] = value;
  }
  return { idProperty: options.idProperty, nameProperty: options.nameProperty || 'name', limits, crs };
}

function notACollection(message: string): LayerProblem {
  return {
    kind: 'not-a-feature-collection',
    message: `${message} A layer is a GeoJSON FeatureCollection: {"type": "FeatureCollection", "features": [ … ]}.`,
  };
}

function wrongTopType(type: unknown): string {
  if (type === undefined) return 'The upload has no "type" member.';
  if (type === 'Feature') return 'The upload is a single Feature: wrap it in a FeatureCollection.';
  if (type === 'Topology')
    return 'The upload is TopoJSON: convert it to GeoJSON first (e.g. mapshaper -o format=geojson).';
  if (typeof type === 'string' && GEOJSON_GEOMETRY_TYPES.has(type)) {
    return `The upload is a bare ${type} geometry: put it in a Feature with its id in "properties", inside a FeatureCollection.`;
  }
  return `The upload's "type" is ${describeValue(type)}, not "FeatureCollection".`;
}

/** The feature's geometry object when it has one (for the cap count); never throws. */
function geometryOf(feature: unknown): object | undefined {
  if (!isPlainObject(feature)) return undefined;
  const geometry = own(feature, 'geometry');
  return isPlainObject(geometry) ? geometry : undefined;
}

/** The first position of a feature's first ring, as a map location: O(1), for problem locations. */
function firstPlaceOf(feature: object, crs: LayerCrs): readonly [number, number] | undefined {
  const geometry = geometryOf(feature);
  if (!geometry) return undefined;
  const type = own(geometry, 'type');
  let node: unknown = own(geometry, 'coordinates');
  const depth = type === 'Polygon' ? 2 : type === 'MultiPolygon' ? 3 : 0;
  if (depth === 0) return undefined;
  for (let level = 0; level < depth; level++) {
    if (!Array.isArray(node) || node.length === 0) return undefined;
    node = node[0];
  }
  if (!Array.isArray(node)) return undefined;
  const [x, y] = node as unknown[];
  return typeof x === 'number' && typeof y === 'number' ? placeOf(x, y, crs) : undefined;
}

function readId(feature: object, opts: Resolved): IdReading {
  const properties = own(feature, 'properties');
  let raw = isPlainObject(properties) ? own(properties, opts.idProperty) : undefined;
  if ((raw === undefined || raw === null) && opts.idProperty === 'id') raw = own(feature, 'id');
  if (raw === undefined || raw === null) return { ok: false, kind: 'missing-id', raw };
  if (typeof raw === 'number') {
    return Number.isFinite(raw) ? { ok: true, id: String(raw) } : { ok: false, kind: 'invalid-id', raw };
  }
  if (typeof raw !== 'string' || raw.length > MAX_ID_LENGTH) return { ok: false, kind: 'invalid-id', raw };
  if (raw.trim() === '') return { ok: false, kind: 'empty-id', raw };
  return { ok: true, id: raw };
}

function propertyNames(feature: unknown): string[] {
  if (!isPlainObject(feature)) return [];
  const properties = own(feature, 'properties');
  if (!isPlainObject(properties)) return [];
  return Object.keys(properties)
    .slice(0, 12)
    .map((key) => truncate(key, 40));
}

function idProblem(
  reading: Extract<IdReading, { ok: false }>,
  feature: object,
  label: string,
  idProperty: string,
  location: readonly [number, number] | undefined,
): LayerProblem {
  const base = { feature: label, ...(location ? { location } : {}) };
  const prop = JSON.stringify(truncate(idProperty, 40));
  if (reading.kind === 'missing-id') {
    const names = propertyNames(feature);
    return {
      ...base,
      kind: 'missing-id',
      message:
        `The feature has no property ${prop}${idProperty === 'id' ? ' (nor a feature "id")' : ''}, so it cannot be identified. ` +
        (names.length > 0 ? `Its properties are: ${names.join(', ')}. ` : 'It has no properties. ') +
        'Give every feature a unique id in that property.',
    };
  }
  if (reading.kind === 'empty-id') {
    return {
      ...base,
      kind: 'empty-id',
      message: `The ${prop} property is empty. Give every feature a unique, non-empty id.`,
    };
  }
  const tooLong = typeof reading.raw === 'string';
  return {
    ...base,
    kind: 'invalid-id',
    message: tooLong
      ? `The ${prop} property is ${formatCount((reading.raw as string).length)} characters long; ids are at most ${MAX_ID_LENGTH}. Is it the right property?`
      : `The ${prop} property is ${describeValue(reading.raw)}; an id must be a string or a number.`,
  };
}

function missingIdEverywhere(features: readonly unknown[], idProperty: string): LayerProblem {
  const names = propertyNames(features[0]);
  return {
    kind: 'missing-id',
    message:
      `None of the ${formatCount(features.length)} features has the property ${JSON.stringify(truncate(idProperty, 40))}` +
      `${idProperty === 'id' ? ' (nor a feature "id")' : ''}. ` +
      (names.length > 0
        ? `The first feature's properties are: ${names.join(', ')}. If one of them is the id, name it as the id property (--id-property on the CLI).`
        : 'The first feature has no properties: add a unique id property to every feature.'),
  };
}

function duplicateProblem(
  id: string,
  indexes: readonly number[],
  features: readonly unknown[],
  opts: Resolved,
  location: readonly [number, number] | undefined,
): LayerProblem {
  const shown = indexes.slice(0, 5).map((i) => {
    const name = nameOf(features[i], opts);
    return name === undefined ? `#${i}` : `#${i} (${JSON.stringify(truncate(name, 40))})`;
  });
  const rest = indexes.length > 5 ? ` and ${formatCount(indexes.length - 5)} more` : '';
  const list = indexes.length === 2 ? `${shown[0]} and ${shown[1]}` : `${shown.join(', ')}${rest}`;
  return {
    kind: 'duplicate-id',
    feature: id,
    ...(location ? { location } : {}),
    message:
      `Id ${JSON.stringify(id)} is used by ${indexes.length} features: ${list} (feature numbers count from 0). ` +
      'Ids must be unique within a layer: renumber one, or merge the parts into one MultiPolygon feature.',
  };
}

function nameOf(feature: unknown, opts: Resolved): string | undefined {
  if (!isPlainObject(feature)) return undefined;
  const properties = own(feature, 'properties');
  if (!isPlainObject(properties)) return undefined;
  const name = own(properties, opts.nameProperty);
  if (typeof name === 'string' && name.trim() !== '') return name;
  if (typeof name === 'number' && Number.isFinite(name)) return String(name);
  return undefined;
}

function unsupportedGeometry(type: unknown, label: string): LayerProblem {
  if (typeof type !== 'string' || !GEOJSON_GEOMETRY_TYPES.has(type)) {
    return {
      kind: 'structure',
      feature: label,
      message: `The geometry's "type" is ${describeValue(type)}, not a GeoJSON geometry type. A layer needs "Polygon" or "MultiPolygon".`,
    };
  }
  const advice: Readonly<Record<string, string>> = {
    Point: 'Points have no area: hub and spoke sites belong in the sites list, not in a boundary layer.',
    MultiPoint: 'Points have no area: hub and spoke sites belong in the sites list, not in a boundary layer.',
    LineString:
      'A boundary drawn as a line has no inside: convert lines to polygons (QGIS: Vector ▸ Geometry Tools ▸ Lines to Polygons).',
    MultiLineString:
      'A boundary drawn as lines has no inside: convert lines to polygons (QGIS: Vector ▸ Geometry Tools ▸ Lines to Polygons).',
    GeometryCollection:
      'Combine its polygons into one MultiPolygon and drop any points or lines (QGIS: Vector ▸ Geometry Tools ▸ Collect Geometries).',
  };
  return {
    kind: 'unsupported-geometry',
    feature: label,
    message:
      `The feature is a ${type}; a layer holds areas (Polygon or MultiPolygon). ${advice[type] ?? ''}`.trim(),
  };
}

function simplifyHint(count: number, cap: number): string {
  const keep = Math.max(1, Math.floor((90 * cap) / Math.max(count, 1)));
  return `mapshaper's -simplify (e.g. \`mapshaper in.geojson -simplify ${keep}% keep-shapes -o out.geojson\`) or QGIS Simplify`;
}

function featureCapProblem(
  feature: unknown,
  label: string,
  count: VertexCount,
  limits: LayerLimits,
  crs: LayerCrs,
): LayerProblem {
  const location = isPlainObject(feature) ? firstPlaceOf(feature, crs) : undefined;
  const cap = limits.maxVerticesPerPolygon;
  return {
    kind: 'too-many-vertices-in-feature',
    feature: label,
    ...(location ? { location } : {}),
    message:
      `The feature has ${count.exact ? '' : 'at least '}${formatCount(count.count)} vertices; the limit is ` +
      `${formatCount(cap)} per feature. Simplify it with ${simplifyHint(count.count, cap)}, or split it into smaller features.`,
  };
}

function layerCapProblem(
  counted: number,
  exact: boolean,
  scanned: number,
  total: number,
  limits: LayerLimits,
): LayerProblem {
  const cap = limits.maxVerticesPerLayer;
  // Counting stopped at the cap: extrapolate so the officer knows how far to simplify.
  const estimate = exact ? counted : Math.round((counted / Math.max(scanned, 1)) * total);
  const what = exact
    ? `${formatCount(counted)} vertices`
    : `at least ${formatCount(counted)} vertices in its first ${formatCount(scanned)} of ${formatCount(total)} features ` +
      `(${formatAbout(estimate)} in all, counting stopped at the limit)`;
  return {
    kind: 'too-many-vertices-in-layer',
    message:
      `The layer has ${what}; the limit is ${formatCount(cap)} per layer. ` +
      `Simplify it with ${simplifyHint(estimate, cap)}, or split it into several layers.`,
  };
}

function listFeatures(items: readonly { label: string }[]): string {
  const shown = items.slice(0, 5).map((item) => item.label);
  return items.length > 5
    ? `${shown.join(', ')} and ${formatCount(items.length - 5)} more`
    : shown.join(', ');
}

/** "All 373 features", "The feature", "3 of 373 features" (lower-cased mid-sentence). */
function howMany(n: number, total: number, midSentence = false): string {
  const text =
    n !== total
      ? `${formatCount(n)} of ${formatCount(total)} features`
      : total === 1
        ? 'The feature'
        : `All ${formatCount(total)} features`;
  return midSentence ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

function bngProblem(
  items: readonly { label: string; first: readonly [number, number] }[],
  total: number,
  fileSays: boolean,
): LayerProblem {
  const { label, first } = items[0]!;
  const location = placeOf(first[0], first[1], 'EPSG:27700');
  return {
    kind: 'looks-like-bng',
    feature: label,
    ...(location ? { location } : {}),
    message:
      `${howMany(items.length, total)} (${listFeatures(items)}) ${items.length === 1 ? 'has' : 'have'} coordinates in metres that look like British National Grid ` +
      `(EPSG:27700) eastings and northings: ${label} starts at [${first[0]}, ${first[1]}]` +
      `${location ? `, which is [${location[0]}, ${location[1]}] in WGS84` : ''}` +
      `${fileSays ? ', and the file\'s own "crs" member says EPSG:27700' : ''}. ` +
      'Send the layer again saying it is in British National Grid (crs EPSG:27700: ?crs=EPSG:27700 on the API, --crs EPSG:27700 ' +
      'on the CLI) and it will be reprojected, or reproject it to WGS84 (EPSG:4326) in your GIS before exporting.',
  };
}

function swappedProblem(
  items: readonly { label: string; first: readonly [number, number] }[],
  total: number,
): LayerProblem {
  const { label, first } = items[0]!;
  return {
    kind: 'looks-like-lat-lng',
    feature: label,
    location: roundLocation(first[1], first[0]),
    message:
      `${howMany(items.length, total)} (${listFeatures(items)}) ${items.length === 1 ? 'looks' : 'look'} like [latitude, longitude] instead of GeoJSON's ` +
      `[longitude, latitude]: ${label} starts at [${first[0]}, ${first[1]}], which is in the Indian Ocean, while ` +
      `[${first[1]}, ${first[0]}] is in the UK. Swap the two numbers of every position (QGIS: "Swap X and Y coordinates"), ` +
      'or if the layer is in British National Grid send it with crs EPSG:27700 (?crs= on the API, --crs on the CLI).',
  };
}

function degreesProblem(
  items: readonly { label: string; first: readonly [number, number] }[],
  total: number,
): LayerProblem {
  const { label, first } = items[0]!;
  return {
    kind: 'looks-like-wgs84',
    feature: label,
    location: roundLocation(first[0], first[1]),
    message:
      `The layer was sent as British National Grid (EPSG:27700), but ${howMany(items.length, total, true)} ` +
      `(${listFeatures(items)}) ${items.length === 1 ? 'has' : 'have'} coordinates that look like WGS84 degrees: ${label} starts at [${first[0]}, ${first[1]}]. ` +
      'Send it again without crs EPSG:27700 (WGS84 longitude/latitude is the default).',
  };
}

/** Whether the file carries the legacy GeoJSON 2008 `crs` member naming EPSG:27700. */
function fileSaysBng(collection: object): boolean {
  const crs = own(collection, 'crs');
  if (!isPlainObject(crs)) return false;
  const properties = own(crs, 'properties');
  if (!isPlainObject(properties)) return false;
  const name = own(properties, 'name');
  return typeof name === 'string' && /(^|\D)27700(\D|$)/.test(name);
}

// Building the normalised layer runs only on input that passed every check, so every geometry is
// known here to be a well-formed Polygon or MultiPolygon of numeric positions.

function buildLayer(
  features: readonly unknown[],
  readings: readonly (IdReading | undefined)[],
  opts: Resolved,
): Layer {
  const toPosition =
    opts.crs === 'EPSG:27700'
      ? (p: readonly number[]) => bngPositionToLngLat(p)
      : (p: readonly number[]): [number, number] => [p[0]!, p[1]!];
  // A WGS84 ring of plain [lng, lat] pairs (checked above) is used as it is: copying the 1.9 M
  // positions of a national layer doubled its memory and garbage for nothing.
  const asIs = (ring: readonly (readonly number[])[]) =>
    opts.crs === 'EPSG:4326' && ring.every((position) => position.length === 2);
  const rings = (polygon: readonly (readonly (readonly number[])[])[]) =>
    polygon.map((ring) =>
      asIs(ring) ? (ring as [number, number][]) : ring.map((position) => toPosition(position)),
    );
  return {
    type: 'FeatureCollection',
    features: features.map((raw, i): LayerFeature => {
      const feature = raw as object;
      const geometry = own(feature, 'geometry') as { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
      const normalised: AreaGeometry =
        geometry.type === 'Polygon'
          ? { type: 'Polygon', coordinates: rings(geometry.coordinates as number[][][]) }
          : { type: 'MultiPolygon', coordinates: (geometry.coordinates as number[][][][]).map(rings) };
      const reading = readings[i] as { ok: true; id: string };
      return {
        type: 'Feature',
        properties: buildProperties(feature, reading.id, opts),
        geometry: normalised,
      };
    }),
  };
}

function buildProperties(feature: object, id: string, opts: Resolved): LayerFeatureProperties {
  const source = own(feature, 'properties');
  const out: Record<string, unknown> = {};
  if (isPlainObject(source)) {
    for (const key of Object.keys(source)) {
      // An own "__proto__" key from JSON.parse is inert, but assigning it would set a prototype.
      if (key !== '__proto__') out[key] = own(source, key);
    }
  }
  out.id = id;
  out.name = nameOf(feature, opts) ?? id;
  return out as LayerFeatureProperties;
}
