// `catchments draft put-layer <layer> <file>`: replace one layer of the draft with a GeoJSON file.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { LAYER_NAMES } from '../../core/model.js';
import {
  ADMIN_OPTIONS,
  adminRequest,
  adminTarget,
  describeDraft,
  printJson,
  withApiErrors,
} from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, requiredOption, stringOption, UsageError } from '../framework.js';

export const draftPutLayerCommand: CliCommand = {
  name: 'draft put-layer',
  summary: 'Replace one layer of the draft with a GeoJSON FeatureCollection (checked first)',
  args: '<layer> <file.geojson>',
  options: {
    ...ADMIN_OPTIONS,
    'id-property': {
      type: 'string',
      valueName: 'name',
      description: "Property holding each feature's id (required)",
    },
    'name-property': {
      type: 'string',
      valueName: 'name',
      description: 'Property holding the display name (default name)',
    },
    crs: {
      type: 'string',
      valueName: 'crs',
      description: 'EPSG:4326 (default) or EPSG:27700 (British National Grid)',
    },
    'if-revision': {
      type: 'string',
      valueName: 'n',
      description: 'Only if the draft is still at this revision',
    },
  },
  details: `Layers: ${LAYER_NAMES.join(', ')}. For catchments the id property holds the hub ids.
Example:
  catchments draft put-layer catchments catchments.geojson --area gloucestershire --id-property hub_id
Exit codes: 0 saved, 1 the layer has problems (each listed; nothing saved), 2 bad usage.`,
  async run(input) {
    const [layer, file] = input.positionals;
    if (!layer || !(LAYER_NAMES as readonly string[]).includes(layer)) {
      throw new UsageError(`give the layer first: one of ${LAYER_NAMES.join(', ')}`);
    }
    if (!file || input.positionals.length > 2) throw new UsageError('give one GeoJSON file after the layer');
    const target = adminTarget(input);
    const raw = await readFile(file);
    const text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8');
    const query = new URLSearchParams({ idProperty: requiredOption(input, 'id-property') });
    const nameProperty = stringOption(input, 'name-property');
    if (nameProperty) query.set('nameProperty', nameProperty);
    const crs = stringOption(input, 'crs');
    if (crs) query.set('crs', crs);
    const revision = stringOption(input, 'if-revision');
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'PUT', `/draft/layers/${layer}?${query}`, {
        body: text,
        contentType: 'application/geo+json',
        ...(revision ? { headers: { 'If-Match': `"${target.area}.draft.r${revision}"` } } : {}),
      });
      if (flag(input, 'json')) printJson(input, r.json);
      else input.io.stdout.write(`Saved the ${layer} layer.\n${describeDraft(r.json)}`);
      return EXIT_OK;
    });
  },
};
