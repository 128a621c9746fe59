// Schemas of redraw impact and alignment (semantics: docs/impact.md, docs/alignment.md).
import { Type } from '@sinclair/typebox';
import { Nullable, StringEnum } from './typebox.js';

/** With basis `weights` (a planner's weights file): the column the scores are weighted by. */
const WeightColumn = Type.String({
  description: "With basis `weights`: the weights file's column the scores are weighted by, e.g. births",
});

export const DirectionScore = Type.Object(
  {
    byArea: Type.Number({ minimum: 0, maximum: 1 }),
    byPostcodes: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { $id: 'DirectionScore' },
);
export const ScoreSet = Type.Object(
  {
    aInB: DirectionScore,
    bInA: DirectionScore,
    coterminosity: Type.Number({ minimum: 0, maximum: 1 }),
    basis: StringEnum(['postcodes', 'weights', 'area']),
    weightColumn: Type.Optional(WeightColumn),
  },
  {
    description:
      'A→B: share of A lying in its best-fitting B unit (by area and by postcodes). Coterminosity: share of the weight of A ∪ B in pieces where either unit is the other’s best fit (docs/alignment.md).',
    $id: 'ScoreSet',
  },
);
export const AlignmentPairSummary = Type.Object(
  {
    name: StringEnum(['patches-teams', 'patches-catchments', 'catchments-teams']),
    a: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
    b: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
    scores: ScoreSet,
    nestedA: Type.Integer({ minimum: 0 }),
    unitsA: Type.Integer({ minimum: 0 }),
    nestedB: Type.Integer({ minimum: 0 }),
    unitsB: Type.Integer({ minimum: 0 }),
    misalignedPieces: Type.Integer({ minimum: 0 }),
  },
  { $id: 'AlignmentPairSummary' },
);
export const AlignmentSummary = Type.Object(
  {
    area: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    directoryStamp: Nullable(Type.String()),
    basis: StringEnum(['postcodes', 'area']),
    threshold: Type.Number({ minimum: 0, maximum: 1 }),
    pairs: Type.Array(AlignmentPairSummary),
    agreement: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  },
  {
    description:
      'Alignment scores of the active version: HV patches ↔ CoC teams, HV patches ↔ hub catchments, catchments ↔ CoC teams (pairs whose layers the version has), and the three-way agreement; weighted by live postcodes.',
    $id: 'AlignmentSummary',
  },
);
export const Balance = Type.Object(
  {
    units: Type.Integer({ minimum: 0 }),
    postcodes: Type.Integer({ minimum: 0 }),
    mean: Type.Number(),
    min: Nullable(
      Type.Object({
        id: Type.String(),
        postcodes: Type.Integer({ minimum: 0 }),
      }),
    ),
    max: Nullable(
      Type.Object({
        id: Type.String(),
        postcodes: Type.Integer({ minimum: 0 }),
      }),
    ),
    maxMinRatio: Nullable(Type.Number()),
    cv: Nullable(Type.Number()),
  },
  { $id: 'Balance' },
);
// A planner's weights and capacities (docs/impact.md, "Weights and capacity").
const WEIGHT_KEYS = ['postcode', 'oa', 'lsoa', 'oa11', 'lsoa11', 'oa21', 'lsoa21'] as const;
const UNMATCHED_REASONS = ['malformed', 'unknown', 'terminated', 'no-location'] as const;
const Share = Type.Number({ minimum: 0, maximum: 1 });
const WeightTotal = Type.Object({ rows: Type.Integer({ minimum: 0 }), weight: Type.Number({ minimum: 0 }) });
export const WeightBalance = Type.Object(
  {
    units: Type.Integer({ minimum: 0 }),
    weight: Type.Number(),
    mean: Type.Number(),
    min: Nullable(Type.Object({ id: Type.String(), weight: Type.Number() })),
    max: Nullable(Type.Object({ id: Type.String(), weight: Type.Number() })),
    maxMinRatio: Nullable(Type.Number()),
    cv: Nullable(Type.Number()),
  },
  { $id: 'WeightBalance' },
);
export const Load = Type.Object(
  {
    caseload: Type.Number({ minimum: 0 }),
    share: Type.Number({ minimum: 0 }),
    flag: StringEnum(['over', 'under', 'within']),
  },
  {
    description: 'caseload ÷ capacity: over above 1, under below the lower share (underShare), else within.',
    $id: 'Load',
  },
);
export const CapacityChanges = Type.Object(
  {
    measure: Type.String(),
    underShare: Share,
    units: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        state: StringEnum(['kept', 'added', 'removed']),
        capacity: Type.Number({ exclusiveMinimum: 0 }),
        before: Nullable(Load),
        after: Nullable(Load),
      }),
    ),
    withoutCapacity: Type.Array(Type.String()),
    over: Type.Object({ before: Type.Integer({ minimum: 0 }), after: Type.Integer({ minimum: 0 }) }),
    under: Type.Object({ before: Type.Integer({ minimum: 0 }), after: Type.Integer({ minimum: 0 }) }),
  },
  { $id: 'CapacityChanges' },
);
export const LayerLoads = Type.Object(
  {
    measure: Type.String(),
    underShare: Share,
    units: Type.Array(
      Type.Object({
        id: Type.String(),
        name: Type.String(),
        capacity: Type.Number({ exclusiveMinimum: 0 }),
        load: Load,
      }),
    ),
    withoutCapacity: Type.Array(Type.String()),
    over: Type.Integer({ minimum: 0 }),
    under: Type.Integer({ minimum: 0 }),
  },
  { $id: 'LayerLoads' },
);
export const CapacityEntry = Type.Object(
  {
    layer: Nullable(Type.String()),
    unit: Type.String(),
    capacity: Type.Number({ exclusiveMinimum: 0 }),
    row: Type.Integer({ minimum: 1 }),
  },
  { $id: 'CapacityEntry' },
);
export const WeightsReport = Type.Object(
  {
    key: StringEnum(WEIGHT_KEYS),
    column: Type.String(),
    keyColumn: Type.String(),
    censusSource: Nullable(Type.String()),
    rows: Type.Integer({ minimum: 0 }),
    total: Type.Number({ minimum: 0 }),
    matched: Type.Object({
      rows: Type.Integer({ minimum: 0 }),
      weight: Type.Number({ minimum: 0 }),
      postcodes: Type.Integer({ minimum: 0 }),
    }),
    unmatched: Type.Object({
      rows: Type.Integer({ minimum: 0 }),
      weight: Type.Number({ minimum: 0 }),
      byReason: Type.Object({
        malformed: WeightTotal,
        unknown: WeightTotal,
        terminated: WeightTotal,
        'no-location': WeightTotal,
      }),
      listed: Type.Array(
        Type.Object({
          code: Type.String(),
          row: Type.Integer({ minimum: 1 }),
          weight: Type.Number({ minimum: 0 }),
          reason: StringEnum(UNMATCHED_REASONS),
        }),
      ),
      listedTruncated: Type.Boolean(),
    }),
  },
  {
    description:
      'What the weights file matched: matched.weight = total − unmatched.weight, and every caseload total splits matched.weight (docs/impact.md, "Weights and capacity").',
    $id: 'WeightsReport',
  },
);
export const PlanningRequest = Type.Object(
  {
    weights: Type.Optional(
      Type.Object(
        {
          csv: Type.String({ description: 'The weights file as CSV text, header first.' }),
          key: StringEnum(WEIGHT_KEYS, {
            description: 'What the rows are keyed by; census codes are spread over their live postcodes.',
          }),
          column: Type.String({ description: 'The column holding the counts, e.g. births.' }),
          keyColumn: Type.Optional(
            Type.String({ description: 'The column holding the keys (default: found by name).' }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    capacity: Type.Optional(
      Type.Object(
        { csv: Type.String({ description: 'CSV with unit_id, capacity and optionally layer.' }) },
        { additionalProperties: false },
      ),
    ),
    underShare: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, default: 0.8 })),
  },
  {
    additionalProperties: false,
    description:
      'A planner’s weights (births, children, cases per postcode or per OA/LSOA) and capacities per hub, HV patch or CoC team, sent with each request (nothing is stored).',
    examples: [
      {
        weights: { csv: 'lsoa11,births\nE01022110,17\n', key: 'lsoa', column: 'births' },
        capacity: { csv: 'layer,unit_id,capacity\nhv-patches,hv-stroud-1,60\n' },
        underShare: 0.8,
      },
    ],
    $id: 'PlanningRequest',
  },
);
export const UnitCount = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    state: StringEnum(['kept', 'added', 'removed']),
    before: Type.Integer({ minimum: 0 }),
    after: Type.Integer({ minimum: 0 }),
    change: Type.Integer(),
    changeShare: Nullable(Type.Number()),
    /** With weights: the unit's weight before and after. */
    weight: Type.Optional(
      Type.Object({
        before: Type.Number(),
        after: Type.Number(),
        change: Type.Number(),
        changeShare: Nullable(Type.Number()),
      }),
    ),
  },
  { $id: 'UnitCount' },
);
export const UnitFlow = Type.Object(
  {
    from: Nullable(Type.String()),
    to: Nullable(Type.String()),
    postcodes: Type.Integer({ minimum: 0 }),
    live: Type.Integer({ minimum: 0 }),
    weight: Type.Optional(Type.Number()),
  },
  { $id: 'UnitFlow' },
);
export const UnitChanges = Type.Object(
  {
    changed: Type.Integer({ minimum: 0 }),
    changedLive: Type.Integer({ minimum: 0 }),
    matrix: Type.Array(UnitFlow),
    moved: Type.Array(
      Type.Object({
        postcode: Type.String(),
        lat: Type.Number(),
        lng: Type.Number(),
        status: StringEnum(['live', 'terminated']),
        from: Nullable(Type.String()),
        to: Nullable(Type.String()),
      }),
    ),
    movedTruncated: Type.Boolean(),
    units: Type.Array(UnitCount),
    none: Type.Object({
      before: Type.Integer({ minimum: 0 }),
      after: Type.Integer({ minimum: 0 }),
    }),
    balance: Type.Object({
      before: Balance,
      after: Balance,
    }),
    largestChange: Nullable(UnitCount),
    weighted: Nullable(
      Type.Object({
        none: Type.Object({ before: Type.Number(), after: Type.Number() }),
        balance: Type.Object({ before: WeightBalance, after: WeightBalance }),
      }),
    ),
    capacity: Nullable(CapacityChanges),
  },
  {
    description:
      'Postcodes that change unit (every located postcode), the from → to matrix, and live postcodes per unit before and after (the caseload proxy) with balance figures.',
    $id: 'UnitChanges',
  },
);
export const HubChanges = Type.Object(
  {
    changed: Type.Integer({ minimum: 0 }),
    changedLive: Type.Integer({ minimum: 0 }),
    matrix: Type.Array(UnitFlow),
    moved: Type.Array(
      Type.Object({
        postcode: Type.String(),
        lat: Type.Number(),
        lng: Type.Number(),
        status: StringEnum(['live', 'terminated']),
        fromHub: Nullable(Type.String()),
        toHub: Nullable(Type.String()),
        match: StringEnum(['inside', 'boundary', 'gap', 'outside']),
      }),
    ),
    movedTruncated: Type.Boolean(),
    units: Type.Array(UnitCount),
    none: Type.Object({
      before: Type.Integer({ minimum: 0 }),
      after: Type.Integer({ minimum: 0 }),
    }),
    balance: Type.Object({
      before: Balance,
      after: Balance,
    }),
    largestChange: Nullable(UnitCount),
    weighted: Nullable(
      Type.Object({
        none: Type.Object({ before: Type.Number(), after: Type.Number() }),
        balance: Type.Object({ before: WeightBalance, after: WeightBalance }),
      }),
    ),
    capacity: Nullable(CapacityChanges),
  },
  {
    description:
      'Postcodes that change unit (every located postcode), the from → to matrix, and live postcodes per unit before and after (the caseload proxy) with balance figures.',
    $id: 'HubChanges',
  },
);
export const AlignmentScores = Type.Object(
  {
    basis: StringEnum(['postcodes', 'weights', 'area']),
    weightColumn: Type.Optional(WeightColumn),
    threshold: Type.Number({ minimum: 0, maximum: 1 }),
    pairs: Type.Array(AlignmentPairSummary),
    agreement: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
  },
  { $id: 'AlignmentScores' },
);
export const MatchCounts = Type.Object(
  {
    inside: Type.Integer({ minimum: 0 }),
    boundary: Type.Integer({ minimum: 0 }),
    gap: Type.Integer({ minimum: 0 }),
    outside: Type.Integer({ minimum: 0 }),
  },
  { $id: 'MatchCounts' },
);
export const RedrawImpact = Type.Object(
  {
    schema: Type.Literal(1),
    area: Type.String(),
    from: Type.Object({
      version: Nullable(Type.Integer()),
      label: Type.String(),
    }),
    to: Type.Object({
      version: Nullable(Type.Integer()),
      label: Type.String(),
    }),
    draft: Nullable(
      Type.Object({
        id: Type.String(),
        revision: Type.Integer({ minimum: 0 }),
        baseVersion: Nullable(Type.Integer()),
      }),
    ),
    directoryStamp: Nullable(Type.String()),
    validation: Type.Object({
      publishable: Type.Boolean(),
      errors: Type.Integer({ minimum: 0 }),
      warnings: Type.Integer({ minimum: 0 }),
      problems: Type.Array(
        Type.Object({
          kind: Type.String(),
          severity: StringEnum(['error', 'warning', 'info']),
          message: Type.String(),
          layer: Type.Optional(Type.String()),
          feature: Type.Optional(Type.String()),
          otherFeature: Type.Optional(Type.String()),
          areaM2: Type.Optional(Type.Number()),
          location: Type.Optional(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
        }),
      ),
      coverage: Nullable(Type.Object({})),
    }),
    postcodes: Type.Object({
      given: Type.Integer({ minimum: 0 }),
      located: Type.Integer({ minimum: 0 }),
      withoutLocation: Type.Integer({ minimum: 0 }),
      live: Type.Integer({ minimum: 0 }),
      terminated: Type.Integer({ minimum: 0 }),
      fromTable: Type.Object({
        from: Type.Integer({ minimum: 0 }),
        to: Type.Integer({ minimum: 0 }),
      }),
      before: MatchCounts,
      after: MatchCounts,
    }),
    hubs: HubChanges,
    hvPatches: Nullable(UnitChanges),
    cocTeams: Nullable(UnitChanges),
    alignment: Nullable(
      Type.Object({
        before: AlignmentScores,
        after: AlignmentScores,
        pairs: Type.Array(
          Type.Object({
            name: StringEnum(['patches-teams', 'patches-catchments', 'catchments-teams']),
            a: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
            b: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
            before: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
            after: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
            change: Nullable(Type.Number()),
          }),
        ),
        agreement: Type.Object({
          before: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
          after: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
          change: Nullable(Type.Number()),
        }),
      }),
    ),
    maxListed: Type.Integer({ minimum: 0 }),
    weights: Nullable(WeightsReport),
    capacity: Nullable(
      Type.Object({
        measure: Type.String(),
        underShare: Share,
        rows: Type.Integer({ minimum: 0 }),
        unknown: Type.Array(CapacityEntry),
      }),
    ),
  },
  { description: 'docs/impact.md describes every field.', $id: 'RedrawImpact' },
);
export const UnitFit = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    areaM2: Type.Number(),
    postcodes: Type.Integer({ minimum: 0 }),
    weight: Type.Number(),
    bestFit: Nullable(Type.String()),
    shareByArea: Type.Number(),
    shareByPostcodes: Nullable(Type.Number()),
    nested: Type.Boolean(),
    splits: Type.Array(
      Type.Object({
        id: Type.String(),
        areaM2: Type.Number(),
        postcodes: Type.Integer({ minimum: 0 }),
      }),
    ),
    uncoveredAreaM2: Type.Number(),
    uncoveredPostcodes: Type.Integer({ minimum: 0 }),
  },
  { $id: 'UnitFit' },
);
export const AlignmentResult = Type.Object(
  {
    a: Type.Object({
      units: Type.Integer({ minimum: 0 }),
      areaM2: Type.Number(),
      postcodes: Type.Integer({ minimum: 0 }),
    }),
    b: Type.Object({
      units: Type.Integer({ minimum: 0 }),
      areaM2: Type.Number(),
      postcodes: Type.Integer({ minimum: 0 }),
    }),
    threshold: Type.Number({ minimum: 0, maximum: 1 }),
    sliverRule: Type.Object({
      maxShare: Type.Number(),
      maxAreaM2: Type.Number(),
    }),
    scores: ScoreSet,
    pairs: Type.Array(
      Type.Object({
        a: Type.String(),
        b: Type.String(),
        areaM2: Type.Number(),
        postcodes: Type.Integer({ minimum: 0 }),
        weight: Type.Number(),
        shareOfA: Type.Number(),
        shareOfB: Type.Number(),
        sliver: Type.Boolean(),
        aligned: Type.Boolean(),
        method: Type.String(),
      }),
    ),
    unitsA: Type.Array(UnitFit),
    unitsB: Type.Array(UnitFit),
    slivers: Type.Object({
      count: Type.Integer({ minimum: 0 }),
      areaM2: Type.Number(),
      largestM2: Type.Number(),
    }),
    misalignedPieces: Type.Integer({ minimum: 0 }),
    fragments: Type.Object({
      type: Type.Literal('FeatureCollection'),
      features: Type.Array(
        Type.Object({
          type: Type.Literal('Feature'),
          geometry: Nullable(Type.Object({})),
          properties: Type.Object({
            a: Type.String(),
            b: Type.String(),
            bestFitOfA: Nullable(Type.String()),
            areaM2: Type.Number(),
            postcodes: Type.Integer({ minimum: 0 }),
          }),
        }),
      ),
    }),
    fixes: Type.Array(
      Type.Object({
        rank: Type.Integer({ minimum: 1 }),
        kind: StringEnum(['move-fragment', 'move-unit']),
        layer: StringEnum(['a', 'b']),
        to: Type.String(),
        moves: Type.Array(Type.Object({})),
        before: ScoreSet,
        after: ScoreSet,
        gain: Type.Number(),
        summary: Type.String(),
      }),
    ),
    points: Nullable(
      Type.Object({
        given: Type.Integer({ minimum: 0 }),
        skipped: Type.Integer({ minimum: 0 }),
        inA: Type.Integer({ minimum: 0 }),
        inB: Type.Integer({ minimum: 0 }),
        inBoth: Type.Integer({ minimum: 0 }),
      }),
    ),
    stats: Type.Object({
      candidatePairs: Type.Integer({ minimum: 0 }),
      touchingPairs: Type.Integer({ minimum: 0 }),
      crossings: Type.Integer({ minimum: 0 }),
      fallbacks: Type.Array(
        Type.Object({
          a: Type.String(),
          b: Type.String(),
          method: Type.String(),
          reason: Type.String(),
        }),
      ),
    }),
  },
  { description: 'docs/alignment.md ("JSON schemas") describes every field.', $id: 'AlignmentResult' },
);
export const AnalysisSource = Type.Union(
  [
    Type.Object({
      kind: Type.Literal('draft'),
      draftId: Type.String(),
      revision: Type.Integer({ minimum: 0 }),
      baseVersion: Nullable(Type.Integer()),
    }),
    Type.Object({
      kind: Type.Literal('version'),
      version: Type.Integer({ minimum: 1 }),
    }),
  ],
  { $id: 'AnalysisSource' },
);
export const AlignmentView = Type.Object(
  {
    area: Type.String(),
    source: AnalysisSource,
    layers: Type.Object({
      a: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
      b: StringEnum(['outline', 'catchments', 'hv-patches', 'coc-teams', 'spoke-catchments']),
    }),
    directoryStamp: Nullable(Type.String()),
    alignment: AlignmentResult,
    /** The planner's weights (the alignment is weighted by them) and caseload against capacity; else null. */
    weights: Nullable(WeightsReport),
    capacity: Nullable(Type.Object({ a: LayerLoads, b: LayerLoads, unknown: Type.Array(CapacityEntry) })),
  },
  { $id: 'AlignmentView' },
);
export const ThreeWayView = Type.Object(
  {
    area: Type.String(),
    source: AnalysisSource,
    directoryStamp: Nullable(Type.String()),
    threeWay: Type.Object({
      scores: Type.Object({
        'patches-teams': ScoreSet,
        'patches-catchments': ScoreSet,
        'catchments-teams': ScoreSet,
      }),
      agreement: Type.Number({ minimum: 0, maximum: 1 }),
      basis: StringEnum(['postcodes', 'area']),
      patches: Type.Array(
        Type.Object({
          id: Type.String(),
          name: Type.String(),
          team: Nullable(Type.String()),
          catchment: Nullable(Type.String()),
          nestedInTeam: Type.Boolean(),
          nestedInCatchment: Type.Boolean(),
        }),
      ),
      places: Type.Array(
        Type.Object({
          catchment: Type.String(),
          patch: Type.String(),
          team: Type.String(),
          areaM2: Type.Number(),
          postcodes: Type.Integer({ minimum: 0 }),
          weight: Type.Number(),
          disagree: Type.Array(StringEnum(['patches-teams', 'patches-catchments', 'catchments-teams'])),
          description: Type.String(),
          location: Nullable(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
          geometry: Nullable(Type.Object({})),
        }),
      ),
      alignments: Type.Object({
        'patches-teams': AlignmentResult,
        'patches-catchments': AlignmentResult,
        'catchments-teams': AlignmentResult,
      }),
    }),
  },
  { $id: 'ThreeWayView' },
);
