// Public operations about time: lookups at an instant or version (`?at=`, `?version=`), an area's
// versions with their active periods, and the change lists between two versions. Thin: parse with
// the schemas (validation.ts), ask the point-in-time and change-list services, shape the answer.

import { changeListUrls } from '../../application/boundary-set-service.js';
import type { TimeTarget } from '../../application/point-in-time.js';
import { changeCounts, changesCsv, changesPage } from '../../core/boundary-set/changes.js';
import { NotFoundError } from '../../core/errors.js';
import {
  type LookupAnswer,
  type PointResolution,
  type PostcodeResolution,
  pointAnswer,
  postcodeAnswer,
} from '../../core/lookup/answer.js';
import type { AreaLookup } from '../../core/lookup/area-lookup.js';
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

/**
 * Answers resolutions (from what is served now, which finds each one's area and point) as of the
 * target: the version active at the instant, or the version given, of each one's area. The
 * version's boundaries answer the point (a postcode at its directory point): for a postcode whose
 * point has not moved since, the answer given then.
 */
export async function answersAsOf(
  context: PublicContext,
  target: TimeTarget,
  resolutions: readonly (PointResolution | PostcodeResolution)[],
): Promise<{ answers: LookupAnswer[]; etags: string[] }> {
  const pit = history(context);
  const { catalog } = context;
  const versions = new Map<string, Promise<{ version: number; lookup: AreaLookup | null }>>();
  const forArea = (id: string, serving: number | null) => {
    let entry = versions.get(id);
    if (!entry) {
      entry = pit.versionFor(id, target, serving).then(async (version) => ({
        version,
        // The version served now answered already: no second load.
        lookup: version === serving ? null : await catalog.areaAt(id, version),
      }));
      versions.set(id, entry);
    }
    return entry;
  };
  const answers: LookupAnswer[] = [];
  const etags: string[] = [];
  for (const resolution of resolutions) {
    const activeVersion = resolution.lookup.version;
    const { version, lookup } = await forArea(resolution.lookup.area.id, activeVersion);
    const { lng, lat } = resolution.location;
    const answered = lookup ? { ...resolution, lookup, assignment: lookup.assign(lng, lat) } : resolution;
    const isPostcode = 'record' in answered;
    const base = isPostcode ? postcodeAnswer(answered as PostcodeResolution) : pointAnswer(answered);
    answers.push({
      ...(isPostcode ? { postcode: base.postcode } : {}),
      asOf: {
        at: 'text' in target ? target.text : null,
        version,
        activeVersion,
        historical: version !== activeVersion,
      },
      ...base,
    });
    etags.push(catalog.etagFor(answered.lookup));
  }
  return { answers, etags };
}

export const listAreaVersions: Op = async ({ params }, context) => {
  const { area } = pathOf('listAreaVersions', params);
  const served = context.catalog.areaVersions.find((a) => a.id === area);
  if (!served) await context.catalog.area(area); // AreaNotFoundError naming the areas served
  const active = served?.version ?? null;
  const versions = await history(context).publicVersions(area, active);
  return { body: { area, active, versions } };
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
  const id = (await context.catalog.area(area)).area.id;
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
  const id = (await context.catalog.area(area)).area.id;
  const changes = await changeLists(context).changes(id, from, to);
  return {
    body: null,
    text: changesCsv(changes),
    contentType: 'text/csv; charset=utf-8',
    etag: `"${id}.v${from}-v${to}.changes.csv"`,
    headers: { 'Content-Disposition': `attachment; filename="${id}-v${from}-v${to}-changes.csv"` },
  };
};
