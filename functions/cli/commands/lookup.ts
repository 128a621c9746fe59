// `catchments lookup <postcode | lat,lng>`: the same answer as the API, from a data folder.
import { loadFileCatalog } from '../../adapters/file-catalog.js';
import { DomainError } from '../../core/errors.js';
import { type LookupAnswer, pointAnswer, postcodeAnswer } from '../../core/lookup/answer.js';
import { latLng } from '../../http/request.js';
import {
  type CliCommand,
  EXIT_FINDINGS,
  EXIT_OK,
  EXIT_USAGE,
  flag,
  stringOption,
  UsageError,
} from '../framework.js';

const COORDINATES = /^\s*([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)\s*$/;

export const lookupCommand: CliCommand = {
  name: 'lookup',
  summary: 'Find the family hub, HV patch and midwifery team for a postcode or a lat,lng point',
  args: '<postcode | lat,lng>',
  options: {
    data: {
      type: 'string',
      valueName: 'dir',
      description: 'Folder of areas (default: the sample area in data/)',
    },
    json: { type: 'boolean', description: 'Print the answer as JSON (the API shape)' },
  },
  details: `Examples:
  catchments lookup "GL1 1AD"
  catchments lookup 51.8642,-2.2382 --json
Exit codes: 0 answered, 1 postcode unknown or without a location, 2 malformed input.`,
  async run(input) {
    const query = input.positionals.join(' ').trim();
    if (!query)
      throw new UsageError('give a postcode (e.g. "GL1 1AD") or a point as lat,lng (e.g. 51.8642,-2.2382)');
    const catalog = await loadFileCatalog(stringOption(input, 'data'));
    let answer: LookupAnswer;
    try {
      const coordinates = COORDINATES.exec(query);
      answer = coordinates
        ? pointAnswer(catalog.resolvePoint(latLng(coordinates[1], coordinates[2])))
        : postcodeAnswer(catalog.resolvePostcode(query));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      input.io.stderr.write(`${error.title}: ${error.message}\n`);
      return error.code === 'postcode-not-found' || error.code === 'postcode-without-location'
        ? EXIT_FINDINGS
        : EXIT_USAGE;
    }
    input.io.stdout.write(flag(input, 'json') ? `${JSON.stringify(answer, null, 2)}\n` : describe(answer));
    return EXIT_OK;
  },
};

function km(metres: number): string {
  return metres < 1000 ? `${metres} m` : `${(metres / 1000).toFixed(1)} km`;
}

/** A readable answer for a person at a terminal. */
export function describe(a: LookupAnswer): string {
  const lines: string[] = [];
  const where = a.postcode ? `${a.postcode} (${a.status})` : `${a.location.lat}, ${a.location.lng}`;
  lines.push(`${where} — area ${a.area} v${a.version ?? 'draft'}, match: ${a.match}`);
  if (a.hub) {
    lines.push(
      `Family hub:    ${a.hub.name}, ${a.hub.address} ${a.hub.postcode} (${km(a.hub.distanceM)} away)`,
    );
    lines.push(`               run by ${a.hub.operator}; open ${a.hub.openingHours}`);
    lines.push(`               ${a.hub.services.map((s) => s.label).join('; ')}`);
  } else {
    lines.push('Family hub:    none assigned');
  }
  if (a.boundary)
    lines.push(`Boundary:      on the edge of ${a.boundary.hubIds.join(', ')} — ${a.boundary.rule}`);
  if (a.nearestHub) lines.push(`Nearest hub:   ${a.nearestHub.name} (${km(a.nearestHub.distanceM)} away)`);
  for (const spoke of a.spokes)
    lines.push(`Spoke:         ${spoke.name}, ${spoke.address} (${km(spoke.distanceM)})`);
  lines.push(`HV patch:      ${a.hvPatch ? `${a.hvPatch.name} (${a.hvPatch.id})` : 'none'}`);
  lines.push(`Midwifery:     ${a.cocTeam ? `${a.cocTeam.name} (${a.cocTeam.id})` : 'none'}`);
  return `${lines.join('\n')}\n`;
}
