// `catchments draft put-sites <file>`: replace the draft's hubs and spokes.
import { readFile } from 'node:fs/promises';
import {
  ADMIN_OPTIONS,
  adminRequest,
  adminTarget,
  describeDraft,
  printJson,
  withApiErrors,
} from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, stringOption, UsageError } from '../framework.js';

export const draftPutSitesCommand: CliCommand = {
  name: 'draft put-sites',
  summary: 'Replace the hubs and spokes of the draft (a JSON array, or an area.json)',
  args: '<file.json>',
  options: {
    ...ADMIN_OPTIONS,
    'if-revision': {
      type: 'string',
      valueName: 'n',
      description: 'Only if the draft is still at this revision',
    },
  },
  details: `The file is a JSON array of sites, or {"sites": [...], "area": {...}} (the area.json of a boundary-set folder).
Example:
  catchments draft put-sites data/gloucestershire/area.json --area gloucestershire`,
  async run(input) {
    const [file] = input.positionals;
    if (!file || input.positionals.length > 1) throw new UsageError('give one JSON file');
    const target = adminTarget(input);
    const text = await readFile(file, 'utf8');
    const revision = stringOption(input, 'if-revision');
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'PUT', '/draft/sites', {
        body: text,
        contentType: 'application/json',
        ...(revision ? { headers: { 'If-Match': `"${target.area}.draft.r${revision}"` } } : {}),
      });
      if (flag(input, 'json')) printJson(input, r.json);
      else input.io.stdout.write(`Saved the sites.\n${describeDraft(r.json)}`);
      return EXIT_OK;
    });
  },
};
