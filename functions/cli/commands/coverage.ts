// `catchments coverage <geojson>`: does a layer tile its area? Invalid rings, overlaps between features,
// gaps (against the outline when given), features outside the outline; slivers apart. The engine is
// functions/core/coverage; semantics and the --json schema: docs/alignment.md.
import { writeFile } from 'node:fs/promises';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type CoverageIssue, type CoverageResult, checkCoverage } from '../../core/coverage/coverage.js';
import {
  type CliCommand,
  EXIT_FINDINGS,
  EXIT_OK,
  flag,
  formatTable,
  numberOption,
  requiredOption,
  stringOption,
  UsageError,
} from '../framework.js';
import { CRS_OPTION, crsOption, LAYER_FORMATS_NOTE } from '../layer-input.js';
import { readLayerFile } from './align.js';

function area(m2: number): string {
  if (m2 >= 1e6) return `${(m2 / 1e6).toFixed(2)} km²`;
  if (m2 >= 1e4) return `${(m2 / 1e4).toFixed(1)} ha`;
  return `${m2 < 10 ? m2.toFixed(2) : Math.round(m2)} m²`;
}

const at = (l: readonly [number, number] | null) => (l ? `${l[1].toFixed(5)}, ${l[0].toFixed(5)}` : '—');

function issueTable(
  title: string,
  list: readonly CoverageIssue[],
  total: { count: number; areaM2: number },
): string {
  if (total.count === 0) return '';
  const rows = list.map((i) => [
    area(i.areaM2),
    `${i.widthM < 10 ? i.widthM.toFixed(2) : Math.round(i.widthM)} m`,
    at(i.location),
    i.features.slice(0, 4).join(', ') + (i.features.length > 4 ? ', …' : ''),
  ]);
  const more = total.count > list.length ? `(${total.count - list.length} more in --json)\n` : '';
  return `${title} (${total.count}, ${area(total.areaM2)} in all):\n${formatTable([['area', 'mean width', 'near (lat, lng)', 'features'], ...rows], [0, 1])}${more}\n`;
}

export function describeCoverage(r: CoverageResult, label: string): string {
  const out: string[] = [];
  out.push(
    `Coverage of ${label}: ${r.features} features, ${area(r.areaM2)}` +
      (r.unionAreaM2 !== null ? ` (union ${area(r.unionAreaM2)})` : '') +
      (r.outlineAreaM2 !== null
        ? `; outline ${area(r.outlineAreaM2)}`
        : '; no outline (gaps = holes in the layer)'),
  );
  out.push(
    r.ok
      ? `No problem above the sliver tolerance${r.detached.length > 0 ? '; contiguity warnings below' : ''}.\n`
      : 'Problems found, largest first:\n',
  );
  if (r.invalid.length > 0) {
    out.push(`Invalid rings (${r.invalid.length}):`);
    out.push(
      formatTable([
        ['feature', 'problem', 'at (lat, lng)', 'detail'],
        ...r.invalid.slice(0, 30).map((p) => [p.feature, p.kind, at(p.location), p.message]),
      ]),
    );
  }
  if (r.detached.length > 0) {
    // Warnings, as at publish: a unit in pieces still tiles; validate exits 1 on them.
    out.push(
      `Contiguity warnings (${r.detached.length}): units in more than one piece, or island markers to fix:`,
    );
    out.push(
      formatTable([
        ['feature', 'problem', 'area', 'at (lat, lng)', 'detail'],
        ...r.detached
          .slice(0, 30)
          .map((p) => [
            p.feature,
            p.kind,
            p.areaM2 === undefined ? '—' : area(p.areaM2),
            at(p.location ?? null),
            p.message,
          ]),
      ]),
    );
    if (r.detached.length > 30) out.push(`(${r.detached.length - 30} more in --json)\n`);
  }
  out.push(issueTable('Overlaps between features', r.overlaps, r.totals.overlaps));
  out.push(issueTable('Gaps', r.gaps, r.totals.gaps));
  out.push(issueTable('Outside the outline', r.outside, r.totals.outside));
  const s = r.slivers;
  out.push(
    `Slivers (area < ${r.sliverTolerance.areaM2} m² or mean width < ${r.sliverTolerance.widthM} m; digitising noise): ` +
      `${s.gaps.count} gaps (${area(s.gaps.areaM2)}), ${s.overlaps.count} overlaps (${area(s.overlaps.areaM2)}), ` +
      `${s.outside.count} outside the outline (${area(s.outside.areaM2)}).`,
  );
  const largest = s.listed.slice().sort((x, y) => y.areaM2 - x.areaM2)[0];
  if (largest)
    out.push(
      `Largest sliver: ${largest.kind} of ${area(largest.areaM2)} near ${at(largest.location)} (${largest.features.join(', ')}).`,
    );
  for (const note of r.notes) out.push(`Note: ${note}`);
  return `${out.filter((l) => l !== '').join('\n')}\n`;
}

/** Every located problem as one GeoJSON FeatureCollection, for a map. */
function problemsAsGeoJSON(r: CoverageResult): FeatureCollection<Geometry | null> {
  const features: Feature<Geometry | null>[] = [];
  for (const p of r.invalid) {
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [...p.location] },
      properties: { ...p, location: undefined },
    });
  }
  for (const d of r.detached) {
    const { geometry, location, ...properties } = d;
    features.push({
      type: 'Feature',
      geometry: geometry ?? (location ? { type: 'Point', coordinates: [...location] } : null),
      properties,
    });
  }
  for (const i of [...r.overlaps, ...r.gaps, ...r.outside, ...r.slivers.listed]) {
    const { geometry, ...properties } = i;
    features.push({ type: 'Feature', geometry, properties });
  }
  return { type: 'FeatureCollection', features };
}

export const coverageCommand: CliCommand = {
  name: 'coverage',
  summary:
    'Check that a layer tiles its area: invalid rings, overlaps, gaps, parts outside the outline, detached parts',
  args: '<layer>',
  options: {
    'id-property': {
      type: 'string',
      valueName: 'property',
      description: "Property holding each feature's id (required)",
    },
    'name-property': {
      type: 'string',
      valueName: 'property',
      description: 'Property holding the display name (default: name)',
    },
    outline: { type: 'string', valueName: 'layer', description: 'The area the layer should cover exactly' },
    'outline-id': {
      type: 'string',
      valueName: 'property',
      description: "Property holding the outline's id (default: id)",
    },
    ...CRS_OPTION,
    'sliver-area': {
      type: 'string',
      valueName: 'm²',
      description: 'Pieces smaller than this are slivers (default 100)',
    },
    'sliver-width': {
      type: 'string',
      valueName: 'm',
      description: 'Pieces thinner than this on average are slivers (default 1)',
    },
    json: { type: 'boolean', description: 'Print the full result as JSON (schema in docs/alignment.md)' },
    problems: {
      type: 'string',
      valueName: 'out.geojson',
      description: 'Write every located problem as GeoJSON',
    },
  },
  details: `${LAYER_FORMATS_NOTE}
Examples:
  catchments coverage data/gloucestershire/catchments.geojson --id-property id --outline data/gloucestershire/outline.geojson
  catchments coverage districts.geojson --id-property LAD13CD --json
Exit codes: 0 no problem above the sliver tolerance, 1 problems found, 2 bad usage or input.`,
  async run(input) {
    if (input.positionals.length !== 1) throw new UsageError('give the GeoJSON file to check');
    const file = input.positionals[0]!;
    const crs = crsOption(input);
    const layer = await readLayerFile(
      input.io,
      file,
      requiredOption(input, 'id-property'),
      stringOption(input, 'name-property'),
      crs,
    );
    const outlineFile = stringOption(input, 'outline');
    const outline = outlineFile
      ? await readLayerFile(input.io, outlineFile, stringOption(input, 'outline-id') ?? 'id', undefined, crs)
      : undefined;
    const sliver = {
      areaM2: numberOption(input, 'sliver-area', 100),
      widthM: numberOption(input, 'sliver-width', 1),
    };
    if (sliver.areaM2 < 0 || sliver.widthM < 0)
      throw new UsageError('--sliver-area and --sliver-width must be ≥ 0');
    const r = checkCoverage(layer, { outline, sliver });
    const out = stringOption(input, 'problems');
    if (out) await writeFile(out, `${JSON.stringify(problemsAsGeoJSON(r))}\n`);
    input.io.stdout.write(
      flag(input, 'json') ? `${JSON.stringify(r)}\n` : describeCoverage(r, file.split(/[\\/]/).pop()!),
    );
    return r.ok ? EXIT_OK : EXIT_FINDINGS;
  },
};
