// Uploading a draft layer: a GeoJSON FeatureCollection (checked to be JSON here first) or a zipped
// Shapefile (.zip holding .shp, .dbf, .shx and .prj, read by the admin API), with the layer, id and
// name properties and the coordinates chosen in the form. The first upload creates the draft as a
// copy of the active version; a 422 lists the file's problems and draws them where they are.
// Hubs and spokes go the same way as a sites JSON file (PUT …/draft/sites), their Open Referral UK
// ids and Ofsted URN checked by the admin API; a 400 lists each site's problem.
import type { Geometry } from 'geojson';
import type { DraftMeta, UploadProblem } from '../lib/admin-types.js';
import { ApiError } from '../lib/api.js';
import { byId, h, hidden, replace } from '../lib/dom.js';
import { formatCount } from '../lib/format.js';
import { adminHeaders, areaPath, messageOf, type PlannerContext, say } from './context.js';
import { analyseDraft, renderDraftStatus } from './draft.js';
import { plural, problemList } from './widgets.js';

/** How a chosen file is sent: its kind decides the request's Content-Type. */
export type UploadFormat = 'geojson' | 'shapefile-zip';

/** A file's format from its name (and, for a .zip, its "PK" signature), or null for anything else. */
export function uploadFormat(name: string): UploadFormat | null {
  if (/\.zip$/i.test(name)) return 'shapefile-zip';
  if (/\.(geo)?json$/i.test(name)) return 'geojson';
  return null;
}

export const CONTENT_TYPES: Readonly<Record<UploadFormat, string>> = {
  // As before: the admin API reads GeoJSON uploads as JSON.
  geojson: 'application/json',
  'shapefile-zip': 'application/zip',
};

export async function upload(ctx: PlannerContext): Promise<void> {
  const { state, map, layers } = ctx;
  const fileInput = byId<HTMLInputElement>('upload-file');
  const field = byId('file-field');
  const error = byId('upload-error');
  const problemsBox = byId('upload-problems');
  const layer = byId<HTMLSelectElement>('upload-layer').value;
  const idProperty = byId<HTMLInputElement>('upload-id').value.trim();
  const nameProperty = byId<HTMLInputElement>('upload-name').value.trim();
  const crs = byId<HTMLSelectElement>('upload-crs').value;
  const fail = (message: string, problems: readonly UploadProblem[] = []) => {
    field.classList.add('field--error');
    replace(error, hidden('Error: '), message);
    error.hidden = false;
    fileInput.setAttribute('aria-invalid', 'true');
    fileInput.setAttribute('aria-describedby', 'upload-file-hint upload-error');
    replace(
      problemsBox,
      problems.length > 0
        ? [
            h('h3', {}, `${plural(problems.length, 'problem')} in the file`),
            problemList(
              map,
              problems.map((p) => ({
                severity: 'error' as const,
                message: p.message,
                kind: p.kind,
                feature: p.feature,
                geometry: p.location
                  ? ({ type: 'Point', coordinates: [p.location[0], p.location[1]] } as Geometry)
                  : null,
              })),
            ),
          ]
        : null,
    );
    if (map && problems.length > 0) {
      const located = problems.filter((p) => p.location);
      layers.show(
        'problems',
        'problems',
        {
          type: 'FeatureCollection',
          features: located.map((p) => ({
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: [p.location![0], p.location![1]] },
            properties: { message: p.message, kind: p.kind },
          })),
        },
        problems.length,
      );
    }
    say(`Error: ${message}`);
  };
  field.classList.remove('field--error');
  error.hidden = true;
  fileInput.removeAttribute('aria-invalid');
  fileInput.setAttribute('aria-describedby', 'upload-file-hint');
  problemsBox.replaceChildren();
  const file = fileInput.files?.[0];
  if (!file) return fail('Choose a GeoJSON file or a zipped Shapefile to upload.');
  if (layer === 'sites') return uploadSites(ctx, file, fail);
  if (!idProperty) return fail('Name the property that holds each feature’s id.');
  const format = uploadFormat(file.name);
  if (!format)
    return fail(
      `${file.name} is neither GeoJSON (.geojson, .json) nor a zipped Shapefile (.zip). Choose one of those.`,
    );
  let body: string | Blob;
  if (format === 'geojson') {
    body = await file.text();
    try {
      JSON.parse(body);
    } catch {
      return fail(`${file.name} is not JSON. Upload a GeoJSON FeatureCollection, or a Shapefile as a .zip.`);
    }
  } else {
    // Zip files start with "PK": anything else would only come back as a less helpful 4xx.
    const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    if (head[0] !== 0x50 || head[1] !== 0x4b)
      return fail(`${file.name} is not a zip file. Zip the Shapefile’s .shp, .dbf, .shx and .prj together.`);
    body = file;
  }
  say(`Uploading ${file.name}…`);
  try {
    await ensureDraft(ctx);
    const query = new URLSearchParams({ idProperty, crs });
    if (nameProperty) query.set('nameProperty', nameProperty);
    state.draft = (
      await ctx.api.json<DraftMeta>(`${areaPath(state)}/draft/layers/${encodeURIComponent(layer)}?${query}`, {
        method: 'PUT',
        rawBody: body,
        contentType: CONTENT_TYPES[format],
        headers: adminHeaders(state),
      })
    ).data;
  } catch (e) {
    const problems =
      e instanceof ApiError && Array.isArray(e.problem?.problems)
        ? (e.problem.problems as UploadProblem[])
        : [];
    return fail(messageOf(e), problems);
  }
  state.draftLayer = layer;
  fileInput.value = '';
  renderDraftStatus(ctx);
  say(
    `Uploaded ${file.name} as the draft’s ${layer} layer (${formatCount(state.draft.layers[layer as keyof DraftMeta['layers']]?.features ?? 0)} features). Checking it…`,
  );
  await analyseDraft(ctx);
}

/** The draft to edit: the first upload starts one as a copy of the active version. */
async function ensureDraft(ctx: PlannerContext): Promise<void> {
  const { state } = ctx;
  if (state.draft && state.draft.publishedAs === null) return;
  state.draft = (
    await ctx.api.json<DraftMeta>(`${areaPath(state)}/draft`, {
      method: 'POST',
      body: { from: 'active', replace: state.draft?.publishedAs != null },
      headers: adminHeaders(state),
    })
  ).data;
}

type Fail = (message: string, problems?: readonly UploadProblem[]) => void;

/** A sites file replaces the draft's hubs and spokes; the admin API checks every site (and its ORUK ids). */
async function uploadSites(ctx: PlannerContext, file: File, fail: Fail): Promise<void> {
  const { state } = ctx;
  if (!/\.json$/i.test(file.name)) {
    return fail(`${file.name} is not a sites file: hubs and spokes are uploaded as JSON (.json).`);
  }
  let sites: unknown;
  try {
    sites = JSON.parse(await file.text());
  } catch {
    return fail(`${file.name} is not JSON. A sites file is a list of sites, or {"sites": [...]}.`);
  }
  say(`Uploading ${file.name}…`);
  try {
    await ensureDraft(ctx);
    state.draft = (
      await ctx.api.json<DraftMeta>(`${areaPath(state)}/draft/sites`, {
        method: 'PUT',
        body: sites,
        headers: adminHeaders(state),
      })
    ).data;
  } catch (e) {
    const problems =
      e instanceof ApiError && Array.isArray(e.problem?.problems)
        ? (e.problem.problems as UploadProblem[])
        : [];
    return fail(messageOf(e), problems);
  }
  byId<HTMLInputElement>('upload-file').value = '';
  renderDraftStatus(ctx);
  const list = (Array.isArray(sites) ? sites : (sites as { sites: unknown[] }).sites) as {
    oruk?: object;
    ofstedUrn?: string;
  }[];
  const linked = list.filter((s) => s.oruk && Object.keys(s.oruk).length > 0).length;
  const urns = list.filter((s) => s.ofstedUrn).length;
  say(
    `Uploaded ${file.name} as the draft’s sites (${plural(state.draft.sites?.hubs ?? 0, 'hub')}, ${plural(state.draft.sites?.spokes ?? 0, 'spoke')}; ${formatCount(linked)} with Open Referral UK ids, ${formatCount(urns)} with an Ofsted URN). Checking the draft…`,
  );
  await analyseDraft(ctx);
}
