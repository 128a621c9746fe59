// `catchments draft put-layer <layer> <file>`: replace one layer of the draft with a GeoJSON file
// or a zipped Shapefile. The file is sent as it is (a zip as application/zip): the service decodes
// it through the same adapter as the CLI (functions/adapters/layer-file.ts) and checks it.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { isZip } from '../../adapters/shapefile.js';
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
  summary: 'Replace one layer of the draft with a GeoJSON file or a zipped Shapefile (checked first)',
  args: '<layer> <file>',
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
      description: "GeoJSON's coordinates: EPSG:4326 (default) or EPSG:27700 (a Shapefile's .prj says)",
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
  catchments draft put-layer hv-patches patches-bng.zip --id-property patch_id   # zipped Shapefile
Exit codes: 0 saved, 1 the layer has problems (each listed; nothing saved), 2 bad usage.`,
  async run(input) {
    const [layer, file] = input.positionals;
    if (!layer || !(LAYER_NAMES as readonly string[]).includes(layer)) {
      throw new UsageError(`give the layer first: one of ${LAYER_NAMES.join(', ')}`);
    }
    if (!file || input.positionals.length > 2) throw new UsageError('give one layer file after the layer');
    const target = adminTarget(input);
    const raw = await readFile(file);
    const unpacked = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw;
    const zip = isZip(unpacked);
    const query = new URLSearchParams({ idProperty: requiredOption(input, 'id-property') });
    const nameProperty = stringOption(input, 'name-property');
    if (nameProperty) query.set('nameProperty', nameProperty);
    const crs = stringOption(input, 'crs');
    if (crs) query.set('crs', crs);
    const revision = stringOption(input, 'if-revision');
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'PUT', `/draft/layers/${layer}?${query}`, {
        body: zip ? unpacked : unpacked.toString('utf8'),
        contentType: zip ? 'application/zip' : 'application/geo+json',
        ...(revision ? { headers: { 'If-Match': `"${target.area}.draft.r${revision}"` } } : {}),
      });
      if (flag(input, 'json')) printJson(input, r.json);
      else input.io.stdout.write(`Saved the ${layer} layer.\n${describeDraft(r.json)}`);
      return EXIT_OK;
    });
  },
};
