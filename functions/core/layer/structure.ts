// The GeoJSON envelope checks, by `geojson-validation`, with its trace messages reworded for a GIS
// officer.
//
// The library is handed *stubs*: the members it checks (type, properties, geometry, bbox, features)
// copied from the input, with coordinates and features left empty. Its own coordinate walk is not
// safe on hostile input: it concatenates arrays once per bad position (quadratic: a ring of 50,000
// string positions takes minutes), throws on an empty ring (`coordinates[0].toString()`), and
// looks the raw `type` up in a plain object (`"__proto__"` makes it call a non-function). The
// coordinate checks it would make are done, with locations, in ./coordinates.ts.
import gjv from 'geojson-validation';
import { truncate } from '../errors.js';
import type { LayerProblem } from './problems.js';

type Check = (stub: unknown, trace: true) => string[];

/** Attribute values are flat in every GIS; deeper than this is not an attribute table. */
export const MAX_PROPERTY_DEPTH = 16;

/** Own-property read: never reaches `Object.prototype` (`constructor`, `__proto__`, `toString`). */
export function own(object: object, key: string): unknown {
  return Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

export function isPlainObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stub(source: object, keys: readonly string[], replace: Readonly<Record<string, unknown>>): object {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    if (Object.hasOwn(source, key)) out[key] = key in replace ? replace[key] : own(source, key);
  }
  return out;
}

/** Runs one library check; a throw (a library bug on odd input) becomes a message, never a crash. */
function run(check: Check, value: object): string[] {
  try {
    const result: unknown = check(value, true);
    return Array.isArray(result) ? result.filter((m): m is string => typeof m === 'string') : [];
  } catch (error) {
    return [`the GeoJSON validator failed on this object (${truncate(String(error), 60)})`];
  }
}

/** Checks the FeatureCollection envelope (type, features array, bbox); not the features. */
export function checkCollectionEnvelope(collection: object): LayerProblem[] {
  const features = own(collection, 'features');
  const value = stub(
    collection,
    ['type', 'features', 'bbox'],
    Array.isArray(features) ? { features: [] } : {},
  );
  return run(gjv.isFeatureCollection, value).map((m) => translate(m, undefined, 'collection'));
}

/** Checks one Feature's envelope (type, properties, geometry member, bbox); not its geometry. */
export function checkFeatureEnvelope(feature: object, label: string): LayerProblem[] {
  const value = stub(feature, ['type', 'properties', 'geometry', 'bbox'], { geometry: null });
  const problems = run(gjv.isFeature, value).map((m) => translate(m, label, 'feature'));
  const properties = own(feature, 'properties');
  if (isPlainObject(properties)) {
    for (const key of Object.keys(properties)) {
      if (nestedDeeperThan(own(properties, key), MAX_PROPERTY_DEPTH)) {
        problems.push({
          kind: 'structure',
          feature: label,
          message: `Property ${JSON.stringify(truncate(key, 40))} is nested more than ${MAX_PROPERTY_DEPTH} levels deep. Layer properties are attributes: text, numbers, or small lists.`,
        });
      }
    }
  } else if (properties !== undefined && properties !== null) {
    problems.push({
      kind: 'structure',
      feature: label,
      message: `"properties" must be an object (or null) but is ${Array.isArray(properties) ? 'an array' : typeof properties}. Put the feature's attributes in an object, e.g. "properties": {"id": "H01", "name": "Stroud"}.`,
    });
  }
  return problems;
}

/** Checks a Polygon/MultiPolygon envelope (coordinates member present, bbox); not the coordinates. */
export function checkGeometryEnvelope(
  geometry: object,
  type: 'Polygon' | 'MultiPolygon',
  label: string,
): LayerProblem[] {
  const value = stub(geometry, ['type', 'coordinates', 'bbox'], { coordinates: [] });
  const check = type === 'Polygon' ? gjv.isPolygon : gjv.isMultiPolygon;
  return run(check, value).map((m) => translate(m, label, 'geometry'));
}

type Level = 'collection' | 'feature' | 'geometry';

/** Rewords one trace message (`at 3: at 0: bbox must be an array`) into a problem. */
function translate(trace: string, label: string | undefined, level: Level): LayerProblem {
  // The library prefixes messages from nested objects with their index path.
  const message = trace.replace(/^(at \d+: )+/, '');
  const where = level === 'collection' ? 'The layer' : level === 'feature' ? 'This feature' : 'Its geometry';
  const base = label === undefined ? {} : { feature: label };
  if (/^must have a member with the name "geometry"$/.test(message)) {
    return {
      ...base,
      kind: 'missing-geometry',
      message:
        'The feature has no "geometry" member. Every feature of a layer needs a Polygon or MultiPolygon geometry; remove the feature or draw its area.',
    };
  }
  if (/^must have a member with the name "coordinates"$/.test(message)) {
    return {
      ...base,
      kind: 'malformed-coordinates',
      message: 'The geometry has no "coordinates" member. Export the layer again from your GIS as GeoJSON.',
    };
  }
  const known: Readonly<Record<string, string>> = {
    'must have a member with the name "properties"':
      'The feature has no "properties" member, which GeoJSON requires. Add "properties": {…} with the feature\'s id.',
    'must have a member with the name "Features"':
      'The FeatureCollection has no "features" member. Put the features in a "features" array.',
    '"Features" must be an array': 'The "features" member must be an array of Feature objects.',
    'type must be "Feature"':
      'Every member of "features" must be an object with "type": "Feature", a geometry and properties.',
    'must have a member with the name "type"': `${where} has no "type" member.`,
    'bbox must be an array': `${where} has a "bbox" that is not an array. Remove the bbox or send [west, south, east, north].`,
    'bbox, must be a 2*n array': `${where} has a "bbox" with an odd number of values. Remove the bbox or send [west, south, east, north].`,
    'must be a JSON Object': `${where} is not a JSON object.`,
  };
  return {
    ...base,
    kind: 'structure',
    message: known[message] ?? `${where} is not valid GeoJSON: ${truncate(message, 120)}.`,
  };
}

/**
 * Whether a value nests arrays/objects more than `limit` levels deep. Iterative, so a hostile
 * 100,000-level value cannot overflow the stack here; properties that pass stay safe to hand to
 * recursive code later (JSON.stringify, store marshalling).
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= limit) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (let i = 0; i < children.length; i++) stack.push([children[i], depth + 1]);
  }
  return false;
}
