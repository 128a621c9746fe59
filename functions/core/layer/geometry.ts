// The geometry checks of a layer that could be read (checkLayer returned it): each feature's OGC validity
// and near-zero rings (coverage/validity.ts: the same function the coverage and publish checks call, so
// all three agree on what is invalid) and its contiguity (coverage/contiguity.ts). One sweep per feature,
// O(n log n), within the caller's budget. Overlaps and gaps between features are `catchments coverage`.
import { checkContiguity } from '../coverage/contiguity.js';
import { BLOCKING_VALIDITY_KINDS, inspectGeometry } from '../coverage/validity.js';
import type { Layer } from '../model.js';
import { type AnalysisBudget, AnalysisBudgetExceededError, BudgetMeter } from '../overlay/budget.js';
import { type LayerProblem, ProblemSink, roundLocation } from './problems.js';

export interface LayerGeometryOptions {
  /** Vertices and time the checks may take (the caller's configuration and clock). */
  readonly budget?: AnalysisBudget;
  /** What a feature is, for the messages ("catchment", "HV patch"); default "unit". */
  readonly noun?: string;
}

/** Problems of every feature's geometry, located; an exhausted budget is one problem for the layer. */
export function checkLayerGeometry(layer: Layer, options: LayerGeometryOptions = {}): LayerProblem[] {
  const budget = new BudgetMeter(options.budget);
  const noun = options.noun ?? 'unit';
  const sink = new ProblemSink();
  try {
    for (const f of layer.features) {
      const id = f.properties.id;
      const inspection = inspectGeometry(id, f.geometry, { budget });
      for (const v of inspection.problems) {
        const consequence = BLOCKING_VALIDITY_KINDS.has(v.kind)
          ? ' This blocks publishing: repair it (e.g. QGIS "Fix geometries").'
          : ' Not valid OGC geometry, but lookups are well defined (publishing warns).';
        sink.add({
          kind: v.kind,
          feature: id,
          location: roundLocation(v.location[0], v.location[1]),
          message: `${v.message}${consequence}`,
        });
      }
      if (!inspection.pieces) continue;
      for (const c of checkContiguity(id, f.geometry, inspection.pieces, f.properties.allowedIslands, noun)) {
        sink.add({
          kind: c.kind,
          feature: id,
          ...(c.location ? { location: roundLocation(c.location[0], c.location[1]) } : {}),
          message: c.message,
        });
      }
    }
  } catch (error) {
    if (!(error instanceof AnalysisBudgetExceededError)) throw error;
    sink.add({ kind: 'analysis-budget-exceeded', message: error.message });
  }
  return sink.toList();
}
