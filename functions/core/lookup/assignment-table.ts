// The precomputed postcode answers of one published version: every located postcode of the area's
// directory with the point it was assigned at and its Assignment. Stored with the version at
// publish, so a postcode lookup needs no polygon work (DESIGN: the precomputed Map.get is the floor).
//
// Text format (stored gzipped; one JSON array per line after a header line):
//   #catchments-assignments v1
//   ["GL1 1AD",51.865133,-2.243699,"i","hub-gloucester-city","hv-1","coc-2",false,null,null,null]
// columns: postcode, lat, lng, match (i inside, b boundary, g gap, o outside), hubId, hvPatchId,
// cocTeamId, spokeId (false when the set has no spoke-catchments layer), nearestHubId,
// nearestHubDistanceM, boundaryHubIds. JSON arrays rather than CSV because ids are free text (a
// comma or quote in an id must not need an escaping rule), and JSON numbers round-trip exactly, so
// a decoded Assignment equals the one `AreaLookup.assign` returned, field for field.
//
// The lat/lng travel with each row so a loader can tell whether the directory has moved a postcode
// since publish (then the stored answer is stale and the postcode is assigned afresh).

import { csvLine } from '../csv-cell.js';
import { InvalidRequestError } from '../errors.js';
import type { Assignment, MatchKind } from './area-lookup.js';

export const ASSIGNMENT_TABLE_HEADER = '#catchments-assignments v1';

export interface AssignmentRow {
  readonly postcode: string;
  readonly lat: number;
  readonly lng: number;
  readonly assignment: Assignment;
}

const MATCH_CODE: Readonly<Record<MatchKind, string>> = {
  inside: 'i',
  boundary: 'b',
  gap: 'g',
  outside: 'o',
};
const MATCH_OF: Readonly<Record<string, MatchKind>> = { i: 'inside', b: 'boundary', g: 'gap', o: 'outside' };

/** Encodes rows in the order given (callers pass them sorted by postcode). */
export function encodeAssignmentTable(rows: Iterable<AssignmentRow>): string {
  const lines = [ASSIGNMENT_TABLE_HEADER];
  for (const { postcode, lat, lng, assignment: a } of rows) {
    lines.push(
      JSON.stringify([
        postcode,
        lat,
        lng,
        MATCH_CODE[a.match],
        a.hubId,
        a.hvPatchId,
        a.cocTeamId,
        a.spokeId === undefined ? false : a.spokeId,
        a.nearestHubId ?? null,
        a.nearestHubDistanceM ?? null,
        a.boundaryHubIds ?? null,
      ]),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Decodes the text format; throws InvalidRequestError naming the line on anything malformed. */
export function decodeAssignmentTable(text: string): AssignmentRow[] {
  const lines = text.split('\n');
  if (lines[0] !== ASSIGNMENT_TABLE_HEADER) {
    throw new InvalidRequestError(
      `Not an assignment table: the first line is not "${ASSIGNMENT_TABLE_HEADER}".`,
    );
  }
  const rows: AssignmentRow[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    rows.push(decodeRow(line, i + 1));
  }
  return rows;
}

function decodeRow(line: string, lineNumber: number): AssignmentRow {
  let cells: unknown;
  try {
    cells = JSON.parse(line);
  } catch {
    throw malformed(lineNumber, 'not a JSON array');
  }
  if (!Array.isArray(cells) || cells.length !== 11) throw malformed(lineNumber, 'expected 11 columns');
  const [postcode, lat, lng, code, hubId, hvPatchId, cocTeamId, spokeId, nearestId, nearestM, boundary] =
    cells as unknown[];
  const match = typeof code === 'string' ? MATCH_OF[code] : undefined;
  if (typeof postcode !== 'string' || typeof lat !== 'number' || typeof lng !== 'number' || !match) {
    throw malformed(lineNumber, 'bad postcode, coordinates or match');
  }
  if (!isId(hubId) || !isId(hvPatchId) || !isId(cocTeamId) || !(spokeId === false || isId(spokeId))) {
    throw malformed(lineNumber, 'bad ids');
  }
  // The same key order AreaLookup.assign uses, so both kinds of answer serialise alike.
  const spoke = spokeId === false ? {} : { spokeId: spokeId as string | null };
  let assignment: Assignment;
  if (hubId !== null) {
    assignment = {
      match,
      hubId,
      ...(match === 'boundary' ? { boundaryHubIds: idList(boundary, lineNumber) } : {}),
      hvPatchId,
      cocTeamId,
      ...spoke,
    };
  } else {
    const nearest =
      typeof nearestId === 'string' && typeof nearestM === 'number'
        ? { nearestHubId: nearestId, nearestHubDistanceM: nearestM }
        : {};
    assignment = { match, hubId: null, hvPatchId, cocTeamId, ...spoke, ...nearest };
  }
  return { postcode, lat, lng, assignment };
}

function isId(value: unknown): value is string | null {
  return value === null || typeof value === 'string';
}

function idList(value: unknown, lineNumber: number): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw malformed(lineNumber, 'bad boundary hub ids');
  }
  return value as string[];
}

function malformed(lineNumber: number, why: string): InvalidRequestError {
  return new InvalidRequestError(`Assignment table line ${lineNumber}: ${why}.`);
}

/** Rows keyed by postcode, for loaders. */
export function assignmentMap(rows: readonly AssignmentRow[]): Map<string, AssignmentRow> {
  return new Map(rows.map((row) => [row.postcode, row]));
}

export const ASSIGNMENTS_CSV_HEADER = 'postcode,hub_id,hub_name,hv_patch_id,coc_team_id,match';

/**
 * The public export (`GET /v1/areas/{area}/versions/{v}/assignments.csv`), in the style of the ONS
 * lookup files: one row per postcode, lower-case snake_case columns, codes not labels (except the
 * hub name, for people reading it in a spreadsheet). RFC 4180 quoting, formula-like cells defused (core/csv-cell.ts); CRLF line ends.
 */
export function assignmentsCsv(
  rows: Iterable<AssignmentRow>,
  hubName: (hubId: string) => string | undefined,
): string {
  const out = [ASSIGNMENTS_CSV_HEADER];
  for (const { postcode, assignment: a } of rows) {
    out.push(
      csvLine([
        postcode,
        a.hubId ?? '',
        a.hubId ? (hubName(a.hubId) ?? '') : '',
        a.hvPatchId ?? '',
        a.cocTeamId ?? '',
        a.match,
      ]),
    );
  }
  return `${out.join('\r\n')}\r\n`;
}
