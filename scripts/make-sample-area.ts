// Generates the illustrative Gloucestershire sample area in data/gloucestershire from the shared open
// data. Deterministic: running it twice gives byte-identical files.
//
//   CATCHMENTS_REAL_DATA=/path/to/shared/data npx tsx scripts/make-sample-area.ts [--out data/gloucestershire]
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildSampleArea, writeSampleArea } from './lib/sample-area/build.js';

function main(argv: readonly string[]): void {
  const realData = process.env.CATCHMENTS_REAL_DATA;
  if (!realData || !existsSync(realData)) {
    throw new Error(
      `CATCHMENTS_REAL_DATA=${realData ?? '(unset)'}: point it at the shared data folder (e.g. ../shared/data).`,
    );
  }
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : 'data/gloucestershire';
  if (!outDir) throw new Error('--out needs a folder');

  const { files, report } = buildSampleArea(realData);
  writeSampleArea(outDir, files);

  const lines: string[] = [];
  lines.push(`wrote ${outDir}:`);
  let geojsonBytes = 0;
  for (const name of files.keys()) {
    const size = statSync(join(outDir, name)).size;
    if (name.endsWith('.geojson')) geojsonBytes += size;
    lines.push(`  ${name.padEnd(20)} ${size.toLocaleString('en-GB').padStart(10)} bytes`);
  }
  lines.push(`  GeoJSON total        ${geojsonBytes.toLocaleString('en-GB').padStart(10)} bytes`);
  lines.push(
    `wards ${report.wards}; postcodes live ${report.postcodes.live}, terminated ${report.postcodes.terminated}`,
  );
  lines.push(
    `outline ${report.outlineAreaKm2.toFixed(3)} km², sum of catchments ${report.catchmentAreaSumKm2.toFixed(3)} km²`,
  );
  lines.push(`hubs (${report.hubs.length}):`);
  for (const h of report.hubs) {
    lines.push(
      `  ${h.id} ${h.postcode} ${h.catchmentAreaKm2.toFixed(1)} km², ${h.postcodes} postcodes: ${h.wards.join(', ')}`,
    );
  }
  lines.push(`spokes (${report.spokes.length}):`);
  for (const s of report.spokes) lines.push(`  ${s.id} ${s.postcode} -> ${s.hubId}`);
  lines.push(`catchment overrides: ${report.overrides.join('; ') || 'none'}`);
  lines.push(
    `contiguity fixes: ${report.contiguityFixes.length ? report.contiguityFixes.join('; ') : 'none'}`,
  );
  lines.push(`non-contiguous catchments left: ${report.nonContiguous.join(', ') || 'none'}`);
  lines.push(`HV patches (${report.patches.length}):`);
  for (const p of report.patches)
    lines.push(`  ${p.id} ${p.name}, ${p.postcodes} postcodes: ${p.wards.join(', ')}`);
  lines.push(`CoC teams (${report.teams.length}):`);
  for (const t of report.teams) lines.push(`  ${t.id}, ${t.postcodes} postcodes: ${t.wards.join(', ')}`);
  lines.push('cross-boundary HV patches:');
  for (const c of report.crossPatches) lines.push(`  ${c}`);
  lines.push('midwifery team misalignments:');
  for (const m of report.teamMoves) lines.push(`  ${m}`);
  lines.push('dissolve noise dropped (< 1 m²):');
  for (const [layer, r] of Object.entries(report.layers)) {
    const holeArea = r.noise.holes.reduce((s, h) => s + h.areaM2, 0);
    const sliverArea = r.noise.slivers.reduce((s, h) => s + h.areaM2, 0);
    lines.push(
      `  ${layer.padEnd(11)} ${r.features} features; ${r.noise.holes.length} holes (${holeArea.toFixed(3)} m²), ` +
        `${r.noise.slivers.length} slivers (${sliverArea.toFixed(3)} m²)`,
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2));
