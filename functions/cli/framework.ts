// A small command-line framework: one `CliCommand` per file in ./commands, argument parsing by
// node:util parseArgs, generated --help, and the exit codes the CLI promises:
//   0 ok · 1 findings (e.g. validation problems) · 2 bad usage or bad input.
import type { Readable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export interface CliIO {
  /** Standard input, for `-` in place of an input file (absent where there is none). */
  readonly stdin?: Readable;
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** True when stderr is a terminal: progress bars are drawn only then. */
  readonly interactive: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

type OptionSpec = NonNullable<ParseArgsConfig['options']>[string] & {
  readonly description: string;
  readonly valueName?: string;
};

export interface CliCommand {
  /** One or two words, e.g. `lookup` or `draft create`. */
  readonly name: string;
  readonly summary: string;
  /** Positional arguments as shown in the usage line, e.g. `<geojson>`. */
  readonly args?: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Extra help text: examples, notes on formats. */
  readonly details?: string;
  run(input: CommandInput): Promise<number>;
}

export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly io: CliIO;
}

/** Bad usage or bad input: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function stringOption(input: CommandInput, name: string): string | undefined {
  const value = input.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${name} takes a value`);
  return value;
}

export function requiredOption(input: CommandInput, name: string): string {
  const value = stringOption(input, name);
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function numberOption(input: CommandInput, name: string, fallback: number): number {
  const raw = stringOption(input, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got "${raw}"`);
  return value;
}

export function flag(input: CommandInput, name: string): boolean {
  return input.values[name] === true;
}

export function helpText(command: CliCommand): string {
  const lines = [
    `Usage: catchments ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.summary,
    '',
  ];
  const entries = Object.entries({
    ...command.options,
    help: { type: 'boolean', description: 'Show this help' } as OptionSpec,
  });
  if (entries.length > 0) {
    lines.push('Options:');
    for (const [name, spec] of entries) {
      const short = spec.short ? `-${spec.short}, ` : '    ';
      const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : '';
      lines.push(`  ${short}--${name}${value}`.padEnd(34) + spec.description);
    }
  }
  if (command.details) lines.push('', command.details.trim());
  return `${lines.join('\n')}\n`;
}

export function mainHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    'catchments — family hub catchments: lookups, layer checks, alignment and boundary sets',
    '',
    'Usage: catchments <command> [options]    (catchments <command> --help for details)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Exit codes: 0 ok, 1 findings (e.g. validation problems), 2 bad usage or input.',
    'catchments --version prints the version.',
    '',
  ].join('\n');
}

/** What the CLI says about itself (`catchments --version`). */
export interface CliMeta {
  readonly version?: string;
}

/** Runs the CLI for argv (without node and script) and returns the exit code. Never throws. */
export async function runCli(
  commands: readonly CliCommand[],
  argv: readonly string[],
  io: CliIO,
  meta: CliMeta = {},
): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(mainHelp(commands));
    return argv.length === 0 ? EXIT_USAGE : EXIT_OK;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    io.stdout.write(`catchments ${meta.version ?? 'unknown'}\n`);
    return EXIT_OK;
  }
  // Longest name first, so `draft create` wins over a hypothetical `draft`.
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  const command = sorted.find((c) => {
    const words = c.name.split(' ');
    return words.every((word, i) => argv[i] === word);
  });
  if (!command) {
    io.stderr.write(`catchments: unknown command "${argv.slice(0, 2).join(' ')}"\n\n${mainHelp(commands)}`);
    return EXIT_USAGE;
  }
  const rest = argv.slice(command.name.split(' ').length);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([name, { description: _d, valueName: _v, ...spec }]) => [
        name,
        spec,
      ]),
    );
    parsed = parseArgs({
      args: [...rest],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    io.stderr.write(`catchments ${command.name}: ${(error as Error).message}\n\n${helpText(command)}`);
    return EXIT_USAGE;
  }
  if (parsed.values.help) {
    io.stdout.write(helpText(command));
    return EXIT_OK;
  }
  try {
    return await command.run({ values: parsed.values, positionals: parsed.positionals, io });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(
        `catchments ${command.name}: ${error.message}\n(see catchments ${command.name} --help)\n`,
      );
      return EXIT_USAGE;
    }
    if (isUserFacing(error)) {
      io.stderr.write(`catchments ${command.name}: ${(error as Error).message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(
      `catchments ${command.name}: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`,
    );
    return 70; // EX_SOFTWARE: a bug, not the user's input.
  }
}

/** Domain errors and file-system errors about the user's paths are the user's to fix: exit 2. */
function isUserFacing(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if ('code' in error && typeof error.code === 'string') return true; // DomainError codes, ENOENT, EISDIR...
  return error instanceof SyntaxError; // e.g. a GeoJSON file that is not JSON
}

/**
 * Exits quietly when the reader of a standard stream goes away (`catchments assign … | head -1`):
 * a closed pipe means nobody wants the rest, not an error worth a stack trace. Exit code 0, as
 * ripgrep and git do; any other write error (a full disk) is reported and exits 74 (EX_IOERR).
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(EXIT_OK);
    if (stream !== process.stderr)
      process.stderr.write(`catchments: cannot write output: ${error.message}\n`);
    process.exit(74);
  });
}

export interface Progress {
  /** Work done so far, in the unit of `total` (rows, bytes...). */
  tick(done: number): void;
  /** Draws the final state and ends the line. */
  done(): void;
}

export interface ProgressOptions {
  /** How `done` and `total` are shown beside the bar: a count of things, or bytes (MB). */
  readonly unit?: 'count' | 'bytes';
  /** Clock in milliseconds (tests pass their own). */
  readonly now?: () => number;
}

/**
 * A progress bar on stderr with the share done and the time left (estimated from the rate so far),
 * drawn only in a terminal and at most ~10 times a second, so piping the output to a file never
 * fills it with control characters. With an unknown total (0), a running count instead.
 */
export function createProgress(
  io: CliIO,
  label: string,
  total: number,
  options: ProgressOptions = {},
): Progress {
  if (!io.interactive) return { tick() {}, done() {} };
  const now = options.now ?? Date.now;
  const started = now();
  const amount = (n: number) =>
    options.unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : Math.round(n).toLocaleString('en-GB');
  let last = Number.NEGATIVE_INFINITY;
  let latest = 0;
  let width = 0;
  const draw = (done: number, finished: boolean) => {
    const elapsed = (now() - started) / 1000;
    let text: string;
    if (total <= 0) {
      text = `${label}: ${amount(done)}${finished ? ` in ${formatDuration(elapsed)}` : ''}`;
    } else {
      const share = Math.min(1, Math.max(0, done / total));
      const filled = Math.round(share * 30);
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(30 - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`;
      let time = '';
      if (finished) time = ` in ${formatDuration(elapsed)}`;
      else if (share >= 0.01 && elapsed >= 1)
        time = ` · ${formatDuration((elapsed * (1 - share)) / share)} left`;
      text = `${label} ${bar} ${amount(done)} of ${amount(total)}${time}`;
    }
    // Pad over the previous line's tail when this one is shorter.
    io.stderr.write(`\r${text.padEnd(width)}`);
    width = text.length;
  };
  return {
    tick(done) {
      latest = done;
      const at = now();
      if (at - last < 100) return;
      last = at;
      draw(done, false);
    },
    done() {
      draw(total > 0 ? total : latest, true);
      io.stderr.write('\n');
    },
  };
}

/** 0.4 s, 12 s, 3 min 05 s. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** Formats rows as an aligned text table (first row is the header). */
export function formatTable(
  rows: readonly (readonly string[])[],
  rightAligned: readonly number[] = [],
): string {
  if (rows.length === 0) return '';
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, col) =>
        rightAligned.includes(col) ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!),
      )
      .join('  ')
      .trimEnd();
  return (
    [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n') +
    '\n'
  );
}
