// The admin API's shapes as the planner reads them: draft and history types are the store's own
// (type-only imports), validation is the FeatureCollection GET …/draft/validation returns.
import type { FeatureCollection, Geometry } from 'geojson';
import type { ProblemFeatureProperties } from '../../../functions/core/boundary-set/problems.js';
import type { CoverageReport } from '../../../functions/core/boundary-set/validate.js';

export type {
  DraftMeta,
  PointerChange,
  VersionHeader,
} from '../../../functions/application/ports/boundary-store.js';
export type { ProblemFeatureProperties };

import type { PointerChange, VersionHeader } from '../../../functions/application/ports/boundary-store.js';

export interface HistoryView {
  readonly area: string;
  readonly active: number | null;
  readonly latest: number;
  readonly versions: readonly (VersionHeader & { readonly active: boolean })[];
  readonly changes: readonly PointerChange[];
}

export interface ValidationView extends FeatureCollection<Geometry | null, ProblemFeatureProperties> {
  readonly area: string;
  readonly draftRevision: number;
  readonly publishable: boolean;
  readonly errors: number;
  readonly warnings: number;
  readonly coverage: CoverageReport | null;
  readonly postcodes: {
    readonly assigned: number;
    readonly inGaps: number;
    readonly directoryStamp: string | null;
  };
}

/** A 422 from a layer upload: the layer's own problems (kind, message, feature, location). */
export interface UploadProblem {
  readonly kind: string;
  readonly message: string;
  readonly feature?: string;
  readonly location?: readonly [number, number];
}
