// What the planner's page makes of a weights file's header and of an impact answer with weights and
// capacity (web/src/lib/planning.ts). The answer is the CLI's on Fixtureshire, whose figures are
// hand-derived in test/fixtures/weights/README.md (hub-b 12 → 6 births against 10, hub-c 18 → 24
// against 20; a Total row and two unknown codes unmatched).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RedrawImpact } from '../../functions/core/impact/redraw-impact.js';
import { WEIGHT_KEYS as CORE_KEYS } from '../../functions/core/weights/weights-table.js';
import {
  csvHeader,
  formatWeight,
  guessColumn,
  guessKey,
  readCapacity,
  readWeights,
  WEIGHT_KEYS,
} from '../../web/src/lib/planning.js';
import { runCatchments } from '../support/cli.js';

const IMPACT = fileURLToPath(new URL('../fixtures/impact', import.meta.url));
const WEIGHTS = fileURLToPath(new URL('../fixtures/weights', import.meta.url));

describe('the weights file header', () => {
  it('splits by the delimiter that splits it most, without BOM or quotes', () => {
    expect(csvHeader('lsoa11,births\nE01,3\n')).toEqual(['lsoa11', 'births']);
    expect(csvHeader('\uFEFFLSOA11CD;Births 2023;note\r\nE01;3;x')).toEqual([
      'LSOA11CD',
      'Births 2023',
      'note',
    ]);
    expect(csvHeader('pcds\tcases\n')).toEqual(['pcds', 'cases']);
    expect(csvHeader('"code, 2011","births ""all"""\n')).toEqual(['code, 2011', 'births "all"']);
    expect(csvHeader('')).toEqual([]);
  });

  it('guesses the key and the counts column from the names', () => {
    expect(guessKey(['LSOA11CD', 'births'])).toBe('lsoa11');
    expect(guessKey(['pcds', 'cases'])).toBe('postcode');
    expect(guessKey(['oa21cd', 'children'])).toBe('oa21');
    expect(guessKey(['area', 'births'])).toBeNull();
    expect(guessColumn(['LSOA11CD', 'births'], 'lsoa11')).toBe('births');
    expect(guessColumn(['pcd7', 'cases'], 'postcode')).toBe('cases');
  });

  it('offers the keys the service takes', () => {
    expect([...WEIGHT_KEYS].sort()).toEqual([...CORE_KEYS].sort());
  });
});

describe('caseload against capacity of an answer', () => {
  let report: RedrawImpact;
  beforeAll(async () => {
    const r = await runCatchments(
      'impact',
      ...['--from', path.join(IMPACT, 'from'), '--to', path.join(IMPACT, 'to'), '--json'],
      ...['--postcodes', path.join(WEIGHTS, 'postcodes.csv')],
      ...[
        '--weights',
        path.join(WEIGHTS, 'births-lsoa.csv'),
        '--weights-key',
        'lsoa',
        '--weights-column',
        'births',
      ],
      ...['--capacity', path.join(WEIGHTS, 'capacity.csv')],
    );
    expect(r.stderr).toBe('');
    report = JSON.parse(r.stdout) as RedrawImpact;
  });

  it('lists the flagged and changed units, over-after first, with the counts', () => {
    const hubs = readCapacity(report).find((l) => l.layer === 'catchments')!;
    expect(hubs.measure).toBe('births');
    expect(hubs.underShare).toBe(0.8);
    // hub-c goes over (first); then the other flagged ones by id: hub-a under throughout, hub-b
    // from over to under.
    expect(hubs.rows.map((r) => [r.id, r.capacity, r.before?.flag, r.after?.flag])).toEqual([
      ['hub-c', 20, 'within', 'over'],
      ['hub-a', 20, 'under', 'under'],
      ['hub-b', 10, 'over', 'under'],
    ]);
    const b = hubs.rows.find((r) => r.id === 'hub-b')!;
    expect([b.before, b.after]).toEqual([
      { caseload: 12, share: 1.2, flag: 'over' },
      { caseload: 6, share: 0.6, flag: 'under' },
    ]);
    // Every listed row is flagged or changes; the quiet ones are only counted.
    for (const r of hubs.rows)
      expect(
        r.before?.flag !== 'within' || r.after?.flag !== 'within' || r.before?.caseload !== r.after?.caseload,
      ).toBe(true);
    const all = report.hubs.capacity!.units.length;
    expect(hubs.rows.length + hubs.quiet).toBe(all);
    expect(hubs.over).toEqual(report.hubs.capacity!.over);
  });

  it('counts the weights rows that could not be placed, by reason', () => {
    const w = readWeights(report.weights!);
    expect(w).toMatchObject({ column: 'births', total: 110, matched: { weight: 49, postcodes: 21 } });
    expect(w.unmatched).toEqual({ rows: 3, weight: 61 });
    expect(w.reasons.map(([reason, rows]) => [reason, rows])).toEqual([
      ['unknown', 2],
      ['malformed', 1],
    ]);
    expect(w.listed.map((u) => u.code)).toEqual(['Total', 'E01000009', 'E01999999']);
  });

  it('shows weights to one decimal at most', () => {
    expect(formatWeight(367.7123)).toBe('367.7');
    expect(formatWeight(1234)).toBe('1,234');
  });
});
