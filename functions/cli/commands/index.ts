// Every command of the `catchments` CLI. Add new commands here.
import type { CliCommand } from '../framework.js';
import { alignCommand } from './align.js';
import { assignCommand } from './assign.js';
import { coverageCommand } from './coverage.js';
import { draftCreateCommand } from './draft-create.js';
import { draftDeleteCommand } from './draft-delete.js';
import { draftGetCommand } from './draft-get.js';
import { draftPublishCommand } from './draft-publish.js';
import { draftPutLayerCommand } from './draft-put-layer.js';
import { draftPutSitesCommand } from './draft-put-sites.js';
import { draftValidateCommand } from './draft-validate.js';
import { impactCommand } from './impact.js';
import { importPostcodesCommand } from './import-postcodes.js';
import { loadPostcodesCommand, routingRefreshCommand } from './load-postcodes.js';
import { lookupCommand } from './lookup.js';
import { nationalSampleCommand } from './national-sample.js';
import { rollbackCommand } from './rollback.js';
import { validateCommand } from './validate.js';
import { versionsCommand } from './versions.js';

export const commands: CliCommand[] = [
  lookupCommand,
  assignCommand,
  importPostcodesCommand,
  validateCommand,
  draftCreateCommand,
  draftGetCommand,
  draftPutLayerCommand,
  draftPutSitesCommand,
  draftValidateCommand,
  draftPublishCommand,
  draftDeleteCommand,
  rollbackCommand,
  versionsCommand,
  alignCommand,
  coverageCommand,
  impactCommand,
  nationalSampleCommand,
  loadPostcodesCommand,
  routingRefreshCommand,
];
