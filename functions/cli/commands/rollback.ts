// `catchments rollback --to <n>`: make an earlier (or later) published version active again.
import { ADMIN_OPTIONS, adminRequest, adminTarget, printJson, withApiErrors } from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, requiredOption, stringOption, UsageError } from '../framework.js';

export const rollbackCommand: CliCommand = {
  name: 'rollback',
  summary: 'Make another published version active (e.g. undo a bad publish)',
  options: {
    ...ADMIN_OPTIONS,
    to: { type: 'string', valueName: 'version', description: 'The version to make active (required)' },
    message: {
      type: 'string',
      short: 'm',
      valueName: 'text',
      description: 'Why (required; kept in the history)',
    },
    'if-match': {
      type: 'string',
      valueName: 'version',
      description: 'The version you expect to be active (default: what is active now)',
    },
  },
  details: `Example:
  catchments rollback --area gloucestershire --to 3 -m "v4 moved Hempsted by mistake"`,
  async run(input) {
    const target = adminTarget(input);
    const to = requiredOption(input, 'to');
    if (!/^\d+$/.test(to)) throw new UsageError('--to takes a version number');
    const message = requiredOption(input, 'message');
    const explicit = stringOption(input, 'if-match');
    if (explicit !== undefined && !/^\d+$/.test(explicit))
      throw new UsageError('--if-match takes a version number');
    return withApiErrors(input, async () => {
      const active =
        explicit ??
        String(((await adminRequest(target, 'GET', '/versions')).json as { active: number | null }).active);
      const r = await adminRequest(target, 'POST', '/rollback', {
        body: JSON.stringify({ version: Number(to), message }),
        contentType: 'application/json',
        headers: { 'If-Match': active },
      });
      const p = r.json as { change: { from: number; to: number }; event: { changedPostcodeCount: number } };
      if (flag(input, 'json')) printJson(input, p);
      else {
        input.io.stdout.write(
          `${target.area}: v${p.change.to} is active again (was v${p.change.from}); ${p.event.changedPostcodeCount} postcodes change hub.\n`,
        );
      }
      return EXIT_OK;
    });
  },
};
