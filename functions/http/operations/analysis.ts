import { Type } from '@sinclair/typebox';
import { DEFAULT_THRESHOLD } from '../../core/alignment/align.js';
import { DEFAULT_MAX_LISTED } from '../../core/impact/redraw-impact.js';
import { LAYER_NAMES } from '../../core/model.js';
import {
  AlignmentSummary,
  AlignmentView,
  PlanningRequest,
  RedrawImpact,
  ThreeWayView,
} from '../schemas/analysis.js';
import { StringEnum } from '../schemas/typebox.js';
import { empty, ok, operation, problem } from './operation.js';

// The query parameters the analysis routes share: one schema object each, which the handler checks
// requests against (functions/handlers/analysis-api.ts) and this document prints.

/** Moved postcodes listed per layer in an impact answer (`?maxListed=`): every count covers them all. */
export const MAX_LISTED = { default: DEFAULT_MAX_LISTED, max: 10_000 } as const;

const threshold = Type.Optional(
  Type.Number({
    description: 'Share of a unit in its best fit that counts as nested (coterminous), e.g. 0.95.',
    maximum: 1,
    exclusiveMinimum: 0,
    default: DEFAULT_THRESHOLD,
  }),
);

export const IMPACT_QUERY = Type.Object({
  from: Type.Optional(
    Type.Integer({
      description:
        'Compare with this published version (a version number, see GET …/versions) instead of the active one (for a draft) or the one it replaced (for a version).',
      minimum: 1,
    }),
  ),
  maxListed: Type.Optional(
    Type.Integer({
      description:
        "Moved postcodes listed per layer; the counts always cover every postcode, and the full list of changes is in the versions' assignments.csv.",
      minimum: 0,
      maximum: MAX_LISTED.max,
      default: MAX_LISTED.default,
    }),
  ),
  threshold,
});

export const ALIGNMENT_QUERY = Type.Object({
  a: Type.Optional(StringEnum(LAYER_NAMES, { description: 'Layer A.', default: 'hv-patches' })),
  b: Type.Optional(StringEnum(LAYER_NAMES, { description: 'Layer B (not A).', default: 'coc-teams' })),
  threshold,
});

export const THREE_WAY_QUERY = Type.Object({ threshold });

// The POST forms take a planner's weights and capacities as the body; the handler reads it
// (functions/handlers/planning-request.ts), so each refusal names the CSV row and what to do.
const planningBody = {
  required: true,
  content: { 'application/json': PlanningRequest },
} as const;
const planning400 = problem(
  'A malformed query parameter, or body: weights or capacity CSV that cannot be read, a missing column, a count that is not a number ≥ 0, a key listed twice, census codes the directory does not carry (each names the row).',
);
const planning413 = problem(
  'The body is larger than the admin body limit (CATCHMENTS_ADMIN_MAX_BODY_BYTES).',
);
const planning415 = problem('The body is not sent as application/json.');

export const ANALYSIS_OPERATIONS = {
  getDraftImpact: operation({
    tags: ['analysis'],
    description:
      'Validation of the draft as publishing would run it, then every directory postcode assigned with the active version (its precomputed answers) and with the draft: the postcodes that change hub (matrix and list), HV patch and CoC team, live postcodes per unit before and after with balance figures, and the alignment scores before and after. The issue’s `drafts/{id}` is the area’s one draft here. Cached per draft revision.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    query: IMPACT_QUERY,
    responses: {
      200: ok('The impact.', { 'application/json': RedrawImpact }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      409: problem('The draft changed while it was being analysed; ask again.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getVersionImpact: operation({
    tags: ['analysis'],
    description:
      'The impact of a published version against another (default: the version it was published over).',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      version: Type.Integer({ minimum: 1, examples: [2] }),
    }),
    query: IMPACT_QUERY,
    responses: {
      200: ok('The impact.', { 'application/json': RedrawImpact }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getDraftAlignment: operation({
    tags: ['analysis'],
    description:
      'Alignment of two layers of the draft, weighted by the live postcodes of the area directory: every piece, best fits, scores, misaligned fragments (GeoJSON) and ranked suggested fixes.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    query: ALIGNMENT_QUERY,
    responses: {
      200: ok('The alignment.', { 'application/json': AlignmentView }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      409: problem('The draft changed while it was being analysed; ask again.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getVersionAlignment: operation({
    tags: ['analysis'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      version: Type.Integer({ minimum: 1, examples: [2] }),
    }),
    query: ALIGNMENT_QUERY,
    responses: {
      200: ok('The alignment.', { 'application/json': AlignmentView }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getDraftThreeWay: operation({
    tags: ['analysis'],
    description:
      'Hub catchments ↔ HV patches ↔ CoC teams of the draft, naming the places where the three disagree.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    query: THREE_WAY_QUERY,
    responses: {
      200: ok('The three-way report.', { 'application/json': ThreeWayView }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      409: problem('The draft changed while it was being analysed; ask again.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getVersionThreeWay: operation({
    tags: ['analysis'],
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
      version: Type.Integer({ minimum: 1, examples: [2] }),
    }),
    query: THREE_WAY_QUERY,
    responses: {
      200: ok('The three-way report.', { 'application/json': ThreeWayView }),
      400: problem('A malformed query parameter (version, layer, threshold, maxListed).'),
      401: problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
      404: problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
      422: problem(
        'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
      ),
    },
  }),
  getAlignmentSummary: operation({
    tags: ['analysis'],
    description:
      'Scores only, for anyone: how well the active version’s HV patches, CoC teams and hub catchments line up. Computed once per version (and directory) and cached.',
    path: Type.Object({
      area: Type.String({ examples: ['gloucestershire'] }),
    }),
    responses: {
      200: ok('The scores.', { 'application/json': AlignmentSummary }, { etag: true }),
      304: empty('Not modified.'),
      404: problem('Unknown area, or no published version yet.'),
    },
  }),
};

/** A GET operation's POST twin: the same parameters and answer, with the planner's body. */
function withPlanning<const S extends (typeof ANALYSIS_OPERATIONS)[keyof typeof ANALYSIS_OPERATIONS]>(
  get: S,
  description: string,
) {
  return operation({
    ...get,
    description,
    body: planningBody,
    responses: { ...get.responses, 400: planning400, 413: planning413, 415: planning415 },
  });
}

export const PLANNING_OPERATIONS = {
  postDraftImpact: withPlanning(
    ANALYSIS_OPERATIONS.getDraftImpact,
    'The draft’s impact as GET …/draft/impact answers it, with the planner’s weights (births, children, cases per postcode or per OA/LSOA, spread over each area’s live postcodes) and capacities per hub, HV patch and CoC team: every unit’s weight before and after, alignment weighted by it, caseload against capacity flagged over (> 100%) or under (< underShare), and every weights row that could not be placed, with why. Nothing is stored; answers are cached per draft revision and the content of the weights and capacities.',
  ),
  postVersionImpact: withPlanning(
    ANALYSIS_OPERATIONS.getVersionImpact,
    'A published version’s impact with the planner’s weights and capacities (as POST …/draft/impact).',
  ),
  postDraftAlignment: withPlanning(
    ANALYSIS_OPERATIONS.getDraftAlignment,
    'Alignment of two layers of the draft weighted by the planner’s weights, with each unit’s caseload against its capacity (`capacity.a`, `capacity.b`).',
  ),
  postVersionAlignment: withPlanning(
    ANALYSIS_OPERATIONS.getVersionAlignment,
    'Alignment of two layers of a published version weighted by the planner’s weights, with caseload against capacity.',
  ),
};
