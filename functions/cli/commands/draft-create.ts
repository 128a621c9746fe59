// `catchments draft create`: start a draft of an area, copied from its active version or empty.
import {
  ADMIN_OPTIONS,
  adminRequest,
  adminTarget,
  describeDraft,
  printJson,
  withApiErrors,
} from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, stringOption, UsageError } from '../framework.js';

export const draftCreateCommand: CliCommand = {
  name: 'draft create',
  summary: 'Start a draft boundary set (a copy of the active version, or empty)',
  options: {
    ...ADMIN_OPTIONS,
    from: {
      type: 'string',
      valueName: 'active|empty',
      description: 'Copy the active version (default) or start empty',
    },
    name: { type: 'string', valueName: 'text', description: "The area's name (needed for a new area)" },
    replace: { type: 'boolean', description: 'Replace an unpublished draft that already exists' },
  },
  details: `Examples:
  catchments draft create --area gloucestershire
  catchments draft create --area testshire --from empty --name "Testshire"`,
  async run(input) {
    const target = adminTarget(input);
    const from = stringOption(input, 'from') ?? 'active';
    if (from !== 'active' && from !== 'empty') throw new UsageError('--from is "active" or "empty"');
    const name = stringOption(input, 'name');
    const body = {
      from,
      ...(name ? { area: { name } } : {}),
      ...(flag(input, 'replace') ? { replace: true } : {}),
    };
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'POST', '/draft', {
        body: JSON.stringify(body),
        contentType: 'application/json',
      });
      if (flag(input, 'json')) printJson(input, r.json);
      else input.io.stdout.write(`Created.\n${describeDraft(r.json)}`);
      return EXIT_OK;
    });
  },
};
