// OpenAPI documentation of the analysis routes (redraw impact and alignment): their response
// schemas and per-operation details, merged into the document by functions/http/openapi.ts. The
// e2e suite validates real answers against these schemas. Field meanings: docs/impact.md and
// docs/alignment.md.

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const nullable = (schema: Schema): Schema => ({ oneOf: [schema, { type: 'null' }] });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const obj = (
  properties: Record<string, Schema>,
  required: readonly string[] = Object.keys(properties),
): Schema => ({
  type: 'object',
  required: [...required],
  properties,
});
const int: Schema = { type: 'integer', minimum: 0 };
const num: Schema = { type: 'number' };
const share: Schema = { type: 'number', minimum: 0, maximum: 1 };
const str: Schema = { type: 'string' };
const id: Schema = { type: ['string', 'null'] };
const lngLat: Schema = { type: 'array', items: num, minItems: 2, maxItems: 2 };
const arrayOf = (items: Schema): Schema => ({ type: 'array', items });
const pairName: Schema = { enum: ['patches-teams', 'patches-catchments', 'catchments-teams'] };
const layerName: Schema = { enum: ['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments'] };

/** Changes of one layer; `moved` items name the units `from`/`to` (hubs: `fromHub`/`toHub`). */
function unitChanges(movedItem: Schema): Schema {
  return {
    ...obj({
      changed: int,
      changedLive: int,
      matrix: arrayOf(ref('UnitFlow')),
      moved: arrayOf(movedItem),
      movedTruncated: { type: 'boolean' },
      units: arrayOf(ref('UnitCount')),
      none: obj({ before: int, after: int }),
      balance: obj({ before: ref('Balance'), after: ref('Balance') }),
      largestChange: nullable(ref('UnitCount')),
      weighted: nullable(
        obj({
          none: obj({ before: num, after: num }),
          balance: obj({ before: ref('WeightBalance'), after: ref('WeightBalance') }),
        }),
      ),
      capacity: nullable(ref('CapacityChanges')),
    }),
    description:
      'Postcodes that change unit (every located postcode), the from → to matrix, and live postcodes per unit ' +
      'before and after (the caseload proxy) with balance figures.',
  };
}

export const ANALYSIS_SCHEMAS: Readonly<Record<string, Schema>> = {
  DirectionScore: obj({ byArea: share, byPostcodes: nullable(share) }),
  ScoreSet: {
    ...obj({
      aInB: ref('DirectionScore'),
      bInA: ref('DirectionScore'),
      coterminosity: share,
      basis: { enum: ['postcodes', 'area'] },
    }),
    description:
      'A→B: share of A lying in its best-fitting B unit (by area and by postcodes). Coterminosity: share of the ' +
      'weight of A ∪ B in pieces where either unit is the other’s best fit (docs/alignment.md).',
  },
  AlignmentPairSummary: obj({
    name: pairName,
    a: layerName,
    b: layerName,
    scores: ref('ScoreSet'),
    nestedA: int,
    unitsA: int,
    nestedB: int,
    unitsB: int,
    misalignedPieces: int,
  }),
  AlignmentSummary: {
    ...obj({
      area: str,
      version: { type: 'integer', minimum: 1 },
      directoryStamp: id,
      basis: { enum: ['postcodes', 'area'] },
      threshold: share,
      pairs: arrayOf(ref('AlignmentPairSummary')),
      agreement: nullable(share),
    }),
    description:
      'Alignment scores of the active version: HV patches ↔ CoC teams, HV patches ↔ hub catchments, catchments ↔ ' +
      'CoC teams (pairs whose layers the version has), and the three-way agreement; weighted by live postcodes.',
  },
  Balance: obj({
    units: int,
    postcodes: int,
    mean: num,
    min: nullable(obj({ id: str, postcodes: int })),
    max: nullable(obj({ id: str, postcodes: int })),
    maxMinRatio: nullable(num),
    cv: nullable(num),
  }),
  UnitCount: obj(
    {
      id: str,
      name: str,
      state: { enum: ['kept', 'added', 'removed'] },
      before: int,
      after: int,
      change: { type: 'integer' },
      changeShare: nullable(num),
      weight: obj({ before: num, after: num, change: num, changeShare: nullable(num) }),
    },
    ['id', 'name', 'state', 'before', 'after', 'change', 'changeShare'],
  ),
  UnitFlow: obj({ from: id, to: id, postcodes: int, live: int, weight: num }, [
    'from',
    'to',
    'postcodes',
    'live',
  ]),
  WeightBalance: obj({
    units: int,
    weight: num,
    mean: num,
    min: nullable(obj({ id: str, weight: num })),
    max: nullable(obj({ id: str, weight: num })),
    maxMinRatio: nullable(num),
    cv: nullable(num),
  }),
  Load: {
    ...obj({ caseload: num, share: num, flag: { enum: ['over', 'under', 'within'] } }),
    description: 'caseload ÷ capacity: over above 1, under below the lower share (underShare), else within.',
  },
  CapacityChanges: obj({
    measure: str,
    underShare: share,
    units: arrayOf(
      obj({
        id: str,
        name: str,
        state: { enum: ['kept', 'added', 'removed'] },
        capacity: num,
        before: nullable(ref('Load')),
        after: nullable(ref('Load')),
      }),
    ),
    withoutCapacity: arrayOf(str),
    over: obj({ before: int, after: int }),
    under: obj({ before: int, after: int }),
  }),
  LayerLoads: obj({
    measure: str,
    underShare: share,
    units: arrayOf(obj({ id: str, name: str, capacity: num, load: ref('Load') })),
    withoutCapacity: arrayOf(str),
    over: int,
    under: int,
  }),
  CapacityEntry: obj({ layer: id, unit: str, capacity: num, row: int }),
  WeightsReport: {
    ...obj({
      key: { enum: ['postcode', 'oa', 'lsoa', 'oa11', 'lsoa11', 'oa21', 'lsoa21'] },
      column: str,
      keyColumn: str,
      censusSource: id,
      rows: int,
      total: num,
      matched: obj({ rows: int, weight: num, postcodes: int }),
      unmatched: obj({
        rows: int,
        weight: num,
        byReason: obj({
          malformed: obj({ rows: int, weight: num }),
          unknown: obj({ rows: int, weight: num }),
          terminated: obj({ rows: int, weight: num }),
          'no-location': obj({ rows: int, weight: num }),
        }),
        listed: arrayOf(
          obj({
            code: str,
            row: int,
            weight: num,
            reason: { enum: ['malformed', 'unknown', 'terminated', 'no-location'] },
          }),
        ),
        listedTruncated: { type: 'boolean' },
      }),
    }),
    description:
      'What the weights file matched: matched.weight = total − unmatched.weight, and every caseload total splits ' +
      'matched.weight (docs/impact.md, "Weights and capacity").',
  },
  PlanningRequest: {
    type: 'object',
    additionalProperties: false,
    properties: {
      weights: {
        type: 'object',
        required: ['csv', 'key', 'column'],
        additionalProperties: false,
        properties: {
          csv: { type: 'string', description: 'The weights file as CSV text, header first.' },
          key: {
            enum: ['postcode', 'oa', 'lsoa', 'oa11', 'lsoa11', 'oa21', 'lsoa21'],
            description: 'What the rows are keyed by; census codes are spread over their live postcodes.',
          },
          column: { type: 'string', description: 'The column holding the counts, e.g. births.' },
          keyColumn: { type: 'string', description: 'The column holding the keys (default: found by name).' },
        },
      },
      capacity: {
        type: 'object',
        required: ['csv'],
        additionalProperties: false,
        properties: {
          csv: { type: 'string', description: 'CSV with unit_id, capacity and optionally layer.' },
        },
      },
      underShare: { ...share, exclusiveMinimum: 0, default: 0.8 },
    },
    example: {
      weights: { csv: 'lsoa11,births\nE01022110,17\n', key: 'lsoa', column: 'births' },
      capacity: { csv: 'layer,unit_id,capacity\nhv-patches,hv-stroud-1,60\n' },
      underShare: 0.8,
    },
  },
  UnitChanges: unitChanges(
    obj({ postcode: str, lat: num, lng: num, status: { enum: ['live', 'terminated'] }, from: id, to: id }),
  ),
  HubChanges: unitChanges(
    obj({
      postcode: str,
      lat: num,
      lng: num,
      status: { enum: ['live', 'terminated'] },
      fromHub: id,
      toHub: id,
      match: { enum: ['inside', 'boundary', 'gap', 'outside'] },
    }),
  ),
  RedrawImpact: {
    ...obj({
      schema: { const: 1 },
      area: str,
      from: obj({ version: { type: ['integer', 'null'] }, label: str }),
      to: obj({ version: { type: ['integer', 'null'] }, label: str }),
      draft: nullable(obj({ id: str, revision: int, baseVersion: { type: ['integer', 'null'] } })),
      directoryStamp: id,
      validation: obj({
        publishable: { type: 'boolean' },
        errors: int,
        warnings: int,
        problems: arrayOf({
          type: 'object',
          required: ['kind', 'severity', 'message'],
          properties: {
            kind: str,
            severity: { enum: ['error', 'warning', 'info'] },
            message: str,
            layer: str,
            feature: str,
            otherFeature: str,
            areaM2: num,
            location: lngLat,
          },
        }),
        coverage: nullable({ type: 'object', required: ['outlineAreaM2', 'coveredShare'] }),
      }),
      postcodes: obj({
        given: int,
        located: int,
        withoutLocation: int,
        live: int,
        terminated: int,
        fromTable: obj({ from: int, to: int }),
        before: ref('MatchCounts'),
        after: ref('MatchCounts'),
      }),
      hubs: ref('HubChanges'),
      hvPatches: nullable(ref('UnitChanges')),
      cocTeams: nullable(ref('UnitChanges')),
      alignment: nullable(
        obj({
          before: ref('AlignmentScores'),
          after: ref('AlignmentScores'),
          pairs: arrayOf(
            obj({
              name: pairName,
              a: layerName,
              b: layerName,
              before: nullable(share),
              after: nullable(share),
              change: nullable(num),
            }),
          ),
          agreement: obj({ before: nullable(share), after: nullable(share), change: nullable(num) }),
        }),
      ),
      maxListed: int,
      weights: nullable(ref('WeightsReport')),
      capacity: nullable(
        obj({ measure: str, underShare: share, rows: int, unknown: arrayOf(ref('CapacityEntry')) }),
      ),
    }),
    description: 'docs/impact.md describes every field.',
  },
  MatchCounts: obj({ inside: int, boundary: int, gap: int, outside: int }),
  AlignmentScores: obj({
    basis: { enum: ['postcodes', 'area'] },
    threshold: share,
    pairs: arrayOf(ref('AlignmentPairSummary')),
    agreement: nullable(share),
  }),
  UnitFit: obj({
    id: str,
    name: str,
    areaM2: num,
    postcodes: int,
    weight: num,
    bestFit: id,
    shareByArea: num,
    shareByPostcodes: nullable(num),
    nested: { type: 'boolean' },
    splits: arrayOf(obj({ id: str, areaM2: num, postcodes: int })),
    uncoveredAreaM2: num,
    uncoveredPostcodes: int,
  }),
  AlignmentResult: {
    ...obj({
      a: obj({ units: int, areaM2: num, postcodes: int }),
      b: obj({ units: int, areaM2: num, postcodes: int }),
      threshold: share,
      sliverRule: obj({ maxShare: num, maxAreaM2: num }),
      scores: ref('ScoreSet'),
      pairs: arrayOf(
        obj({
          a: str,
          b: str,
          areaM2: num,
          postcodes: int,
          weight: num,
          shareOfA: num,
          shareOfB: num,
          sliver: { type: 'boolean' },
          aligned: { type: 'boolean' },
          method: str,
        }),
      ),
      unitsA: arrayOf(ref('UnitFit')),
      unitsB: arrayOf(ref('UnitFit')),
      slivers: obj({ count: int, areaM2: num, largestM2: num }),
      misalignedPieces: int,
      fragments: obj({
        type: { const: 'FeatureCollection' },
        features: arrayOf(
          obj({
            type: { const: 'Feature' },
            geometry: nullable({ type: 'object' }),
            properties: obj({ a: str, b: str, bestFitOfA: id, areaM2: num, postcodes: int }, [
              'a',
              'b',
              'bestFitOfA',
              'areaM2',
              'postcodes',
            ]),
          }),
        ),
      }),
      fixes: arrayOf({
        type: 'object',
        required: ['rank', 'kind', 'layer', 'to', 'moves', 'before', 'after', 'gain', 'summary'],
        properties: {
          rank: { type: 'integer', minimum: 1 },
          kind: { enum: ['move-fragment', 'move-unit'] },
          layer: { enum: ['a', 'b'] },
          to: str,
          moves: arrayOf({ type: 'object', required: ['from', 'to', 'a', 'b', 'areaM2', 'postcodes'] }),
          before: ref('ScoreSet'),
          after: ref('ScoreSet'),
          gain: num,
          summary: str,
        },
      }),
      points: nullable(obj({ given: int, skipped: int, inA: int, inB: int, inBoth: int })),
      stats: obj({
        candidatePairs: int,
        touchingPairs: int,
        crossings: int,
        fallbacks: arrayOf(obj({ a: str, b: str, method: str, reason: str })),
      }),
    }),
    description: 'docs/alignment.md ("JSON schemas") describes every field.',
  },
  AnalysisSource: {
    oneOf: [
      obj({
        kind: { const: 'draft' },
        draftId: str,
        revision: int,
        baseVersion: { type: ['integer', 'null'] },
      }),
      obj({ kind: { const: 'version' }, version: { type: 'integer', minimum: 1 } }),
    ],
  },
  AlignmentView: obj({
    area: str,
    source: ref('AnalysisSource'),
    layers: obj({ a: layerName, b: layerName }),
    directoryStamp: id,
    alignment: ref('AlignmentResult'),
    weights: nullable(ref('WeightsReport')),
    capacity: nullable(
      obj({ a: ref('LayerLoads'), b: ref('LayerLoads'), unknown: arrayOf(ref('CapacityEntry')) }),
    ),
  }),
  ThreeWayView: obj({
    area: str,
    source: ref('AnalysisSource'),
    directoryStamp: id,
    threeWay: obj({
      scores: obj({
        'patches-teams': ref('ScoreSet'),
        'patches-catchments': ref('ScoreSet'),
        'catchments-teams': ref('ScoreSet'),
      }),
      agreement: share,
      basis: { enum: ['postcodes', 'area'] },
      patches: arrayOf(
        obj({
          id: str,
          name: str,
          team: id,
          catchment: id,
          nestedInTeam: { type: 'boolean' },
          nestedInCatchment: { type: 'boolean' },
        }),
      ),
      places: arrayOf(
        obj({
          catchment: str,
          patch: str,
          team: str,
          areaM2: num,
          postcodes: int,
          weight: num,
          disagree: arrayOf(pairName),
          description: str,
          location: nullable(lngLat),
          geometry: nullable({ type: 'object' }),
        }),
      ),
      alignments: obj({
        'patches-teams': ref('AlignmentResult'),
        'patches-catchments': ref('AlignmentResult'),
        'catchments-teams': ref('AlignmentResult'),
      }),
    }),
  }),
};

interface OperationDoc {
  readonly description?: string;
  readonly parameters?: readonly Schema[];
  readonly requestBody?: Schema;
  readonly responses: Record<string, Schema>;
  readonly tags: readonly string[];
}

const param = (
  name: string,
  where: 'path' | 'query',
  schema: Schema,
  description?: string,
  example?: unknown,
) => ({
  name,
  in: where,
  required: where === 'path',
  schema,
  ...(description ? { description } : {}),
  ...(example !== undefined ? { example } : {}),
});
const areaParam = param('area', 'path', str, undefined, 'gloucestershire');
const versionParam = param('version', 'path', { type: 'integer', minimum: 1 }, undefined, 2);
const thresholdParam = param(
  'threshold',
  'query',
  { type: 'number', exclusiveMinimum: 0, maximum: 1, default: 0.95 },
  'Share of a unit in its best fit that counts as nested.',
);
const layerParams = [
  param('a', 'query', { ...layerName, default: 'hv-patches' }, 'Layer A.'),
  param('b', 'query', { ...layerName, default: 'coc-teams' }, 'Layer B (not A).'),
];
const impactParams = (fromDescription: string) => [
  param('from', 'query', { type: 'integer', minimum: 1 }, fromDescription),
  param(
    'maxListed',
    'query',
    { type: 'integer', minimum: 0, maximum: 10_000, default: 1000 },
    'Moved postcodes listed per layer (the counts always cover all of them).',
  ),
  thresholdParam,
];
const ok = (description: string, schema: Schema, etag = false) => ({
  description,
  ...(etag ? { headers: { ETag: { $ref: '#/components/headers/ETag' } } } : {}),
  content: { 'application/json': { schema } },
});
const admin4xx = {
  '400': problem('A malformed query parameter (version, layer, threshold, maxListed).'),
  '401': problem('No admin token, or a wrong one (Authorization: Bearer <token>).'),
  '404': problem('Unknown area, no draft, no such version, or the set lacks a layer the report needs.'),
  '422': problem(
    'A layer that cannot be overlaid at all, or a draft without outline or catchments (`problems`).',
  ),
};

const planningBody = {
  required: true,
  content: { 'application/json': { schema: ref('PlanningRequest') } },
};
const planning4xx = {
  ...admin4xx,
  '400': problem(
    'A malformed query parameter, or body: weights or capacity CSV that cannot be read, a missing column, a count ' +
      'that is not a number ≥ 0, a key listed twice, census codes the directory does not carry (each names the row).',
  ),
  '413': problem('The body is larger than the admin body limit.'),
  '415': problem('The body is not JSON.'),
};

export const ANALYSIS_OPERATION_DOCS: Readonly<Record<string, OperationDoc>> = {
  getDraftImpact: {
    tags: ['analysis'],
    description:
      'Validation of the draft as publishing would run it, then every directory postcode assigned with the active ' +
      'version (its precomputed answers) and with the draft: the postcodes that change hub (matrix and list), HV ' +
      'patch and CoC team, live postcodes per unit before and after with balance figures, and the alignment scores ' +
      'before and after. The issue’s `drafts/{id}` is the area’s one draft here. Cached per draft revision.',
    parameters: [
      areaParam,
      ...impactParams('Compare with this published version instead of the active one.'),
    ],
    responses: {
      '200': ok('The impact.', ref('RedrawImpact')),
      ...admin4xx,
      '409': problem('The draft changed while it was being analysed; ask again.'),
    },
  },
  getVersionImpact: {
    tags: ['analysis'],
    description:
      'The impact of a published version against another (default: the version it was published over).',
    parameters: [
      areaParam,
      versionParam,
      ...impactParams('The earlier version (default: the one it replaced).'),
    ],
    responses: { '200': ok('The impact.', ref('RedrawImpact')), ...admin4xx },
  },
  postDraftImpact: {
    tags: ['analysis'],
    description:
      'The draft’s impact as GET …/draft/impact answers it, with the planner’s weights (births, children, cases per ' +
      'postcode or per OA/LSOA, spread over each area’s live postcodes) and capacities per hub, HV patch and CoC team: ' +
      'every unit’s weight before and after, alignment weighted by it, caseload against capacity flagged over ' +
      '(> 100%) or under (< underShare), and every weights row that could not be placed, with why. Nothing is ' +
      'stored; results are cached per draft revision and the content of the weights and capacities.',
    parameters: [
      areaParam,
      ...impactParams('Compare with this published version instead of the active one.'),
    ],
    requestBody: planningBody,
    responses: {
      '200': ok('The impact.', ref('RedrawImpact')),
      ...planning4xx,
      '409': problem('The draft changed while it was being analysed; ask again.'),
    },
  },
  postVersionImpact: {
    tags: ['analysis'],
    description:
      'A published version’s impact with the planner’s weights and capacities (as POST …/draft/impact).',
    parameters: [
      areaParam,
      versionParam,
      ...impactParams('The earlier version (default: the one it replaced).'),
    ],
    requestBody: planningBody,
    responses: { '200': ok('The impact.', ref('RedrawImpact')), ...planning4xx },
  },
  postDraftAlignment: {
    tags: ['analysis'],
    description:
      'Alignment of two layers of the draft weighted by the planner’s weights, with each unit’s caseload against its ' +
      'capacity (`capacity.a`, `capacity.b`).',
    parameters: [areaParam, ...layerParams, thresholdParam],
    requestBody: planningBody,
    responses: {
      '200': ok('The alignment.', ref('AlignmentView')),
      ...planning4xx,
      '409': problem('The draft changed while it was being analysed; ask again.'),
    },
  },
  postVersionAlignment: {
    tags: ['analysis'],
    parameters: [areaParam, versionParam, ...layerParams, thresholdParam],
    requestBody: planningBody,
    responses: { '200': ok('The alignment.', ref('AlignmentView')), ...planning4xx },
  },
  getDraftAlignment: {
    tags: ['analysis'],
    description:
      'Alignment of two layers of the draft, weighted by the live postcodes of the area directory: every piece, ' +
      'best fits, scores, misaligned fragments (GeoJSON) and ranked suggested fixes.',
    parameters: [areaParam, ...layerParams, thresholdParam],
    responses: {
      '200': ok('The alignment.', ref('AlignmentView')),
      ...admin4xx,
      '409': problem('The draft changed while it was being analysed; ask again.'),
    },
  },
  getVersionAlignment: {
    tags: ['analysis'],
    parameters: [areaParam, versionParam, ...layerParams, thresholdParam],
    responses: { '200': ok('The alignment.', ref('AlignmentView')), ...admin4xx },
  },
  getDraftThreeWay: {
    tags: ['analysis'],
    description:
      'Hub catchments ↔ HV patches ↔ CoC teams of the draft, naming the places where the three disagree.',
    parameters: [areaParam, thresholdParam],
    responses: {
      '200': ok('The three-way report.', ref('ThreeWayView')),
      ...admin4xx,
      '409': problem('The draft changed while it was being analysed; ask again.'),
    },
  },
  getVersionThreeWay: {
    tags: ['analysis'],
    parameters: [areaParam, versionParam, thresholdParam],
    responses: { '200': ok('The three-way report.', ref('ThreeWayView')), ...admin4xx },
  },
  getAlignmentSummary: {
    tags: ['analysis'],
    description:
      'Scores only, for anyone: how well the active version’s HV patches, CoC teams and hub catchments line up. ' +
      'Computed once per version (and directory) and cached.',
    parameters: [areaParam],
    responses: {
      '200': ok('The scores.', ref('AlignmentSummary'), true),
      '304': { description: 'Not modified.' },
      '404': problem('Unknown area, or no published version yet.'),
    },
  },
};
