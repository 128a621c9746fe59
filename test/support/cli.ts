// Runs the catchments CLI as users run it: `node bin/catchments.js …` in a child process, i.e. the
// compiled dist/ (test/support/build-dist.ts builds it before the suites start), with its output,
// exit code and, on request, standard input. The environment is minimal, so a developer's own
// CATCHMENTS_* variables never leak into a test.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CATCHMENTS_BIN = fileURLToPath(new URL('../../bin/catchments.js', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** Written to the command's standard input (which is otherwise empty). */
  readonly stdin?: string | Buffer;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

export function runCatchments(...argv: string[]): Promise<CliRun> {
  return runCatchmentsWith({}, ...argv);
}

export function runCatchmentsWith(options: CliRunOptions, ...argv: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CATCHMENTS_BIN, ...argv], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    child.stdin.on('error', () => {}); // a command that never reads its input closes it early
    child.stdin.end(options.stdin ?? '');
  });
}
