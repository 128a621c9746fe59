import { describe, expect, it } from 'vitest';
import {
  activePeriods,
  type PointerMove,
  parseInstant,
  versionActiveAt,
} from '../../functions/core/boundary-set/active-periods.js';

const change = (seq: number, to: number, at: string, kind: PointerMove['kind'] = 'publish'): PointerMove => ({
  seq,
  to,
  at,
  kind,
});
const t = (iso: string) => Date.parse(iso);

describe('versionActiveAt and activePeriods', () => {
  // v1 published, v2 published, rolled back to v1, rolled forward to v2.
  const history = [
    change(3, 1, '2025-03-01T12:00:00.000Z', 'rollback'),
    change(1, 1, '2025-01-01T09:00:00.000Z'),
    change(4, 2, '2025-04-01T00:00:00.000Z', 'rollback'),
    change(2, 2, '2025-02-01T09:00:00.000Z'),
  ];

  it('names the version in force at each instant; at the instant of a change the new version answers', () => {
    expect(versionActiveAt(history, t('2024-12-31T23:59:59Z'))).toBeNull();
    expect(versionActiveAt(history, t('2025-01-01T09:00:00Z'))).toBe(1);
    expect(versionActiveAt(history, t('2025-02-01T08:59:59.999Z'))).toBe(1);
    expect(versionActiveAt(history, t('2025-02-01T09:00:00Z'))).toBe(2);
    expect(versionActiveAt(history, t('2025-03-15T00:00:00Z'))).toBe(1);
    expect(versionActiveAt(history, t('2030-01-01T00:00:00Z'))).toBe(2);
  });

  it('lists periods in seq order, half-open, a version once per time it was made active', () => {
    expect(activePeriods(history)).toEqual([
      {
        version: 1,
        from: '2025-01-01T09:00:00.000Z',
        until: '2025-02-01T09:00:00.000Z',
        seq: 1,
        kind: 'publish',
      },
      {
        version: 2,
        from: '2025-02-01T09:00:00.000Z',
        until: '2025-03-01T12:00:00.000Z',
        seq: 2,
        kind: 'publish',
      },
      {
        version: 1,
        from: '2025-03-01T12:00:00.000Z',
        until: '2025-04-01T00:00:00.000Z',
        seq: 3,
        kind: 'rollback',
      },
      { version: 2, from: '2025-04-01T00:00:00.000Z', until: null, seq: 4, kind: 'rollback' },
    ]);
  });

  it('agrees with versionActiveAt at every instant, even when clocks put changes out of seq order', () => {
    const skewed = [
      change(1, 1, '2025-01-01T10:00:00Z'),
      change(2, 2, '2025-01-01T10:05:00Z'),
      change(3, 3, '2025-01-01T09:59:00Z'), // a slow clock: takes over from 09:59
      change(4, 4, '2025-01-01T11:00:00Z'),
    ];
    const periods = activePeriods(skewed);
    expect(periods.map((p) => p.version)).toEqual([3, 4]);
    for (let minute = 0; minute < 180; minute++) {
      const instant = t('2025-01-01T09:00:00Z') + minute * 60_000 + 30_000;
      const inPeriod = periods.find(
        (p) => t(p.from) <= instant && (p.until === null || instant < t(p.until)),
      );
      expect(inPeriod?.version ?? null, new Date(instant).toISOString()).toBe(
        versionActiveAt(skewed, instant),
      );
    }
  });
});

describe('parseInstant', () => {
  it.each([
    ['2025-04-01T09:30:00Z', '2025-04-01T09:30:00.000Z'],
    ['2025-04-01T10:30:00+01:00', '2025-04-01T09:30:00.000Z'],
    ['2025-04-01t09:30:00.123456z', '2025-04-01T09:30:00.123Z'],
    ['2024-02-29T00:00:00-00:30', '2024-02-29T00:30:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(new Date(parseInstant(text)!).toISOString()).toBe(iso);
  });

  it.each([
    '2025-04-01',
    '2025-04-01T09:30:00',
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-04-01T24:00:00Z',
    '2025-04-01 09:30:00Z',
    'yesterday',
    '',
    '2025-04-01T09:30:00+25:00',
  ])('refuses %j', (text) => {
    expect(parseInstant(text)).toBeNull();
  });
});
