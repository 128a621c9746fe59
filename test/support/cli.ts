// Runs the catchments CLI in-process with captured output.
import { commands } from '../../functions/cli/commands/index.js';
import { runCli } from '../../functions/cli/framework.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runCatchments(...argv: string[]): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(commands, argv, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    interactive: false,
    env: {},
  });
  return { code, stdout, stderr };
}
