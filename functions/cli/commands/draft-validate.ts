// `catchments draft validate`: every problem publishing would meet, with the coverage summary.
import { writeFile } from 'node:fs/promises';
import { ADMIN_OPTIONS, adminRequest, adminTarget, printJson, withApiErrors } from '../admin-client.js';
import { type CliCommand, EXIT_FINDINGS, EXIT_OK, flag, formatTable, stringOption } from '../framework.js';

interface ValidationView {
  area: string;
  draftRevision: number;
  publishable: boolean;
  errors: number;
  warnings: number;
  coverage: { coveredShare: number; uncoveredAreaM2: number; outlineAreaM2: number } | null;
  postcodes: { assigned: number; inGaps: number };
  features: { properties: { kind: string; severity: string; message: string; feature?: string } }[];
}

export const draftValidateCommand: CliCommand = {
  name: 'draft validate',
  summary: 'Check the draft as publishing would: errors block, warnings inform',
  options: {
    ...ADMIN_OPTIONS,
    out: {
      type: 'string',
      valueName: 'file',
      description: 'Write the problems as GeoJSON (open it in QGIS next to your layers)',
    },
  },
  details: `Exit codes: 0 publishable, 1 the draft has errors, 2 bad usage.
Example:
  catchments draft validate --area gloucestershire --out problems.geojson`,
  async run(input) {
    const target = adminTarget(input);
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'GET', '/draft/validation');
      const v = r.json as ValidationView;
      const out = stringOption(input, 'out');
      if (out) await writeFile(out, `${r.text}\n`);
      if (flag(input, 'json')) printJson(input, v);
      else input.io.stdout.write(describe(v, out));
      return v.publishable ? EXIT_OK : EXIT_FINDINGS;
    });
  },
};

function describe(v: ValidationView, out: string | undefined): string {
  const lines = [
    `Draft of ${v.area}, revision ${v.draftRevision}: ${v.publishable ? 'PUBLISHABLE' : 'NOT publishable'} — ${v.errors} error(s), ${v.warnings} warning(s)`,
  ];
  if (v.coverage) {
    lines.push(
      `  coverage: ${(v.coverage.coveredShare * 100).toFixed(2)}% of the outline (${(v.coverage.outlineAreaM2 / 1e6).toFixed(1)} km²); ` +
        `${Math.round(v.coverage.uncoveredAreaM2)} m² in no catchment`,
    );
  }
  lines.push(`  postcodes: ${v.postcodes.assigned} assigned, ${v.postcodes.inGaps} in gaps`);
  if (out) lines.push(`  problems written to ${out}`);
  let text = `${lines.join('\n')}\n`;
  if (v.features.length > 0) {
    const rows = v.features
      .slice(0, 50)
      .map((f) => [
        f.properties.severity,
        f.properties.kind,
        f.properties.feature ?? '',
        f.properties.message,
      ]);
    text += `\n${formatTable([['severity', 'kind', 'feature', 'message'], ...rows])}`;
    if (v.features.length > 50) text += `… and ${v.features.length - 50} more (use --out or --json)\n`;
  }
  return text;
}
