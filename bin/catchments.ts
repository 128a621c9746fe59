#!/usr/bin/env node
// The `catchments` command-line tool: see `catchments --help`.
import { commands } from '../functions/cli/commands/index.js';
import { runCli } from '../functions/cli/framework.js';

const code = await runCli(commands, process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  interactive: Boolean(process.stderr.isTTY),
  env: process.env,
});
process.exitCode = code;
