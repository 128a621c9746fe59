// Every operation's spec by operationId (one per route of routes.ts; a test checks both ways).
import { ADMIN_OPERATIONS } from './admin.js';
import { ANALYSIS_OPERATIONS, PLANNING_OPERATIONS } from './analysis.js';
import { PUBLIC_OPERATIONS } from './public.js';

export const OPERATIONS = {
  ...PUBLIC_OPERATIONS,
  ...ADMIN_OPERATIONS,
  ...ANALYSIS_OPERATIONS,
  ...PLANNING_OPERATIONS,
};
export type OperationId = keyof typeof OPERATIONS;
