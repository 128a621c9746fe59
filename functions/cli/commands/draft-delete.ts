// `catchments draft delete`: throw the draft away.
import { ADMIN_OPTIONS, adminRequest, adminTarget, withApiErrors } from '../admin-client.js';
import { type CliCommand, EXIT_OK } from '../framework.js';

export const draftDeleteCommand: CliCommand = {
  name: 'draft delete',
  summary: 'Delete the draft (published versions are not affected)',
  options: ADMIN_OPTIONS,
  async run(input) {
    const target = adminTarget(input);
    return withApiErrors(input, async () => {
      await adminRequest(target, 'DELETE', '/draft');
      input.io.stdout.write(`Deleted the draft of ${target.area}.\n`);
      return EXIT_OK;
    });
  },
};
