// The API's shapes as the pages read them. Lookup answers and alignment results are the server's
// own types (type-only imports: nothing of functions/ is bundled), so the pages cannot drift from them.

export type {
  AlignmentFix,
  AlignmentResult,
  ScoreSet,
  UnitFit,
} from '../../../functions/core/alignment/align.js';
export type {
  LookupAnswer,
  SiteAnswer,
  SiteWithDistance,
  UnitRef,
} from '../../../functions/core/lookup/answer.js';

export interface WebConfigShape {
  readonly apiBase: string;
  readonly tiles: { readonly url: string; readonly attribution: string; readonly maxzoom?: number } | null;
}
