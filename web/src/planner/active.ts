// The active version of the chosen area: its layers and sites on the map, their counts in the
// legend, and the names every panel uses.
import type { FeatureCollection } from 'geojson';
import { ApiError } from '../lib/api.js';
import { byId } from '../lib/dom.js';
import { formatCount } from '../lib/format.js';
import { bboxOf, EMPTY_COLLECTION } from '../lib/geo.js';
import { colourByIdExpression, fitBbox } from '../lib/map.js';
import { type AreaSummary, messageOf, type PlannerContext, say } from './context.js';

export async function loadActive(ctx: PlannerContext): Promise<void> {
  const { api, state, map, layers } = ctx;
  if (!state.area) return;
  const summary = state.areas.find((a) => a.id === state.area);
  say(`Loading ${summary?.name ?? state.area}…`);
  const base = `/v1/areas/${encodeURIComponent(state.area)}`;
  const get = (path: string) =>
    api
      .json<FeatureCollection & { version?: number | null }>(path)
      .then((r) => r.data)
      .catch((error: unknown) =>
        error instanceof ApiError && error.status === 404 ? null : Promise.reject(error),
      );
  try {
    const [areaInfo, outline, catchments, patches, teams, sites] = await Promise.all([
      api.json<AreaSummary>(base).then((r) => r.data),
      get(`${base}/layers/outline`),
      get(`${base}/layers/catchments`),
      get(`${base}/layers/hv-patches`),
      get(`${base}/layers/coc-teams`),
      get(`${base}/sites`),
    ]);
    state.active = areaInfo.version;
    state.names.clear();
    for (const layer of [sites, patches, teams])
      for (const f of layer?.features ?? [])
        state.names.set(String(f.properties?.id), String(f.properties?.name));
    state.catchmentIds = (catchments?.features ?? []).map((f) => String(f.properties?.id)).sort();
    state.activeLayers.clear();
    for (const [name, layer] of [
      ['outline', outline],
      ['catchments', catchments],
      ['hv-patches', patches],
      ['coc-teams', teams],
    ] as const) {
      if (layer) state.activeLayers.set(name, layer);
    }
    const siteList = sites?.features ?? [];
    const drawn = [
      ['outline', 'outline', outline],
      ['catchments', 'catchments', catchments],
      ['hv-patches', 'hv-patches', patches],
      ['coc-teams', 'coc-teams', teams],
    ] as const;
    for (const [key, source, layer] of drawn)
      layers.show(key, source, layer ?? EMPTY_COLLECTION, layer ? layer.features.length : null);
    layers.show('hubs', 'sites', sites ?? EMPTY_COLLECTION, sites ? kindCount(siteList, 'hub') : null);
    layers.setCount('spokes', sites ? kindCount(siteList, 'spoke') : null);
    layers.refresh();
    if (map) {
      map.setPaintProperty('catchments-fill', 'fill-color', colourByIdExpression(state.catchmentIds));
      fitBbox(map, bboxOf(outline ?? catchments), 12);
    }
    byId('active-version').textContent =
      state.active === null
        ? 'Nothing is published for this area yet.'
        : `Showing version ${state.active}, the active version: ${formatCount(areaInfo.counts.hubs)} hubs, ${formatCount(areaInfo.counts.spokes)} spokes, ${formatCount(areaInfo.counts.hvPatches)} HV patches, ${formatCount(areaInfo.counts.cocTeams)} CoC teams.`;
    say('');
  } catch (error) {
    say(`The active boundaries could not be loaded: ${messageOf(error)}`);
  }
}

function kindCount(features: FeatureCollection['features'], kind: 'hub' | 'spoke'): number {
  return features.filter((f) => f.properties?.kind === kind).length;
}
