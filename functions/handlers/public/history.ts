// Public operations about time: lookups at an instant or version (`?at=`, `?version=`), an area's
// versions with their active periods, and the change lists between two versions. Thin: parse with
// the schemas (validation.ts), ask the point-in-time and change-list services, shape the answer.

import { changeListUrls } from '../../application/boundary-set-service.js';
import type { TimeTarget } from '../../application/point-in-time.js';
import { changeCounts, changesCsv, changesPage } from '../../core/boundary-set/changes.js';
import { NotFoundError } from '../../core/errors.js';
import { type LookupAnswer, pointAnswer, postcodeAnswer } from '../../core/lookup/answer.js';
import type { AreaLookup, Assignment } from '../../core/lookup/area-lookup.js';
import type {
  LookupCatalog,
  PointResolution,
  PostcodeResolution,
  PrecomputedArea,
} from '../../core/lookup/catalog.js';
import type { ApiResult, Operation } from '../../http/api.js';
import { pathOf, queryOf } from '../../http/validation.js';
import type { PublicContext } from '../public-api.js';

type Op = Operation<PublicContext>;

export interface AsOf {
  readonly at: string | null;
  readonly version: number;
  readonly activeVersion: number | null;
  readonly historical: boolean;
}

function history(context: PublicContext) {
  if (!context.history) {
    throw new NotFoundError(
      'This deployment serves plain files, which have no version history to answer from.',
    );
  }
  return context.history;
}

/** A resolution re-answered by `version` of its area: the stored answer when the point is unchanged. */
function atVersion<R extends PointResolution>(resolution: R, area: PrecomputedArea, postcode?: string): R {
  const { lng, lat } = resolution.location;
  const row = postcode === undefined ? undefined : area.assignments.get(postcode);
  const assignment: Assignment =
    row && row.lat === lat && row.lng === lng ? row.assignment : area.lookup.assign(lng, lat);
  return { ...resolution, lookup: area.lookup, assignment };
}

/**
 * Answers resolutions (from the active catalog, which finds each one's area and point) as of the
 * target: the version active at the instant, or the version given, of each one's area.
 */
export async function answersAsOf(
  context: PublicContext,
  target: TimeTarget,
  resolutions: readonly (PointResolution | PostcodeResolution)[],
): Promise<{ answers: LookupAnswer[]; lookups: AreaLookup[] }> {
  const pit = history(context);
  const versions = new Map<string, Promise<{ version: number; area: PrecomputedArea | null }>>();
  const forArea = (lookup: AreaLookup) => {
    const id = lookup.area.id;
    let entry = versions.get(id);
    if (!entry) {
      entry = pit.versionFor(id, target, lookup.version).then(async (version) => ({
        version,
        // The active version is already loaded: answer from the catalog, no second copy.
        area: version === lookup.version ? null : await pit.area(id, version),
      }));
      versions.set(id, entry);
    }
    return entry;
  };
  const answers: LookupAnswer[] = [];
  const lookups: AreaLookup[] = [];
  for (const resolution of resolutions) {
    const { version, area } = await forArea(resolution.lookup);
    const record = 'record' in resolution ? resolution.record : undefined;
    const answered = area ? atVersion(resolution, area, record?.postcode) : resolution;
    const base = record ? postcodeAnswer(answered as PostcodeResolution) : pointAnswer(answered);
    const activeVersion = resolution.lookup.version;
    answers.push({
      ...(record ? { postcode: base.postcode } : {}),
      asOf: {
        at: 'text' in target ? target.text : null,
        version,
        activeVersion,
        historical: version !== activeVersion,
      },
      ...base,
    });
    lookups.push(answered.lookup);
  }
  return { answers, lookups };
}

/** The ETag of an answer from a given version: the same form as the active catalog's. */
export function versionEtag(catalog: LookupCatalog, lookup: AreaLookup): string {
  return `"${lookup.area.id}.v${lookup.version ?? 'draft'}.${catalog.directoryStamp}"`;
}

export const listAreaVersions: Op = async ({ params }, context) => {
  const { area } = pathOf('listAreaVersions', params);
  const lookup = context.catalog.area(area);
  const versions = await history(context).publicVersions(lookup.area.id, lookup.version);
  return { body: { area: lookup.area.id, active: lookup.version, versions } };
};

function changeLists(context: PublicContext) {
  if (!context.changes) {
    throw new NotFoundError(
      'This deployment serves plain files, which have no published versions to compare.',
    );
  }
  return context.changes;
}

export const listChanges: Op = async ({ params, event }, context) => {
  const { area } = pathOf('listChanges', params);
  const { from, to, after, limit } = queryOf('listChanges', event);
  const id = context.catalog.area(area).area.id;
  const pageMax = context.limits.changesPageItems ?? 1000;
  const size = Math.min(limit ?? pageMax, pageMax);
  const changes = await changeLists(context).changes(id, from, to);
  const page = changesPage(changes, after ?? null, size);
  const urls = changeListUrls(id, from, to);
  const body = {
    area: id,
    fromVersion: from,
    toVersion: to,
    changedPostcodeCount: changes.length,
    changedCounts: changeCounts(changes),
    postcodes: page.items,
    next: page.next === null ? null : `${urls.page(page.next)}${limit !== undefined ? `&limit=${size}` : ''}`,
    csv: urls.csv,
  };
  // Both versions are immutable: the page never changes.
  return { body, etag: `"${id}.v${from}-v${to}.changes.${after ?? ''}.${size}"` } satisfies ApiResult;
};

export const exportChanges: Op = async ({ params, event }, context) => {
  const { area } = pathOf('exportChanges', params);
  const { from, to } = queryOf('exportChanges', event);
  const id = context.catalog.area(area).area.id;
  const changes = await changeLists(context).changes(id, from, to);
  return {
    body: null,
    text: changesCsv(changes),
    contentType: 'text/csv; charset=utf-8',
    etag: `"${id}.v${from}-v${to}.changes.csv"`,
    headers: { 'Content-Disposition': `attachment; filename="${id}-v${from}-v${to}-changes.csv"` },
  };
};
