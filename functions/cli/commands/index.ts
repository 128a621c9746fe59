// Every command of the `catchments` CLI. Add new commands here.
import type { CliCommand } from '../framework.js';

export const commands: CliCommand[] = [];
