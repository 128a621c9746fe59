// The CLI framework's progress bar: share done and time left from the rate so far, drawn only in a
// terminal and at most ten times a second; a running count when the total is unknown.
import { describe, expect, it } from 'vitest';
import { type CliIO, createProgress, formatDuration } from '../../functions/cli/framework.js';

function terminal(): { io: CliIO; text: () => string } {
  let err = '';
  return {
    io: {
      stdout: { write: () => true },
      stderr: { write: (t: string) => (err += t) },
      interactive: true,
      env: {},
    },
    text: () => err,
  };
}

describe('createProgress', () => {
  it('shows the percentage and the time left, then the time taken', () => {
    let now = 0;
    const { io, text } = terminal();
    const progress = createProgress(io, 'assign', 200e6, { unit: 'bytes', now: () => now });
    now = 4000;
    progress.tick(50e6); // a quarter in 4 s: 12 s left
    expect(text()).toBe(`\rassign [${'#'.repeat(8)}${'.'.repeat(22)}]  25% 50.0 MB of 200.0 MB · 12 s left`);
    now = 4050;
    progress.tick(60e6); // within 100 ms of the last draw: not drawn
    expect(text()).not.toContain('60.0 MB');
    now = 16_000;
    progress.done();
    expect(text()).toMatch(/\rassign \[#{30}\] 100% 200\.0 MB of 200\.0 MB in 16 s *\n$/);
  });

  it('counts when the total is unknown, and draws nothing outside a terminal', () => {
    let now = 0;
    const { io, text } = terminal();
    const progress = createProgress(io, 'rows', 0, { now: () => now });
    now = 500;
    progress.tick(12_345);
    progress.done();
    expect(text()).toBe('\rrows: 12,345\rrows: 12,345 in 0.5 s\n');
    let written = '';
    const quiet = createProgress(
      {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (written += t) },
        interactive: false,
        env: {},
      },
      'x',
      10,
    );
    quiet.tick(5);
    quiet.done();
    expect(written).toBe('');
  });

  it('formats durations for people', () => {
    expect(formatDuration(0.42)).toBe('0.4 s');
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
  });
});
