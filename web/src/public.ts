// "Find your family hub": a postcode box (or "use my location"), the hub card and a map. Plain DOM,
// one small bundle; MapLibre is fetched only once there is something to draw. Every answer the API
// can give has its own words (docs/web.md#public-page), from the view the no-JavaScript answer page
// shares (lib/answer-view.ts) and the page's strings (web/strings/<language>.json, via the build).
// Without JavaScript the same form submits to /find, which answers in HTML.
import type { Feature, FeatureCollection } from 'geojson';
import { type AnswerView, answerView, placeOf, problemView } from './lib/answer-view.js';
import { Api, ApiError, loadConfig } from './lib/api.js';
import { byId, h, hidden, pageStrings, replace, toDom } from './lib/dom.js';
import { type Bbox, bboxOf, EMPTY_COLLECTION, padPoint, unionBbox } from './lib/geo.js';
import {
  addLayerOnce,
  createBaseMap,
  fitBbox,
  loadMapLibre,
  type MapInstance,
  setData,
  webglAvailable,
} from './lib/map.js';
import { joinList, translator } from './lib/strings.js';
import type {
  LookupAnswer,
  NearestSites,
  SiteAnswer,
  SiteWithDistance,
  WebConfigShape,
} from './lib/types.js';

interface AreaSummary {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly illustrative: boolean;
  readonly version: number | null;
  readonly attribution: readonly string[];
}

interface HubDetail extends SiteAnswer {
  readonly catchment: Feature | null;
  readonly version: number | null;
}

const form = byId<HTMLFormElement>('lookup-form');
const input = byId<HTMLInputElement>('postcode');
const field = byId('postcode-field');
const errorText = byId('postcode-error');
const status = byId('status');
const result = byId('result');
const mapSection = byId('map-section');
const legend = byId('map-legend');

const t = translator(pageStrings());
const TITLE = t('page.title');
const COLOURS = {
  catchment: '#00594c',
  hub: '#00594c',
  spoke: '#ffffff',
  point: '#b10e1e',
  outline: '#505a5f',
};

let api: Api;
let config: WebConfigShape;
/**
 * The areas served, for their names: every answer waits for this list, so an answer never shows an
 * area id because the lookup came back before `/v1/areas` did. Empty when the list cannot be read.
 */
let areasReady: Promise<AreaSummary[]> = Promise.resolve([]);
let mapReady: Promise<MapInstance | null> | null = null;
let lookupSeq = 0;
let inFlight: AbortController | null = null;
const outlines = new Map<string, Promise<FeatureCollection | null>>();

async function start(): Promise<void> {
  config = await loadConfig();
  api = new Api(config.apiBase);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookup(input.value, 'push');
  });
  // Fetch the map library while the person types, so it is ready when the answer arrives.
  input.addEventListener('input', () => void preloadMap(), { once: true });
  window.addEventListener('popstate', () => {
    const postcode = new URLSearchParams(location.search).get('postcode') ?? '';
    input.value = postcode;
    if (postcode) void lookup(postcode, 'none');
    else clearResult();
  });
  wireLocation();
  areasReady = loadAreas();
  const initial = new URLSearchParams(location.search).get('postcode');
  if (initial) {
    input.value = initial;
    await lookup(initial, 'none');
  }
  document.body.dataset.ready = 'true';
  // For scripts/measure-web.ts (and anyone profiling): the page answers input from here on.
  performance.mark('fh:ready');
}

async function preloadMap(): Promise<void> {
  if (!webglAvailable()) return;
  try {
    await loadMapLibre();
  } catch {
    // Reported when a map is actually needed.
  }
}

/** The areas this page speaks for: the branding's list, or every area the API serves. */
function served(areas: readonly AreaSummary[]): AreaSummary[] {
  return config.areas.length === 0 ? [...areas] : areas.filter((a) => config.areas.includes(a.id));
}

async function loadAreas(): Promise<AreaSummary[]> {
  let areas: AreaSummary[];
  try {
    areas = (await api.json<{ areas: AreaSummary[] }>('/v1/areas')).data.areas;
  } catch {
    return []; // The lookup itself reports an unavailable service.
  }
  const ours = served(areas);
  const notice = byId('area-notice');
  const illustrative = ours.filter((a) => a.illustrative);
  if (illustrative.length > 0) {
    replace(
      notice,
      h('strong', {}, t('notice.demo')),
      t('notice.demoText', {
        areas: joinList(
          t,
          illustrative.map((a) => a.name),
        ),
      }),
    );
    notice.hidden = false;
  }
  // The footer (not in the iframe mode, where the council's page has its own).
  const attribution = document.getElementById('attribution');
  const lines = [...new Set(areas.flatMap((a) => a.attribution))];
  if (attribution) replace(attribution, ...lines.map((line) => h('li', {}, line)));
  const versions = document.getElementById('version-note');
  if (versions)
    versions.textContent = ours
      .map((a) => t('footer.versions', { area: a.name, version: a.version ?? t('footer.notPublished') }))
      .join(' · ');
  return areas;
}

/** How the address bar follows the lookups: a new entry, the same entry, or untouched. */
type History = 'push' | 'replace' | 'none';

async function lookup(raw: string, history: History): Promise<void> {
  const postcode = raw.trim();
  if (postcode === '') {
    ++lookupSeq;
    inFlight?.abort();
    showFieldError(t('form.empty'));
    return;
  }
  clearFieldError();
  if (history !== 'none') {
    // From the no-JavaScript answer (/find, /embed/find) back to the page it came from.
    const page = location.pathname.replace(/\/?find$/, '') || '/';
    const url = `${page}?postcode=${encodeURIComponent(postcode).replace(/%20/g, '+')}`;
    if (history === 'push' && new URLSearchParams(location.search).get('postcode') !== postcode) {
      window.history.pushState(null, '', url);
    } else window.history.replaceState(null, '', url);
  }
  await answer(postcode, `/v1/postcodes/${encodeURIComponent(postcode)}`, t('form.looking', { postcode }));
}

/** Asks the API and shows what it says; a newer request wins over one still in flight. */
async function answer(postcode: string, path: string, busy: string): Promise<void> {
  const seq = ++lookupSeq;
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  result.setAttribute('aria-busy', 'true');
  status.textContent = busy;
  try {
    const { data } = await api.json<LookupAnswer>(path, { signal: controller.signal });
    const [areas, nearby] = await Promise.all([areasReady, nearbyHubs(data, controller.signal)]);
    if (seq !== lookupSeq) return;
    await showAnswer(data, areas, nearby, seq);
  } catch (error) {
    if (seq !== lookupSeq || (error as Error).name === 'AbortError') return;
    showProblem(postcode, error);
  } finally {
    if (seq === lookupSeq) result.removeAttribute('aria-busy');
  }
}

/** How many hubs "hubs near you" lists for a place no hub area covers. */
const NEARBY_HUBS = 3;

/**
 * The hubs near a place no hub area covers (a gap, or outside every area), nearest first, across
 * areas: the API's GET /v1/sites/nearest (geodesic distance, the same ranking apps get). Should that
 * ask fail, the lookup answer's own `nearestHub` still gives the family one.
 */
export async function nearbyHubs(answer: LookupAnswer, signal?: AbortSignal): Promise<SiteWithDistance[]> {
  if (answer.hub) return [];
  const { lat, lng } = answer.location;
  try {
    const { data } = await api.json<NearestSites>(
      `/v1/sites/nearest?lat=${lat}&lng=${lng}&kind=hub&limit=${NEARBY_HUBS}`,
      signal ? { signal } : {},
    );
    if (data.sites.length > 0) return data.sites.map((s) => ({ ...s.site, distanceM: s.distanceM }));
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
  }
  return answer.nearestHub ? [answer.nearestHub] : [];
}

function showFieldError(message: string): void {
  field.classList.add('field--error');
  replace(errorText, hidden(t('problem.errorPrefix')), message);
  errorText.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', 'postcode-hint postcode-error');
  document.title = t('page.errorTitle', { title: TITLE });
  status.textContent = `${t('problem.errorPrefix')}${message}`;
  clearResult(false);
  input.focus();
}

function clearFieldError(): void {
  field.classList.remove('field--error');
  errorText.hidden = true;
  errorText.textContent = '';
  input.removeAttribute('aria-invalid');
  input.setAttribute('aria-describedby', 'postcode-hint');
}

function clearResult(resetStatus = true): void {
  result.replaceChildren();
  mapSection.hidden = true;
  if (resetStatus) {
    status.textContent = '';
    document.title = TITLE;
  }
}

function showProblem(postcode: string, error: unknown): void {
  const problem = error instanceof ApiError ? error : null;
  const view = problemView(
    postcode,
    {
      code: problem?.code ?? '',
      status: problem?.status ?? -1,
      detail: problem?.problem ? problem.message : null,
    },
    t,
  );
  if (view.kind === 'field') {
    showFieldError(view.message);
    return;
  }
  document.title = t('page.titleWith', { heading: view.heading, title: TITLE });
  clearResult(false);
  replace(result, ...toDom(view.nodes));
  status.textContent = `${view.heading}. ${view.advice}`;
}

async function showAnswer(
  answer: LookupAnswer,
  areas: readonly AreaSummary[],
  nearby: SiteWithDistance[],
  seq: number,
): Promise<void> {
  const areaName = areas.find((a) => a.id === answer.area)?.name ?? answer.area;
  const view: AnswerView = answerView(answer, {
    t,
    areaName,
    servedAreas: served(areas).map((a) => a.name),
    nearby,
  });
  replace(result, ...toDom(view.nodes));
  document.title = t('page.titleWith', { heading: view.heading, title: TITLE });
  status.textContent = view.announcement;
  await drawAnswer(answer, areaName, nearby, seq);
  performance.mark('fh:answer');
}

// ------------------------------------------------------------------------------------------------
// Use my location: a consent step in the page before the browser's own prompt, and a way back to
// the postcode box when the location is refused or unavailable. The location is never put in the
// address bar or stored.

function wireLocation(): void {
  const button = byId<HTMLButtonElement>('use-location');
  const consent = byId('location-consent');
  const message = byId('location-message');
  if (!('geolocation' in navigator)) return;
  button.hidden = false;
  button.addEventListener('click', () => {
    message.hidden = true;
    consent.hidden = false;
    byId('location-yes').focus();
  });
  byId('location-no').addEventListener('click', () => {
    consent.hidden = true;
    button.focus();
  });
  byId('location-yes').addEventListener('click', () => {
    consent.hidden = true;
    status.textContent = t('location.finding');
    navigator.geolocation.getCurrentPosition(
      (position) => {
        clearFieldError();
        const { latitude, longitude } = position.coords;
        const query = new URLSearchParams({ lat: latitude.toFixed(6), lng: longitude.toFixed(6) });
        void answer(t('location.yourLocation'), `/v1/locations?${query}`, t('location.finding'));
      },
      (error) => {
        message.textContent =
          error.code === error.PERMISSION_DENIED ? t('location.denied') : t('location.unavailable');
        message.hidden = false;
        status.textContent = message.textContent;
        input.focus();
      },
      { enableHighAccuracy: false, timeout: 15_000, maximumAge: 300_000 },
    );
  });
}

// ------------------------------------------------------------------------------------------------
// The map

/** The map, created once (concurrent lookups share the promise); null where WebGL or the library fails. */
function ensureMap(): Promise<MapInstance | null> {
  mapReady ??= createMap();
  return mapReady;
}

async function createMap(): Promise<MapInstance | null> {
  if (!webglAvailable()) return null;
  mapSection.hidden = false;
  let map: MapInstance;
  try {
    map = await createBaseMap({ container: byId('map'), config, cooperative: true, label: t('map.label') });
  } catch {
    mapSection.hidden = true;
    return null;
  }
  window.catchmentsMap = map;
  for (const id of ['outline', 'catchment', 'sites', 'postcode']) setData(map, id, EMPTY_COLLECTION);
  const circle = (id: string, source: string, paint: Record<string, unknown>, role?: string) =>
    addLayerOnce(map, {
      id,
      type: 'circle',
      source,
      ...(role ? { filter: ['==', ['get', 'role'], role] } : {}),
      paint,
    } as Parameters<typeof addLayerOnce>[1]);
  addLayerOnce(map, {
    id: 'outline-fill',
    type: 'fill',
    source: 'outline',
    paint: { 'fill-color': '#ffffff', 'fill-opacity': config.basemap ? 0.25 : 0.6 },
  });
  addLayerOnce(map, {
    id: 'outline-line',
    type: 'line',
    source: 'outline',
    paint: { 'line-color': COLOURS.outline, 'line-width': 1.5 },
  });
  addLayerOnce(map, {
    id: 'catchment-fill',
    type: 'fill',
    source: 'catchment',
    paint: { 'fill-color': COLOURS.catchment, 'fill-opacity': 0.16 },
  });
  addLayerOnce(map, {
    id: 'catchment-line',
    type: 'line',
    source: 'catchment',
    paint: { 'line-color': COLOURS.catchment, 'line-width': 2.5 },
  });
  const ring = { 'circle-stroke-color': COLOURS.hub, 'circle-stroke-width': 2.5 };
  circle('spokes', 'sites', { 'circle-radius': 6, 'circle-color': COLOURS.spoke, ...ring }, 'spoke');
  circle(
    'hub',
    'sites',
    {
      'circle-radius': 9,
      'circle-color': COLOURS.hub,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2.5,
    },
    'hub',
  );
  circle('postcode-point', 'postcode', {
    'circle-radius': 7,
    'circle-color': COLOURS.point,
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 2.5,
  });
  return map;
}

function outlineOf(area: string, version: number | null): Promise<FeatureCollection | null> {
  const key = `${area}@${version}`;
  let outline = outlines.get(key);
  if (!outline) {
    outline = api
      .json<FeatureCollection>(`/v1/areas/${encodeURIComponent(area)}/layers/outline`)
      .then((r) => r.data)
      .catch(() => null);
    outlines.set(key, outline);
  }
  return outline;
}

async function drawAnswer(
  answer: LookupAnswer,
  areaName: string,
  nearby: readonly SiteWithDistance[],
  seq: number,
): Promise<void> {
  const hub = answer.hub ?? nearby[0] ?? null;
  const [instance, outline, detail] = await Promise.all([
    ensureMap(),
    outlineOf(answer.area, answer.version),
    answer.hub
      ? api
          .json<HubDetail>(
            `/v1/areas/${encodeURIComponent(answer.area)}/hubs/${encodeURIComponent(answer.hub.id)}`,
          )
          .then((r) => r.data)
          .catch(() => null)
      : Promise.resolve(null),
  ]);
  if (seq !== lookupSeq) return;
  if (!instance) {
    mapSection.hidden = true;
    return;
  }
  mapSection.hidden = false;
  instance.resize();
  const point: [number, number] = [answer.location.lng, answer.location.lat];
  const catchment: FeatureCollection = detail?.catchment
    ? { type: 'FeatureCollection', features: [detail.catchment] }
    : EMPTY_COLLECTION;
  const sites: Feature[] = [];
  if (answer.hub) sites.push(pointFeature(answer.hub, 'hub'));
  else for (const site of nearby) sites.push(pointFeature(site, 'hub'));
  for (const spoke of answer.spokes) sites.push(pointFeature(spoke, 'spoke'));
  setData(instance, 'outline', outline ?? EMPTY_COLLECTION);
  setData(instance, 'catchment', catchment);
  setData(instance, 'sites', { type: 'FeatureCollection', features: sites });
  setData(instance, 'postcode', {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: point },
        properties: { postcode: answer.postcode ?? '' },
      },
    ],
  });
  let box: Bbox | null = bboxOf(catchment);
  box = unionBbox(box, padPoint(point[0], point[1], 800));
  if (hub) box = unionBbox(box, padPoint(hub.location.lng, hub.location.lat, 300));
  if (!answer.hub && outline && answer.match === 'outside') box = unionBbox(box, bboxOf(outline));
  fitBbox(instance, box, 15);
  const place = placeOf(answer, t);
  let label = t('map.showingPlace', { place });
  if (hub) label = t(detail?.catchment ? 'map.showingShaded' : 'map.showing', { place, hub: hub.name });
  instance.getCanvas().setAttribute('aria-label', label);
  replace(
    legend,
    legendItem('legend__swatch--point', place),
    hub ? legendItem('legend__swatch--hub', answer.hub ? t('legend.yourHub') : t('legend.nearestHub')) : null,
    answer.spokes.length > 0 ? legendItem('legend__swatch--spoke', t('legend.spokes')) : null,
    detail?.catchment ? legendItem('legend__swatch--catchment', t('legend.catchment')) : null,
    outline ? legendItem('legend__swatch--outline', t('legend.boundary', { area: areaName })) : null,
  );
}

function pointFeature(site: SiteAnswer, role: 'hub' | 'spoke'): Feature {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [site.location.lng, site.location.lat] },
    properties: { id: site.id, name: site.name, role },
  };
}

function legendItem(swatch: string, text: string): HTMLElement {
  return h('li', {}, h('span', { class: `legend__swatch ${swatch}`, 'aria-hidden': 'true' }), text);
}

void start();
