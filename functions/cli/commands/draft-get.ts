// `catchments draft get`: the draft's revision, layers and sites.
import {
  ADMIN_OPTIONS,
  adminRequest,
  adminTarget,
  describeDraft,
  printJson,
  withApiErrors,
} from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag } from '../framework.js';

export const draftGetCommand: CliCommand = {
  name: 'draft get',
  summary: "Show the draft's revision, layers and sites",
  options: ADMIN_OPTIONS,
  async run(input) {
    const target = adminTarget(input);
    return withApiErrors(input, async () => {
      const r = await adminRequest(target, 'GET', '/draft');
      if (flag(input, 'json')) printJson(input, r.json);
      else input.io.stdout.write(describeDraft(r.json));
      return EXIT_OK;
    });
  },
};
