// The stored postcode answers: the table round-trips exactly (so a precomputed answer equals the
// computed one, byte for byte), and the catalog built from it answers as the live index does.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { assignAll } from '../../functions/application/boundary-set-service.js';
import { csvCell } from '../../functions/core/csv-cell.js';
import { postcodeAnswer } from '../../functions/core/lookup/answer.js';
import { AreaLookup, type Assignment } from '../../functions/core/lookup/area-lookup.js';
import {
  type AssignmentRow,
  assignmentMap,
  assignmentsCsv,
  decodeAssignmentTable,
  encodeAssignmentTable,
} from '../../functions/core/lookup/assignment-table.js';
import { LookupCatalog } from '../../functions/core/lookup/catalog.js';
import type { BoundarySet, PostcodeRecord } from '../../functions/core/model.js';
import { PostcodeDirectory } from '../../functions/core/postcode-directory.js';
import { testshireDirectoryCsv, testshireSet } from '../support/boundary-sets.js';

let set: BoundarySet;
let directory: PostcodeDirectory;
beforeAll(async () => {
  set = await testshireSet();
  directory = PostcodeDirectory.fromCsv(await testshireDirectoryCsv());
});

/** Finite degrees; -0 is mapped to 0, as JSON (and any store) would. */
const degrees = (limit: number) => fc.double({ min: -limit, max: limit, noNaN: true }).map((x) => x + 0);
const id = fc.oneof(fc.constant(null), fc.string({ minLength: 1, maxLength: 12 }));
const assignment: fc.Arbitrary<Assignment> = fc
  .record({
    match: fc.constantFrom('inside', 'boundary', 'gap', 'outside'),
    hubId: fc.string({ minLength: 1, maxLength: 12 }),
    hvPatchId: id,
    cocTeamId: id,
    spokeId: fc.option(id, { nil: undefined }),
    nearest: fc.string({ minLength: 1, maxLength: 12 }),
    distance: fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x + 0), // JSON has no -0
    boundary: fc.array(fc.string({ maxLength: 8 }), { minLength: 1, maxLength: 3 }),
  })
  .map((r): Assignment => {
    const spoke = r.spokeId === undefined ? {} : { spokeId: r.spokeId };
    if (r.match === 'inside')
      return { match: 'inside', hubId: r.hubId, hvPatchId: r.hvPatchId, cocTeamId: r.cocTeamId, ...spoke };
    if (r.match === 'boundary') {
      return {
        match: 'boundary',
        hubId: r.hubId,
        boundaryHubIds: r.boundary,
        hvPatchId: r.hvPatchId,
        cocTeamId: r.cocTeamId,
        ...spoke,
      };
    }
    return {
      match: r.match,
      hubId: null,
      hvPatchId: r.hvPatchId,
      cocTeamId: r.cocTeamId,
      ...spoke,
      nearestHubId: r.nearest,
      nearestHubDistanceM: r.distance,
    };
  });

describe('assignment table', () => {
  it('round-trips any assignment exactly, key order included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ postcode: fc.string(), lat: degrees(90), lng: degrees(180), assignment }), {
          maxLength: 20,
        }),
        (rows: AssignmentRow[]) => {
          const decoded = decodeAssignmentTable(encodeAssignmentTable(rows));
          expect(decoded).toEqual(rows);
          expect(decoded.map((r) => JSON.stringify(r))).toEqual(rows.map((r) => JSON.stringify(r)));
        },
      ),
    );
  });

  it('says which line is malformed', () => {
    const good = encodeAssignmentTable(assignAll(set, directory));
    expect(() => decodeAssignmentTable('postcode,hub\n')).toThrow(/Not an assignment table/);
    expect(() => decodeAssignmentTable(`${good}["GL1 1AD",1]\n`)).toThrow(/line 7: expected 11 columns/);
    expect(() => decodeAssignmentTable(`${good}not json\n`)).toThrow(/line 7: not a JSON array/);
  });

  it('exports CSV in the ONS-lookup style, quoting and defusing spreadsheet formulas', () => {
    const rows: AssignmentRow[] = [
      {
        postcode: 'GL1 1AD',
        lat: 51,
        lng: -2,
        assignment: { match: 'inside', hubId: 'h1', hvPatchId: 'p,1', cocTeamId: null },
      },
    ];
    expect(assignmentsCsv(rows, () => '=HYPERLINK("x")')).toBe(
      'postcode,hub_id,hub_name,hv_patch_id,coc_team_id,match\r\nGL1 1AD,h1,"\'=HYPERLINK(""x"")","p,1",,inside\r\n',
    );
    expect(csvCell('+44 1632')).toBe("'+44 1632");
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('LookupCatalog.fromPrecomputed', () => {
  it('answers every postcode from the table, identically to the live index, with no polygon work', () => {
    const live = LookupCatalog.build([AreaLookup.build({ ...set, version: 1 })], directory, 'd');
    const lookup = AreaLookup.build({ ...set, version: 1 });
    const table = assignmentMap(decodeAssignmentTable(encodeAssignmentTable(assignAll(set, directory))));
    const stored = LookupCatalog.fromPrecomputed([{ lookup, assignments: table }], directory, 'd');
    expect(stored.stats).toEqual({ fromTable: 5, computed: 0, withoutLocation: 1 });
    for (const r of live.assignments()) {
      const postcode = r.record.postcode;
      expect(JSON.stringify(postcodeAnswer(stored.resolvePostcode(postcode)))).toBe(
        JSON.stringify(postcodeAnswer(live.resolvePostcode(postcode))),
      );
    }
    expect(stored.etagFor(lookup)).toBe('"testshire.v1.d"');
  });

  it('assigns afresh the postcodes new or moved since publish', () => {
    const table = assignmentMap(assignAll(set, directory));
    const records: PostcodeRecord[] = [...directory.records()].map((r) =>
      r.postcode === 'TE1 1AA' ? { ...r, location: { lat: 51.02, lng: -1.92 } } : r,
    );
    records.push({ postcode: 'TE3 3AA', location: { lat: 51.03, lng: -1.93 }, status: 'live' });
    const lookup = AreaLookup.build({ ...set, version: 1 });
    const stored = LookupCatalog.fromPrecomputed([{ lookup, assignments: table }], {
      records: () => records,
    });
    expect(stored.stats).toEqual({ fromTable: 4, computed: 2, withoutLocation: 1 });
    // TE1 1AA moved into hub-b's catchment: the stale stored answer (hub-a) is not used.
    expect(stored.resolvePostcode('TE1 1AA').assignment.hubId).toBe('hub-b');
    expect(stored.resolvePostcode('TE3 3AA').assignment.hubId).toBe('hub-b');
  });

  it('agrees with the live index for random points (property)', () => {
    const lookup = AreaLookup.build({ ...set, version: 1 });
    const point = fc.record({
      lat: fc.double({ min: 50.95, max: 51.15, noNaN: true }),
      lng: fc.double({ min: -2.05, max: -1.85, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(point, { maxLength: 30, selector: (p) => `${p.lat},${p.lng}` }),
        (points) => {
          const records: PostcodeRecord[] = points.map((location, i) => ({
            postcode: `TE${1 + Math.floor(i / 10)} ${i % 10}AA`,
            location,
            status: 'live',
          }));
          const source = { records: () => records };
          const rows: AssignmentRow[] = records.map((r) => ({
            postcode: r.postcode,
            lat: r.location!.lat,
            lng: r.location!.lng,
            assignment: lookup.assign(r.location!.lng, r.location!.lat),
          }));
          const stored = LookupCatalog.fromPrecomputed(
            [{ lookup, assignments: assignmentMap(rows) }],
            source,
          );
          const live = LookupCatalog.build([lookup], source);
          expect(stored.stats.computed).toBe(0);
          for (const r of records)
            expect(stored.resolvePostcode(r.postcode).assignment).toEqual(
              live.resolvePostcode(r.postcode).assignment,
            );
        },
      ),
      { numRuns: 50 },
    );
  });
});
