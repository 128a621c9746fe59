// `catchments draft publish`: make the draft the next version, active, over the version it was based on.
import { ADMIN_OPTIONS, adminRequest, adminTarget, printJson, withApiErrors } from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, requiredOption, stringOption, UsageError } from '../framework.js';

interface Published {
  version: { version: number; basedOn: number | null; hubChanges: number; counts: { postcodes: number } };
  event: { id: string; changedPostcodeCount: number };
}

export const draftPublishCommand: CliCommand = {
  name: 'draft publish',
  summary: 'Publish the draft as the next version and make it active',
  options: {
    ...ADMIN_OPTIONS,
    message: {
      type: 'string',
      short: 'm',
      valueName: 'text',
      description: 'Why (required; kept in the history)',
    },
    'if-match': {
      type: 'string',
      valueName: 'version',
      description: "The active version you publish over (default: the draft's base version)",
    },
  },
  details: `The publish is refused (exit 1) when someone published or rolled back since the draft was made
(unless --if-match names the version now active), or when the draft has validation errors.
Example:
  catchments draft publish --area gloucestershire -m "Move Hempsted into Gloucester Central"`,
  async run(input) {
    const target = adminTarget(input);
    const message = requiredOption(input, 'message');
    const explicit = stringOption(input, 'if-match');
    if (explicit !== undefined && !/^\d+$/.test(explicit))
      throw new UsageError('--if-match takes a version number');
    return withApiErrors(input, async () => {
      let over: number | null = explicit === undefined ? null : Number(explicit);
      if (explicit === undefined) {
        const draft = (await adminRequest(target, 'GET', '/draft')).json as { baseVersion: number | null };
        over = draft.baseVersion;
      }
      const r = await adminRequest(target, 'POST', '/draft/publish', {
        body: JSON.stringify({ message }),
        contentType: 'application/json',
        headers: over === null ? { 'If-None-Match': '*' } : { 'If-Match': String(over) },
      });
      const p = r.json as Published;
      if (flag(input, 'json')) printJson(input, p);
      else {
        input.io.stdout.write(
          `Published ${target.area} v${p.version.version} (over ${p.version.basedOn === null ? 'nothing' : `v${p.version.basedOn}`}): ` +
            `${p.version.counts.postcodes} postcodes answered, ${p.version.hubChanges} change hub. Event ${p.event.id}.\n`,
        );
      }
      return EXIT_OK;
    });
  },
};
