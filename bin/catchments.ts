#!/usr/bin/env node
import { commands } from '../functions/cli/commands/index.js';
import { exitQuietlyOnClosedPipe, runCli } from '../functions/cli/framework.js';
// The `catchments` command-line tool: see `catchments --help`. Compiled to dist/catchments.js by
// scripts/build.js; bin/catchments.js runs that.
import packageJson from '../package.json' with { type: 'json' };

exitQuietlyOnClosedPipe(process.stdout);
const code = await runCli(
  commands,
  process.argv.slice(2),
  {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    env: process.env,
  },
  { version: packageJson.version },
);
process.exitCode = code;
