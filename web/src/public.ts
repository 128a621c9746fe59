// "Find your family hub": a postcode box, the hub card and a map. Plain DOM, one small bundle; MapLibre
// is fetched only once there is something to draw. Every answer the API can give has its own words
// (docs/web.md#public-page): found (inside or on a boundary), terminated postcode, gap, outside the
// area, malformed, unknown, no location, and the service being unavailable.
import type { Feature, FeatureCollection } from 'geojson';
import { Api, ApiError, loadConfig } from './lib/api.js';
import { byId, h, hidden, replace } from './lib/dom.js';
import {
  describeOpeningHours,
  formatAges,
  formatDistance,
  joinWords,
  safeHttpUrl,
  telHref,
} from './lib/format.js';
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
import type { LookupAnswer, SiteAnswer, SiteWithDistance, WebConfigShape } from './lib/types.js';

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

const TITLE = 'Find your family hub';
const COLOURS = {
  catchment: '#00594c',
  hub: '#00594c',
  spoke: '#ffffff',
  point: '#b10e1e',
  outline: '#505a5f',
};

let api: Api;
let config: WebConfigShape = { apiBase: '', tiles: null };
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

async function loadAreas(): Promise<AreaSummary[]> {
  let areas: AreaSummary[];
  try {
    areas = (await api.json<{ areas: AreaSummary[] }>('/v1/areas')).data.areas;
  } catch {
    return []; // The lookup itself reports an unavailable service.
  }
  const notice = byId('area-notice');
  const illustrative = areas.filter((a) => a.illustrative);
  if (illustrative.length > 0) {
    replace(
      notice,
      h('strong', {}, 'Demonstration data. '),
      `The hubs, boundaries and services shown for ${joinWords(illustrative.map((a) => a.name))} are an illustrative sample, not the council's real family hub network.`,
    );
    notice.hidden = false;
  }
  const attribution = byId('attribution');
  const lines = [...new Set(areas.flatMap((a) => a.attribution))];
  replace(attribution, ...lines.map((line) => h('li', {}, line)));
  byId('version-note').textContent = areas
    .map((a) => `${a.name}: boundaries version ${a.version ?? 'not yet published'}`)
    .join(' · ');
  return areas;
}

/** How the address bar follows the lookups: a new entry, the same entry, or untouched. */
type History = 'push' | 'replace' | 'none';

async function lookup(raw: string, history: History): Promise<void> {
  const postcode = raw.trim();
  const seq = ++lookupSeq;
  inFlight?.abort();
  if (postcode === '') {
    showFieldError('Enter a postcode, for example GL1 1AD.');
    return;
  }
  clearFieldError();
  if (history !== 'none') {
    const url = `${location.pathname}?postcode=${encodeURIComponent(postcode).replace(/%20/g, '+')}`;
    if (history === 'push' && new URLSearchParams(location.search).get('postcode') !== postcode) {
      window.history.pushState(null, '', url);
    } else window.history.replaceState(null, '', url);
  }
  const controller = new AbortController();
  inFlight = controller;
  result.setAttribute('aria-busy', 'true');
  status.textContent = `Looking up ${postcode}…`;
  try {
    const { data } = await api.json<LookupAnswer>(`/v1/postcodes/${encodeURIComponent(postcode)}`, {
      signal: controller.signal,
    });
    const areas = await areasReady;
    if (seq !== lookupSeq) return;
    await showAnswer(data, areas, seq);
  } catch (error) {
    if (seq !== lookupSeq || (error as Error).name === 'AbortError') return;
    showProblem(postcode, error);
  } finally {
    if (seq === lookupSeq) result.removeAttribute('aria-busy');
  }
}

function showFieldError(message: string): void {
  field.classList.add('field--error');
  replace(errorText, hidden('Error: '), message);
  errorText.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', 'postcode-hint postcode-error');
  document.title = `Error: ${TITLE}`;
  status.textContent = `Error: ${message}`;
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
  const code = problem?.code ?? '';
  if (code === 'invalid-postcode') {
    showFieldError(problem!.message);
    return;
  }
  let heading: string;
  let advice: string;
  switch (code) {
    case 'postcode-not-found':
      heading = `We could not find ${postcode.toUpperCase()}`;
      advice =
        'Check the postcode is right. If it is a new postcode it may not be listed yet: try a neighbour’s postcode.';
      break;
    case 'postcode-without-location':
      heading = `${postcode.toUpperCase()} has no location we can use`;
      advice =
        'Some postcodes (for example PO boxes) are not tied to a place. Try the postcode of your home.';
      break;
    case 'service-unavailable':
      heading = 'The service is not available right now';
      advice = 'Try again in a few minutes.';
      break;
    default:
      heading = problem?.status === 0 ? 'We could not reach the service' : 'Something went wrong';
      advice = 'Try again. If it keeps happening, contact your council.';
  }
  document.title = `${heading} – ${TITLE}`;
  clearResult(false);
  replace(
    result,
    h(
      'div',
      { class: 'panel panel--problem', id: 'problem' },
      h('h2', { class: 'panel__title' }, heading),
      problem?.problem ? h('p', { class: 'problem-detail' }, problem.message) : null,
      h('p', {}, advice),
    ),
  );
  status.textContent = `${heading}. ${advice}`;
}

async function showAnswer(answer: LookupAnswer, areas: readonly AreaSummary[], seq: number): Promise<void> {
  const postcode = answer.postcode ?? input.value.trim().toUpperCase();
  const area = areas.find((a) => a.id === answer.area);
  const areaName = area?.name ?? answer.area;
  const notes: HTMLElement[] = [];
  if (answer.status === 'terminated') {
    notes.push(
      h(
        'div',
        { class: 'panel panel--warning', id: 'terminated-note' },
        h(
          'p',
          {},
          h('strong', {}, `${postcode} is no longer in use`),
          answer.terminated ? ` (withdrawn ${monthYear(answer.terminated)}).` : '.',
        ),
        h(
          'p',
          {},
          'We have used where it was. If your address has a newer postcode, search for that instead.',
        ),
      ),
    );
  }
  let announcement: string;
  let card: HTMLElement;
  if (answer.hub) {
    if (answer.match === 'boundary') {
      notes.push(
        h(
          'div',
          { class: 'panel panel--info', id: 'boundary-note' },
          h(
            'p',
            {},
            `${postcode} is on the edge between two family hub areas. We have shown the hub it is assigned to; if you are unsure which to use, contact the hub.`,
          ),
        ),
      );
    }
    card = hubCard(answer.hub, postcode, answer);
    document.title = `${answer.hub.name} – ${TITLE}`;
    announcement = `Your family hub is ${answer.hub.name}, ${formatDistance(answer.hub.distanceM)} from ${postcode}.`;
  } else if (answer.match === 'gap') {
    card = noHubCard(
      `No family hub area covers ${postcode} yet`,
      `${postcode} is in ${areaName}, but it is not in any family hub’s area. Contact the nearest hub and they will help you.`,
      answer,
    );
    document.title = `No hub area for ${postcode} – ${TITLE}`;
    announcement = `No family hub area covers ${postcode}.${answer.nearestHub ? ` The nearest hub is ${answer.nearestHub.name}, ${formatDistance(answer.nearestHub.distanceM)} away.` : ''}`;
  } else {
    card = noHubCard(
      `${postcode} is outside the area we cover`,
      `This service covers family hubs in ${joinWords(areas.map((a) => a.name)) || areaName} only. Your local council can tell you where your family hub is.`,
      answer,
    );
    document.title = `${postcode} is outside the area – ${TITLE}`;
    announcement = `${postcode} is outside the area this service covers.${answer.nearestHub ? ` The nearest hub we know is ${answer.nearestHub.name}, ${formatDistance(answer.nearestHub.distanceM)} away.` : ''}`;
  }
  replace(
    result,
    ...notes,
    card,
    h(
      'p',
      { class: 'meta', id: 'answer-version' },
      `Answer from the ${areaName} family hub boundaries, version ${answer.version ?? 'draft'}.`,
    ),
  );
  status.textContent = announcement;
  await drawAnswer(answer, areaName, seq);
  performance.mark('fh:answer');
}

function monthYear(yyyyMm: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(yyyyMm);
  if (!m) return yyyyMm;
  const months = [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ];
  return `${months[Number(m[2]) - 1] ?? m[2]} ${m[1]}`;
}

function hubCard(hub: SiteWithDistance, postcode: string, answer: LookupAnswer): HTMLElement {
  return h(
    'article',
    { class: 'hub-card', id: 'hub-card', 'aria-labelledby': 'hub-name' },
    h('p', { class: 'eyebrow' }, 'Your family hub'),
    h('h2', { id: 'hub-name', class: 'hub-card__name' }, hub.name),
    h('p', { class: 'distance' }, `${formatDistance(hub.distanceM)} from ${postcode}`),
    siteFacts(hub),
    h('h3', {}, 'Services'),
    h('ul', { class: 'services' }, ...hub.services.map((s) => h('li', {}, s.label))),
    answer.spokes.length > 0
      ? [
          h('h3', {}, 'Nearby outreach sites'),
          h('p', { class: 'hint' }, `Run by ${hub.name}, nearest to ${postcode} first.`),
          h('ol', { class: 'spokes', id: 'spokes' }, ...answer.spokes.map((s) => spokeItem(s))),
        ]
      : null,
    answer.hvPatch || answer.cocTeam
      ? [
          h('h3', {}, `Also serving ${postcode}`),
          h(
            'dl',
            { class: 'facts facts--compact' },
            answer.hvPatch ? [h('dt', {}, 'Health visiting team'), h('dd', {}, answer.hvPatch.name)] : null,
            answer.cocTeam ? [h('dt', {}, 'Midwifery team'), h('dd', {}, answer.cocTeam.name)] : null,
          ),
        ]
      : null,
  );
}

function noHubCard(heading: string, text: string, answer: LookupAnswer): HTMLElement {
  const nearest = answer.nearestHub;
  return h(
    'article',
    { class: 'panel panel--info', id: 'no-hub', 'aria-labelledby': 'no-hub-title' },
    h('h2', { class: 'panel__title', id: 'no-hub-title' }, heading),
    h('p', {}, text),
    nearest
      ? [
          h('h3', {}, 'Nearest family hub'),
          h('p', { class: 'hub-card__name', id: 'nearest-hub' }, nearest.name),
          h('p', { class: 'distance' }, `${formatDistance(nearest.distanceM)} away`),
          siteFacts(nearest),
        ]
      : null,
  );
}

function spokeItem(spoke: SiteWithDistance): HTMLElement {
  const hours = describeOpeningHours(spoke.openingHours);
  return h(
    'li',
    { class: 'spoke' },
    h(
      'p',
      { class: 'spoke__name' },
      spoke.name,
      ' ',
      h('span', { class: 'distance' }, `– ${formatDistance(spoke.distanceM)}`),
    ),
    h('p', {}, spoke.address, ', ', spoke.postcode),
    h(
      'p',
      { class: 'hint' },
      hours ? hours.map((r) => `${r.days}: ${r.hours}`).join('; ') : spoke.openingHours,
    ),
  );
}

function siteFacts(site: SiteAnswer): HTMLElement {
  const hours = describeOpeningHours(site.openingHours);
  const website = safeHttpUrl(site.contact.website);
  return h(
    'dl',
    { class: 'facts' },
    h('dt', {}, 'Address'),
    h('dd', {}, site.address, h('br'), site.postcode),
    h('dt', {}, 'Opening hours'),
    h(
      'dd',
      {},
      hours
        ? h(
            'table',
            { class: 'hours' },
            h('caption', { class: 'visually-hidden' }, `Opening hours of ${site.name}`),
            h(
              'tbody',
              {},
              ...hours.map((r) => h('tr', {}, h('th', { scope: 'row' }, r.days), h('td', {}, r.hours))),
            ),
          )
        : site.openingHours,
    ),
    site.contact.phone
      ? [h('dt', {}, 'Phone'), h('dd', {}, h('a', { href: telHref(site.contact.phone) }, site.contact.phone))]
      : null,
    site.contact.email
      ? [
          h('dt', {}, 'Email'),
          h('dd', {}, h('a', { href: `mailto:${site.contact.email}` }, site.contact.email)),
        ]
      : null,
    website
      ? [
          h('dt', {}, 'Website'),
          h(
            'dd',
            {},
            h(
              'a',
              { href: website, rel: 'noopener' },
              `${site.name} website`,
              hidden(' (opens the hub’s own site)'),
            ),
          ),
        ]
      : null,
    h('dt', {}, 'Ages'),
    h('dd', {}, formatAges(site.ages)),
    h('dt', {}, 'Run by'),
    h('dd', {}, site.operator),
  );
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
    map = await createBaseMap({
      container: byId('map'),
      config,
      cooperative: true,
      label: 'Map of the family hub area',
    });
  } catch {
    mapSection.hidden = true;
    return null;
  }
  window.catchmentsMap = map;
  for (const id of ['outline', 'catchment', 'sites', 'postcode']) setData(map, id, EMPTY_COLLECTION);
  addLayerOnce(map, {
    id: 'outline-fill',
    type: 'fill',
    source: 'outline',
    paint: { 'fill-color': '#ffffff', 'fill-opacity': 0.6 },
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
  addLayerOnce(map, {
    id: 'spokes',
    type: 'circle',
    source: 'sites',
    filter: ['==', ['get', 'role'], 'spoke'],
    paint: {
      'circle-radius': 6,
      'circle-color': COLOURS.spoke,
      'circle-stroke-color': COLOURS.hub,
      'circle-stroke-width': 2.5,
    },
  });
  addLayerOnce(map, {
    id: 'hub',
    type: 'circle',
    source: 'sites',
    filter: ['==', ['get', 'role'], 'hub'],
    paint: {
      'circle-radius': 9,
      'circle-color': COLOURS.hub,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2.5,
    },
  });
  addLayerOnce(map, {
    id: 'postcode-point',
    type: 'circle',
    source: 'postcode',
    paint: {
      'circle-radius': 7,
      'circle-color': COLOURS.point,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2.5,
    },
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

async function drawAnswer(answer: LookupAnswer, areaName: string, seq: number): Promise<void> {
  const hub = answer.hub ?? answer.nearestHub;
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
  if (hub) sites.push(pointFeature(hub, 'hub'));
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
  const pc = answer.postcode ?? 'your postcode';
  instance
    .getCanvas()
    .setAttribute(
      'aria-label',
      hub
        ? `Map showing ${pc} and ${hub.name}${detail?.catchment ? ', with the area the hub serves shaded' : ''}.`
        : `Map showing ${pc}.`,
    );
  replace(
    legend,
    legendItem('legend__swatch--point', `${pc}`),
    hub ? legendItem('legend__swatch--hub', answer.hub ? 'Your family hub' : 'Nearest family hub') : null,
    answer.spokes.length > 0 ? legendItem('legend__swatch--spoke', 'Outreach sites') : null,
    detail?.catchment ? legendItem('legend__swatch--catchment', 'Area the hub serves') : null,
    outline ? legendItem('legend__swatch--outline', `${areaName} boundary`) : null,
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
