// `catchments versions`: every published version (who, when, why, counts) and the pointer changes.
import { ADMIN_OPTIONS, adminRequest, adminTarget, printJson, withApiErrors } from '../admin-client.js';
import { type CliCommand, EXIT_OK, flag, formatTable } from '../framework.js';

interface History {
  area: string;
  active: number | null;
  versions: {
    version: number;
    publishedAt: string;
    publishedBy: string;
    message: string;
    hubChanges: number;
    counts: { hubs: number; postcodes: number };
    active: boolean;
  }[];
  changes: {
    seq: number;
    kind: string;
    from: number | null;
    to: number;
    at: string;
    by: string;
    message: string;
  }[];
}

export const versionsCommand: CliCommand = {
  name: 'versions',
  summary: 'List the published versions of an area and the publishes and rollbacks',
  options: ADMIN_OPTIONS,
  async run(input) {
    const target = adminTarget(input);
    return withApiErrors(input, async () => {
      const h = (await adminRequest(target, 'GET', '/versions')).json as History;
      if (flag(input, 'json')) {
        printJson(input, h);
        return EXIT_OK;
      }
      const rows = h.versions.map((v) => [
        `${v.active ? '*' : ' '} v${v.version}`,
        v.publishedAt.slice(0, 19).replace('T', ' '),
        v.publishedBy,
        String(v.counts.hubs),
        String(v.counts.postcodes),
        String(v.hubChanges),
        v.message,
      ]);
      input.io.stdout.write(
        `${h.area}: active v${h.active ?? '-'}\n\n` +
          formatTable(
            [['version', 'published (UTC)', 'by', 'hubs', 'postcodes', 'moved', 'why'], ...rows],
            [3, 4, 5],
          ),
      );
      const changes = h.changes
        .slice(0, 10)
        .map((c) => [
          String(c.seq),
          c.kind,
          `${c.from === null ? '-' : `v${c.from}`} -> v${c.to}`,
          c.at.slice(0, 19).replace('T', ' '),
          c.by,
          c.message,
        ]);
      input.io.stdout.write(
        `\n${formatTable([['#', 'change', 'versions', 'at (UTC)', 'by', 'why'], ...changes], [0])}`,
      );
      return EXIT_OK;
    });
  },
};
