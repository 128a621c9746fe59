// The planner's map: the active version's layers with toggles and a legend; upload a draft layer
// (GeoJSON), see its validation problems where they are, what it changes (postcodes that move,
// caseload per hub, alignment before and after, suggested fixes); publish and roll back after a
// confirmation naming the version and the counts. docs/web.md#planner describes the workflow.
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import type * as MapLibre from 'maplibre-gl';
import type {
  DraftMeta,
  HistoryView,
  ProblemFeatureProperties,
  UploadProblem,
  ValidationView,
  VersionHeader,
} from './lib/admin-types.js';
import { Api, ApiError, loadConfig } from './lib/api.js';
import { confirmAction } from './lib/confirm.js';
import { byId, h, hidden, replace } from './lib/dom.js';
import { formatArea, formatChange, formatCount, formatPercent, joinWords } from './lib/format.js';
import { type Bbox, bboxOf, EMPTY_COLLECTION, padPoint, pointsCollection } from './lib/geo.js';
import {
  type AlignmentAnswer,
  type AlignmentView,
  fixGeometry,
  fragmentsOf,
  type ImpactView,
  type RedrawImpact,
  readImpact,
} from './lib/impact.js';
import {
  addLayerOnce,
  colourByIdExpression,
  createBaseMap,
  fitBbox,
  type MapInstance,
  PALETTE,
  setData,
  setVisible,
  webglAvailable,
} from './lib/map.js';
import type { AlignmentFix, AlignmentResult, ScoreSet, WebConfigShape } from './lib/types.js';

/** The analysis API (functions/handlers/analysis-api.ts, docs/impact.md): one place for its paths. */
export const ANALYSIS = {
  impact: (area: string) => `/v1/admin/areas/${area}/draft/impact`,
  draftAlignment: (area: string, query: string) => `/v1/admin/areas/${area}/draft/alignment?${query}`,
  versionAlignment: (area: string, version: number, query: string) =>
    `/v1/admin/areas/${area}/versions/${version}/alignment?${query}`,
};

interface AreaSummary {
  readonly id: string;
  readonly name: string;
  readonly illustrative: boolean;
  readonly version: number | null;
  readonly counts: {
    readonly hubs: number;
    readonly spokes: number;
    readonly hvPatches: number;
    readonly cocTeams: number;
  };
}

type LayerKey =
  | 'outline'
  | 'catchments'
  | 'hv-patches'
  | 'coc-teams'
  | 'hubs'
  | 'spokes'
  | 'draft'
  | 'problems'
  | 'moved'
  | 'fragments';

interface Toggle {
  readonly key: LayerKey;
  readonly label: string;
  readonly layerIds: readonly string[];
  /** Draws the legend swatch. */
  readonly swatch: (el: HTMLElement) => void;
  visible: boolean;
  count: number | null;
}

const TOKEN_KEY = 'catchments.adminToken';
const AUTHOR_KEY = 'catchments.author';
const COLOURS = {
  outline: '#0b0c0c',
  catchmentLine: '#1f2a2a',
  patch: '#4c2c92',
  team: '#b10e1e',
  hub: '#00594c',
  draft: '#0b0c0c',
  problem: '#d4351c',
  moved: '#c2006e',
  fragment: '#d55e00',
  focus: '#ffdd00',
};

const status = byId('planner-status');
const areaSelect = byId<HTMLSelectElement>('area');

let config: WebConfigShape = { apiBase: '', tiles: null };
let api: Api;
let map: MapInstance | null = null;
let areas: AreaSummary[] = [];
let area = '';
let active: number | null = null;
let token: string | null = sessionStorage.getItem(TOKEN_KEY);
let author = localStorage.getItem(AUTHOR_KEY) ?? '';
let outlineBox: Bbox | null = null;
/** The active version's layers as loaded, to tell which draft features changed. */
const activeLayers = new Map<string, FeatureCollection>();
const names = new Map<string, string>();
let catchmentIds: string[] = [];
let draft: DraftMeta | null = null;
let draftLayer = 'catchments';
let validation: ValidationView | null = null;
let impact: ImpactView | null = null;
let impactError: string | null = null;
let alignment: AlignmentView | null = null;
let history: HistoryView | null = null;

const toggles: Toggle[] = [
  toggle('outline', 'Area outline', ['outline-line'], (el) => swatch(el, 'transparent', COLOURS.outline)),
  toggle('catchments', 'Hub catchments', ['catchments-fill', 'catchments-line'], (el) => {
    el.style.background = `linear-gradient(90deg, ${PALETTE[0]} 0 33%, ${PALETTE[1]} 33% 66%, ${PALETTE[2]} 66%)`;
    el.style.borderColor = COLOURS.catchmentLine;
  }),
  toggle('hv-patches', 'HV patches', ['hv-patches-line'], (el) =>
    swatch(el, 'transparent', COLOURS.patch, true),
  ),
  toggle('coc-teams', 'CoC midwifery teams', ['coc-teams-line'], (el) =>
    swatch(el, 'transparent', COLOURS.team),
  ),
  toggle('hubs', 'Hubs', ['hubs'], (el) => swatch(el, COLOURS.hub, '#ffffff', false, true)),
  toggle('spokes', 'Spokes', ['spokes'], (el) => swatch(el, '#ffffff', COLOURS.hub, false, true)),
  toggle('draft', 'Changed in the draft', ['draft-casing', 'draft-line'], (el) =>
    swatch(el, 'transparent', COLOURS.draft, true),
  ),
  toggle('problems', 'Validation problems', ['problems-fill', 'problems-line', 'problems-point'], (el) =>
    swatch(el, COLOURS.problem, '#ffffff'),
  ),
  toggle('moved', 'Postcodes that change hub', ['moved'], (el) =>
    swatch(el, COLOURS.moved, '#ffffff', false, true),
  ),
  toggle('fragments', 'Misaligned fragments', ['fragments-fill', 'fragments-line'], (el) =>
    swatch(el, COLOURS.fragment, COLOURS.fragment),
  ),
];

function toggle(key: LayerKey, label: string, layerIds: string[], draw: (el: HTMLElement) => void): Toggle {
  return { key, label, layerIds, swatch: draw, visible: true, count: null };
}

function swatch(el: HTMLElement, fill: string, border: string, dashed = false, point = false): void {
  // Set through the CSSOM: the pages' CSP allows no inline style attributes.
  el.style.background = fill;
  el.style.borderColor = border;
  if (dashed) el.classList.add('swatch--dashed');
  if (point) el.classList.add('swatch--point');
}

function say(message: string): void {
  status.textContent = message;
}

// ------------------------------------------------------------------------------------------------
// Start

async function start(): Promise<void> {
  config = await loadConfig();
  api = new Api(config.apiBase, () => token, 'no-cache');
  byId<HTMLInputElement>('author').value = author;
  wireForms();
  renderLayerList();
  const mapReady = startMap();
  try {
    areas = (await api.json<{ areas: AreaSummary[] }>('/v1/areas')).data.areas;
  } catch (error) {
    say(`The areas could not be loaded: ${messageOf(error)}`);
  }
  replace(areaSelect, ...areas.map((a) => h('option', { value: a.id }, a.name)));
  const wanted = new URLSearchParams(location.search).get('area');
  area = areas.find((a) => a.id === wanted)?.id ?? areas[0]?.id ?? '';
  areaSelect.value = area;
  await mapReady;
  await loadActive();
  if (token) await signIn(token, false);
  document.body.dataset.ready = 'true';
  performance.mark('fh:ready');
}

async function startMap(): Promise<void> {
  if (!webglAvailable()) {
    replace(
      byId('map'),
      h('p', { class: 'notice' }, 'This browser cannot draw the map (WebGL is off). The panels still work.'),
    );
    return;
  }
  map = await createBaseMap({ container: byId('map'), config, label: 'Map of the family hub boundaries' });
  window.catchmentsMap = map;
  for (const id of [
    'outline',
    'catchments',
    'hv-patches',
    'coc-teams',
    'sites',
    'draft',
    'problems',
    'moved',
    'fragments',
    'focus',
  ]) {
    setData(map, id, EMPTY_COLLECTION);
  }
  const layers: MapLibre.LayerSpecification[] = [
    {
      id: 'catchments-fill',
      type: 'fill',
      source: 'catchments',
      paint: { 'fill-color': PALETTE[0]!, 'fill-opacity': 0.32 },
    },
    {
      id: 'catchments-line',
      type: 'line',
      source: 'catchments',
      paint: { 'line-color': COLOURS.catchmentLine, 'line-width': 1.2 },
    },
    {
      id: 'outline-line',
      type: 'line',
      source: 'outline',
      paint: { 'line-color': COLOURS.outline, 'line-width': 2.5 },
    },
    {
      id: 'hv-patches-line',
      type: 'line',
      source: 'hv-patches',
      paint: { 'line-color': COLOURS.patch, 'line-width': 1.6, 'line-dasharray': [2, 1.5] },
    },
    {
      id: 'coc-teams-line',
      type: 'line',
      source: 'coc-teams',
      paint: { 'line-color': COLOURS.team, 'line-width': 3, 'line-opacity': 0.85 },
    },
    {
      id: 'fragments-fill',
      type: 'fill',
      source: 'fragments',
      paint: { 'fill-color': COLOURS.fragment, 'fill-opacity': 0.55 },
    },
    {
      id: 'fragments-line',
      type: 'line',
      source: 'fragments',
      paint: { 'line-color': COLOURS.fragment, 'line-width': 2 },
    },
    {
      id: 'draft-casing',
      type: 'line',
      source: 'draft',
      paint: { 'line-color': '#ffffff', 'line-width': 5 },
    },
    {
      id: 'draft-line',
      type: 'line',
      source: 'draft',
      paint: { 'line-color': COLOURS.draft, 'line-width': 3, 'line-dasharray': [1.5, 1] },
    },
    {
      id: 'problems-fill',
      type: 'fill',
      source: 'problems',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': COLOURS.problem, 'fill-opacity': 0.45 },
    },
    {
      id: 'problems-line',
      type: 'line',
      source: 'problems',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'line-color': COLOURS.problem, 'line-width': 2 },
    },
    {
      id: 'moved',
      type: 'circle',
      source: 'moved',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 13, 5],
        'circle-color': COLOURS.moved,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'spokes',
      type: 'circle',
      source: 'sites',
      filter: ['==', ['get', 'kind'], 'spoke'],
      paint: {
        'circle-radius': 4.5,
        'circle-color': '#ffffff',
        'circle-stroke-color': COLOURS.hub,
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'hubs',
      type: 'circle',
      source: 'sites',
      filter: ['==', ['get', 'kind'], 'hub'],
      paint: {
        'circle-radius': 7,
        'circle-color': COLOURS.hub,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'problems-point',
      type: 'circle',
      source: 'problems',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 8,
        'circle-color': COLOURS.problem,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 2.5,
      },
    },
    {
      id: 'focus-line',
      type: 'line',
      source: 'focus',
      paint: { 'line-color': COLOURS.focus, 'line-width': 5 },
    },
    {
      id: 'focus-point',
      type: 'circle',
      source: 'focus',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 12,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': COLOURS.focus,
        'circle-stroke-width': 4,
      },
    },
  ];
  for (const layer of layers) addLayerOnce(map, layer);
  applyVisibility();
  wirePopups(map);
}

/** Clicking the map names what is there (the panels list the same things for keyboard users). */
function wirePopups(instance: MapInstance): void {
  const gl = window.maplibregl;
  if (!gl) return;
  const describe: [string, (p: Record<string, unknown>) => string][] = [
    ['problems-point', (p) => `Problem: ${p.message}`],
    ['problems-fill', (p) => `Problem: ${p.message}`],
    ['moved', (p) => `${p.postcode}: ${nameOf(p.fromHub)} → ${nameOf(p.toHub)}`],
    ['hubs', (p) => `Hub: ${p.name}`],
    ['spokes', (p) => `Spoke: ${p.name} (of ${nameOf(p.hubId)})`],
    [
      'fragments-fill',
      (p) => `Misaligned: part of ${p.aName} in ${p.bName} (${formatCount(Number(p.postcodes))} postcodes)`,
    ],
    ['coc-teams-line', (p) => `CoC team: ${p.name}`],
    ['hv-patches-line', (p) => `HV patch: ${p.name}`],
    ['catchments-fill', (p) => `Catchment: ${nameOf(p.id)}`],
  ];
  instance.on('click', (event) => {
    const ids = describe.map(([id]) => id).filter((id) => instance.getLayer(id));
    const hits = instance.queryRenderedFeatures(event.point, { layers: ids });
    const first = hits[0];
    if (!first) return;
    const text = describe.find(([id]) => id === first.layer.id)?.[1](first.properties ?? {}) ?? '';
    new gl.Popup({ closeButton: true, maxWidth: '18rem' })
      .setLngLat(event.lngLat)
      .setDOMContent(h('p', {}, text))
      .addTo(instance);
  });
  for (const [id] of describe) {
    instance.on('mouseenter', id, () => (instance.getCanvas().style.cursor = 'pointer'));
    instance.on('mouseleave', id, () => (instance.getCanvas().style.cursor = ''));
  }
}

function nameOf(id: unknown): string {
  if (id === null || id === undefined || id === '') return 'no hub';
  return names.get(String(id)) ?? String(id);
}

function renderLayerList(): void {
  const list = byId('layer-list');
  replace(
    list,
    ...toggles.map((t) => {
      const checkbox = h('input', { type: 'checkbox', id: `toggle-${t.key}`, name: t.key });
      checkbox.checked = t.visible;
      checkbox.disabled = t.count === null;
      checkbox.addEventListener('change', () => {
        t.visible = checkbox.checked;
        applyVisibility();
      });
      const mark = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      t.swatch(mark);
      return h(
        'li',
        {},
        checkbox,
        h(
          'label',
          { for: `toggle-${t.key}` },
          mark,
          t.label,
          t.count === null
            ? h('span', { class: 'count' }, ' (none)')
            : h('span', { class: 'count' }, ` (${formatCount(t.count)})`),
        ),
      );
    }),
  );
}

function setCount(key: LayerKey, count: number | null): void {
  const t = toggles.find((x) => x.key === key)!;
  t.count = count;
}

function applyVisibility(): void {
  if (!map) return;
  for (const t of toggles) setVisible(map, t.layerIds, t.visible && t.count !== null);
}

// ------------------------------------------------------------------------------------------------
// The active version

async function loadActive(): Promise<void> {
  if (!area) return;
  const summary = areas.find((a) => a.id === area);
  say(`Loading ${summary?.name ?? area}…`);
  const base = `/v1/areas/${encodeURIComponent(area)}`;
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
    active = areaInfo.version;
    names.clear();
    for (const f of sites?.features ?? []) names.set(String(f.properties?.id), String(f.properties?.name));
    for (const layer of [patches, teams])
      for (const f of layer?.features ?? []) names.set(String(f.properties?.id), String(f.properties?.name));
    catchmentIds = (catchments?.features ?? []).map((f) => String(f.properties?.id)).sort();
    activeLayers.clear();
    for (const [name, layer] of [
      ['outline', outline],
      ['catchments', catchments],
      ['hv-patches', patches],
      ['coc-teams', teams],
    ] as const) {
      if (layer) activeLayers.set(name, layer);
    }
    if (map) {
      setData(map, 'outline', outline ?? EMPTY_COLLECTION);
      setData(map, 'catchments', catchments ?? EMPTY_COLLECTION);
      setData(map, 'hv-patches', patches ?? EMPTY_COLLECTION);
      setData(map, 'coc-teams', teams ?? EMPTY_COLLECTION);
      setData(map, 'sites', sites ?? EMPTY_COLLECTION);
      map.setPaintProperty('catchments-fill', 'fill-color', colourByIdExpression(catchmentIds));
    }
    setCount('outline', outline ? outline.features.length : null);
    setCount('catchments', catchments ? catchments.features.length : null);
    setCount('hv-patches', patches ? patches.features.length : null);
    setCount('coc-teams', teams ? teams.features.length : null);
    const siteList = sites?.features ?? [];
    setCount('hubs', sites ? siteList.filter((f) => f.properties?.kind === 'hub').length : null);
    setCount('spokes', sites ? siteList.filter((f) => f.properties?.kind === 'spoke').length : null);
    renderLayerList();
    applyVisibility();
    outlineBox = bboxOf(outline ?? catchments);
    if (map) fitBbox(map, outlineBox, 12);
    byId('active-version').textContent =
      active === null
        ? 'Nothing is published for this area yet.'
        : `Showing version ${active}, the active version: ${formatCount(areaInfo.counts.hubs)} hubs, ${formatCount(areaInfo.counts.spokes)} spokes, ${formatCount(areaInfo.counts.hvPatches)} HV patches, ${formatCount(areaInfo.counts.cocTeams)} CoC teams.`;
    say('');
  } catch (error) {
    say(`The active boundaries could not be loaded: ${messageOf(error)}`);
  }
}

// ------------------------------------------------------------------------------------------------
// Signing in

function wireForms(): void {
  areaSelect.addEventListener('change', () => {
    area = areaSelect.value;
    const url = new URL(location.href);
    url.searchParams.set('area', area);
    window.history.replaceState(null, '', url);
    clearDraftViews();
    void loadActive().then(() => (token ? refreshAdmin() : undefined));
  });
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    author = byId<HTMLInputElement>('author').value.trim();
    localStorage.setItem(AUTHOR_KEY, author);
    void signIn(byId<HTMLInputElement>('token').value.trim(), true);
  });
  byId<HTMLFormElement>('upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void upload();
  });
  byId('discard-draft').addEventListener('click', () => void discardDraft());
  byId<HTMLFormElement>('publish-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void publish();
  });
  byId<HTMLSelectElement>('alignment-pair').addEventListener('change', () => void loadAlignment());
}

function adminHeaders(): Record<string, string> {
  return author ? { 'X-Author': author } : {};
}

async function signIn(candidate: string, interactive: boolean): Promise<void> {
  const field = byId('token-field');
  const error = byId('token-error');
  const input = byId<HTMLInputElement>('token');
  const fail = (message: string) => {
    field.classList.add('field--error');
    replace(error, hidden('Error: '), message);
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'token-hint token-error');
    say(`Error: ${message}`);
    if (interactive) input.focus();
  };
  if (!candidate) {
    fail('Enter the admin token.');
    return;
  }
  token = candidate;
  try {
    await api.json(`/v1/admin/areas/${encodeURIComponent(area)}/versions`);
  } catch (e) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (!interactive) return;
    if (e instanceof ApiError && e.status === 401) fail('That token is not valid. Check it and try again.');
    else if (
      e instanceof ApiError &&
      e.status === 404 &&
      e.code === 'not-found' &&
      /No endpoint/.test(e.message)
    )
      fail('The admin API is off on this server: start it with CATCHMENTS_ADMIN_TOKEN set.');
    else fail(messageOf(e));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, candidate);
  field.classList.remove('field--error');
  error.hidden = true;
  input.removeAttribute('aria-invalid');
  input.value = '';
  byId('signin-card').hidden = true;
  for (const id of ['draft-card', 'history-card']) byId(id).hidden = false;
  const signOut = h(
    'button',
    { class: 'button button--secondary button--small', type: 'button', id: 'sign-out' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  replace(byId('session'), `Signed in${author ? ` as ${author}` : ''} `, signOut);
  say('Signed in.');
  // The sign-in form is gone: move focus to what comes next rather than leave it nowhere.
  if (interactive) byId('draft-title').focus();
  await refreshAdmin();
}

async function refreshAdmin(): Promise<void> {
  await Promise.all([loadDraft(), loadHistory()]);
}

// ------------------------------------------------------------------------------------------------
// The draft

const areaPath = () => `/v1/admin/areas/${encodeURIComponent(area)}`;

async function loadDraft(): Promise<void> {
  try {
    draft = (await api.json<DraftMeta>(`${areaPath()}/draft`)).data;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404))
      say(`The draft could not be read: ${messageOf(error)}`);
    draft = null;
  }
  renderDraftStatus();
  if (draft && draft.publishedAs === null) await analyseDraft();
  else clearDraftViews();
}

function renderDraftStatus(): void {
  const text = byId('draft-status');
  const discard = byId('discard-draft');
  if (!draft || draft.publishedAs !== null) {
    text.textContent =
      draft?.publishedAs != null
        ? `The last draft was published as version ${draft.publishedAs}. Uploading a layer starts a new draft from the active version.`
        : `No draft. Uploading a layer starts one as a copy of the active version${active !== null ? ` (version ${active})` : ''}.`;
    discard.hidden = true;
    return;
  }
  const layers = Object.entries(draft.layers)
    .map(([name, info]) => `${name} (${formatCount(info?.features ?? 0)})`)
    .join(', ');
  text.textContent = `Draft revision ${draft.revision}, based on version ${draft.baseVersion ?? 'none'}, last changed by ${draft.updatedBy} at ${when(draft.updatedAt)}. Layers: ${layers || 'none'}.`;
  discard.hidden = false;
}

async function upload(): Promise<void> {
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
            h(
              'h3',
              {},
              `${formatCount(problems.length)} problem${problems.length === 1 ? '' : 's'} in the file`,
            ),
            problemList(
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
      setData(map, 'problems', {
        type: 'FeatureCollection',
        features: problems
          .filter((p) => p.location)
          .map((p) => ({
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: [p.location![0], p.location![1]] },
            properties: { message: p.message, kind: p.kind },
          })),
      });
      setCount('problems', problems.length);
      renderLayerList();
      applyVisibility();
    }
    say(`Error: ${message}`);
  };
  field.classList.remove('field--error');
  error.hidden = true;
  fileInput.removeAttribute('aria-invalid');
  fileInput.setAttribute('aria-describedby', 'upload-file-hint');
  problemsBox.replaceChildren();
  const file = fileInput.files?.[0];
  if (!file) return fail('Choose a GeoJSON file to upload.');
  if (!idProperty) return fail('Name the property that holds each feature’s id.');
  const text = await file.text();
  try {
    JSON.parse(text);
  } catch {
    return fail(
      `${file.name} is not JSON. Upload a GeoJSON FeatureCollection (a Shapefile must be converted first).`,
    );
  }
  say(`Uploading ${file.name}…`);
  try {
    if (!draft || draft.publishedAs !== null) {
      draft = (
        await api.json<DraftMeta>(`${areaPath()}/draft`, {
          method: 'POST',
          body: { from: 'active', replace: draft?.publishedAs != null },
          headers: adminHeaders(),
        })
      ).data;
    }
    const query = new URLSearchParams({ idProperty, crs });
    if (nameProperty) query.set('nameProperty', nameProperty);
    draft = (
      await api.json<DraftMeta>(`${areaPath()}/draft/layers/${encodeURIComponent(layer)}?${query}`, {
        method: 'PUT',
        rawBody: text,
        headers: adminHeaders(),
      })
    ).data;
  } catch (e) {
    const problems =
      e instanceof ApiError && Array.isArray(e.problem?.problems)
        ? (e.problem.problems as UploadProblem[])
        : [];
    return fail(messageOf(e), problems);
  }
  draftLayer = layer;
  fileInput.value = '';
  renderDraftStatus();
  say(
    `Uploaded ${file.name} as the draft’s ${layer} layer (${formatCount(draft.layers[layer as keyof DraftMeta['layers']]?.features ?? 0)} features). Checking it…`,
  );
  await analyseDraft();
}

async function discardDraft(): Promise<void> {
  const result = await confirmAction({
    title: 'Discard the draft?',
    body: [h('p', {}, 'Its layers are deleted. The active version does not change.')],
    confirmLabel: 'Discard the draft',
    danger: true,
  });
  if (!result.confirmed) return;
  try {
    await api.json(`${areaPath()}/draft`, { method: 'DELETE', headers: adminHeaders() });
    say('The draft was discarded.');
  } catch (e) {
    say(`The draft could not be discarded: ${messageOf(e)}`);
  }
  await loadDraft();
}

function clearDraftViews(): void {
  byId('draft-changes').textContent = '';
  validation = null;
  impact = null;
  impactError = null;
  alignment = null;
  for (const id of ['validation-card', 'impact-card', 'alignment-card', 'publish-card'])
    byId(id).hidden = true;
  if (map)
    for (const id of ['draft', 'problems', 'moved', 'fragments', 'focus']) setData(map, id, EMPTY_COLLECTION);
  for (const key of ['draft', 'problems', 'moved', 'fragments'] as const) setCount(key, null);
  renderLayerList();
  applyVisibility();
}

/** Validation, the draft layer, impact and alignment: everything a planner judges a redraw by. */
async function analyseDraft(): Promise<void> {
  for (const id of ['validation-card', 'impact-card', 'alignment-card', 'publish-card'])
    byId(id).hidden = false;
  replace(byId('validation'), h('p', {}, 'Checking the draft…'));
  replace(byId('impact'), h('p', {}, 'Working out what changes…'));
  await Promise.all([loadValidation(), loadDraftLayer(), loadImpact(), loadAlignment()]);
  renderPublish();
  say(
    validation
      ? `Draft checked: ${validation.publishable ? 'it can be published' : `${validation.errors} error${validation.errors === 1 ? '' : 's'} to fix before publishing`}${impact ? `; ${formatCount(impact.movedCount)} postcode${impact.movedCount === 1 ? '' : 's'} change hub` : ''}.`
      : 'The draft could not be checked.',
  );
}

async function loadDraftLayer(): Promise<void> {
  if (!map) return;
  try {
    const layer = (
      await api.json<FeatureCollection>(`${areaPath()}/draft/layers/${encodeURIComponent(draftLayer)}`)
    ).data;
    const changed = changedFeatures(layer, activeLayers.get(draftLayer));
    setData(map, 'draft', changed);
    setCount('draft', changed.features.length);
    // Show the planner where the redraw is.
    if (changed.features.length > 0) fitBbox(map, bboxOf(changed), 13);
    const list = changed.features.map((f) => nameOf(f.properties?.id));
    byId('draft-changes').textContent =
      list.length === 0
        ? `The draft’s ${draftLayer} layer is the same as the active version’s.`
        : `Changed in the draft’s ${draftLayer} layer (dashed on the map): ${joinWords(list.slice(0, 10))}${list.length > 10 ? ` and ${list.length - 10} more` : ''}.`;
  } catch {
    setData(map, 'draft', EMPTY_COLLECTION);
    setCount('draft', null);
  }
  renderLayerList();
  applyVisibility();
}

/** Features of the draft layer that are new or whose geometry differs from the active version's. */
function changedFeatures(
  draftLayerData: FeatureCollection,
  activeLayer: FeatureCollection | undefined,
): FeatureCollection {
  const before = new Map(
    (activeLayer?.features ?? []).map((f) => [String(f.properties?.id), JSON.stringify(f.geometry)]),
  );
  return {
    type: 'FeatureCollection',
    features: draftLayerData.features.filter(
      (f) => before.get(String(f.properties?.id)) !== JSON.stringify(f.geometry),
    ),
  };
}

async function loadValidation(): Promise<void> {
  const box = byId('validation');
  try {
    validation = (await api.json<ValidationView>(`${areaPath()}/draft/validation`)).data;
  } catch (e) {
    validation = null;
    replace(box, h('p', { class: 'error-message' }, `The draft could not be checked: ${messageOf(e)}`));
    return;
  }
  const v = validation;
  const located = v.features.filter((f) => f.geometry !== null);
  if (map) {
    setData(map, 'problems', { type: 'FeatureCollection', features: located as Feature<Geometry>[] });
    setCount('problems', v.features.length);
    renderLayerList();
    applyVisibility();
  }
  replace(
    box,
    h(
      'p',
      { id: 'validation-summary' },
      v.publishable
        ? h('span', { class: 'tag tag--ok' }, 'Can be published')
        : h('span', { class: 'tag tag--error' }, 'Cannot be published'),
      ` ${formatCount(v.errors)} error${v.errors === 1 ? '' : 's'}, ${formatCount(v.warnings)} warning${v.warnings === 1 ? '' : 's'}.`,
    ),
    v.coverage
      ? h(
          'p',
          {},
          `Catchments cover ${formatPercent(v.coverage.coveredShare, 2)} of the area outline`,
          v.coverage.uncoveredAreaM2 > 0 ? ` (gaps: ${formatArea(v.coverage.uncoveredAreaM2)})` : '',
          v.coverage.overlapAreaM2 > 0 ? `; overlaps: ${formatArea(v.coverage.overlapAreaM2)}` : '',
          `. ${formatCount(v.postcodes.assigned)} postcodes assigned, ${formatCount(v.postcodes.inGaps)} in gaps.`,
        )
      : null,
    v.features.length > 0
      ? problemList(v.features.map((f) => ({ ...f.properties, geometry: f.geometry })))
      : h('p', {}, 'No problems found.'),
  );
}

interface ListedProblem extends Pick<ProblemFeatureProperties, 'severity' | 'message' | 'kind'> {
  readonly feature?: string | undefined;
  readonly geometry: Geometry | null;
}

function problemList(problems: readonly ListedProblem[]): HTMLElement {
  const shown = problems.slice(0, 100);
  return h(
    'div',
    {},
    h(
      'ul',
      { class: 'problem-list', id: 'problem-list' },
      ...shown.map((p) =>
        h(
          'li',
          { class: `sev-${p.severity}` },
          h('span', { class: `tag tag--${p.severity === 'info' ? 'ok' : p.severity}` }, p.severity),
          ' ',
          p.message,
          p.geometry ? [' ', showButton(`Show this ${p.kind} problem on the map`, p.geometry)] : null,
        ),
      ),
    ),
    problems.length > shown.length
      ? h('p', {}, `…and ${formatCount(problems.length - shown.length)} more.`)
      : null,
  );
}

function showButton(label: string, geometry: Geometry | FeatureCollection): HTMLButtonElement {
  const button = h(
    'button',
    { class: 'button button--secondary button--small', type: 'button' },
    'Show',
    hidden(`: ${label}`),
  );
  button.addEventListener('click', () => focusOn(geometry));
  return button;
}

function focusOn(geometry: Geometry | FeatureCollection): void {
  if (!map) return;
  const data: FeatureCollection =
    geometry.type === 'FeatureCollection'
      ? geometry
      : { type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: {} }] };
  setData(map, 'focus', data);
  let box = bboxOf(data);
  if (box && box[0] === box[2] && box[1] === box[3]) box = padPoint(box[0], box[1], 1500);
  fitBbox(map, box, 14);
  say('Shown on the map, outlined in yellow.');
}

// ------------------------------------------------------------------------------------------------
// Impact and alignment

async function loadImpact(): Promise<void> {
  const box = byId('impact');
  try {
    impact = readImpact((await api.json<RedrawImpact>(ANALYSIS.impact(encodeURIComponent(area)))).data);
    impactError = null;
  } catch (e) {
    impact = null;
    impactError = messageOf(e);
    replace(
      box,
      h('p', { class: 'error-message' }, `What the draft changes could not be worked out: ${impactError}`),
    );
    return;
  }
  const report = impact;
  if (map) {
    setData(
      map,
      'moved',
      pointsCollection(report.moved, (m) => [m.lng, m.lat]),
    );
    setCount('moved', report.moved.length);
    renderLayerList();
    applyVisibility();
  }
  const changed = report.caseload.filter((c) => c.before !== c.after);
  replace(
    box,
    h('p', { class: 'figure', id: 'moved-count' }, formatCount(report.movedCount)),
    h(
      'p',
      {},
      `postcode${report.movedCount === 1 ? '' : 's'} change hub${report.truncated ? ` (the map shows ${formatCount(report.moved.length)})` : ''}.`,
    ),
    report.moved.length > 0
      ? showButton(
          'the postcodes that change hub',
          pointsCollection(report.moved, (m) => [m.lng, m.lat]),
        )
      : null,
    report.flows.length > 0
      ? table(
          'Postcodes moving between hubs',
          ['From', 'To', 'Postcodes'],
          report.flows.slice(0, 20).map((f) => [nameOf(f.from), nameOf(f.to), num(f.postcodes)]),
          'flows-table',
        )
      : null,
    report.caseload.length > 0
      ? [
          table(
            'Caseload per hub (postcodes served)',
            ['Hub', 'Before', 'After', 'Change'],
            (changed.length > 0 ? changed : report.caseload).map((c) => [
              c.name,
              num(c.before),
              num(c.after),
              change(c.after - c.before),
            ]),
            'caseload-table',
          ),
          changed.length > 0 && changed.length < report.caseload.length
            ? h(
                'p',
                { class: 'meta' },
                `The other ${formatCount(report.caseload.length - changed.length)} hubs do not change.`,
              )
            : null,
          report.balance.before && report.balance.after
            ? h(
                'p',
                { id: 'balance' },
                `Balance (largest ÷ smallest hub): ${ratio(report.balance.before)} before, ${ratio(report.balance.after)} after.`,
              )
            : null,
        ]
      : null,
    report.units.map((u) =>
      h(
        'p',
        {},
        `${u.layer === 'hv-patches' ? 'HV patch' : 'CoC team'} changes: ${formatCount(u.postcodes)} postcode${u.postcodes === 1 ? '' : 's'}.`,
      ),
    ),
    report.alignment.length > 0
      ? table(
          'Alignment (coterminosity)',
          ['Layers', 'Before', 'After'],
          [
            ...report.alignment.map((a) => [
              pairLabel(a.pair),
              formatPercent(a.before),
              formatPercent(a.after),
            ]),
            ...(report.agreement
              ? [
                  [
                    'All three agree',
                    formatPercent(report.agreement.before),
                    formatPercent(report.agreement.after),
                  ],
                ]
              : []),
          ],
          'impact-alignment-table',
        )
      : null,
  );
}

function ratio(b: { ratio: number | null; max: number; min: number }): string {
  return b.ratio === null
    ? `${formatCount(b.max)} ÷ 0`
    : `${b.ratio.toFixed(2)} (${formatCount(b.max)} ÷ ${formatCount(b.min)})`;
}

const LAYER_LABELS: Record<string, string> = {
  catchments: 'hub catchments',
  'hv-patches': 'HV patches',
  'coc-teams': 'CoC teams',
};

function pairLabel(pair: string): string {
  const [a, b] = pair.split(/[:,]/);
  return a && b ? `${LAYER_LABELS[a] ?? a} and ${LAYER_LABELS[b] ?? b}` : pair;
}

async function loadAlignment(): Promise<void> {
  const box = byId('alignment');
  const [a, b] = byId<HTMLSelectElement>('alignment-pair').value.split(':') as [string, string];
  replace(box, h('p', {}, 'Comparing the layers…'));
  try {
    const query = new URLSearchParams({ a, b }).toString();
    const areaId = encodeURIComponent(area);
    const [forDraft, forActive] = await Promise.all([
      api.json<AlignmentAnswer>(ANALYSIS.draftAlignment(areaId, query)),
      active === null
        ? Promise.resolve(null)
        : api.json<AlignmentAnswer>(ANALYSIS.versionAlignment(areaId, active, query)).catch(() => null),
    ]);
    alignment = { before: forActive?.data.alignment ?? null, after: forDraft.data.alignment };
  } catch (e) {
    alignment = null;
    replace(
      box,
      h('p', { class: 'error-message' }, `The alignment could not be worked out: ${messageOf(e)}`),
    );
    return;
  }
  const { before, after } = alignment;
  const shown = after ?? before;
  if (map) {
    const fragments = fragmentsOf(shown);
    setData(map, 'fragments', fragments);
    setCount('fragments', fragments.features.length);
    renderLayerList();
    applyVisibility();
  }
  const score = (r: AlignmentResult | null, pick: (s: ScoreSet) => number | null) =>
    r ? formatPercent(pick(r.scores)) : '–';
  const rows: [string, (s: ScoreSet) => number | null][] = [
    ['Coterminosity', (s) => s.coterminosity],
    [
      `Share of ${LAYER_LABELS[a] ?? a} in their best fit (by postcodes)`,
      (s) => s.aInB.byPostcodes ?? s.aInB.byArea,
    ],
    [
      `Share of ${LAYER_LABELS[b] ?? b} in their best fit (by postcodes)`,
      (s) => s.bInA.byPostcodes ?? s.bInA.byArea,
    ],
  ];
  const fragments = shown?.fragments.features ?? [];
  const fragmentPostcodes = fragments.reduce((sum, f) => sum + (f.properties?.postcodes ?? 0), 0);
  replace(
    box,
    table(
      `${pairLabel(`${a}:${b}`)}: active version and draft`,
      ['Score', 'Active', 'Draft'],
      rows.map(([label, pick]) => [label, score(before, pick), score(after, pick)]),
      'alignment-table',
    ),
    h(
      'p',
      { id: 'fragments-summary' },
      `${formatCount(fragments.length)} misaligned fragment${fragments.length === 1 ? '' : 's'} (${formatCount(fragmentPostcodes)} postcodes), shaded orange on the map.`,
    ),
    shown && shown.fixes.length > 0
      ? [
          h('h3', {}, 'Suggested fixes'),
          h(
            'ol',
            { class: 'problem-list', id: 'fixes' },
            ...shown.fixes.slice(0, 8).map((fix) => fixItem(fix)),
          ),
        ]
      : h('p', {}, 'No fixes to suggest.'),
  );
}

function fixItem(fix: AlignmentFix): HTMLElement {
  const geometry = fixGeometry(fix);
  return h(
    'li',
    {},
    fix.summary,
    ` (coterminosity ${formatChange(Math.round(fix.gain * 1000) / 10)} points)`,
    geometry.features.length > 0 ? [' ', showButton(`fix ${fix.rank}`, geometry)] : null,
  );
}

// ------------------------------------------------------------------------------------------------
// Publish and roll back

function renderPublish(): void {
  const button = byId<HTMLButtonElement>('publish-button');
  const ready = Boolean(draft && draft.publishedAs === null && validation?.publishable);
  button.disabled = !ready;
  button.setAttribute('aria-describedby', 'publish-why');
  const why = document.getElementById('publish-why') ?? h('p', { id: 'publish-why', class: 'hint' });
  why.textContent = ready
    ? `Publishing makes the draft version ${(history?.latest ?? 0) + 1} and serves it at once.`
    : 'Fix the validation errors before publishing.';
  byId('publish-form').prepend(why);
}

function countsText(c: {
  hubs: number;
  spokes: number;
  catchments: number;
  hvPatches: number;
  cocTeams: number;
  postcodes?: number;
}): string {
  return joinWords([
    `${formatCount(c.hubs)} hubs`,
    `${formatCount(c.spokes)} spokes`,
    `${formatCount(c.catchments)} catchments`,
    `${formatCount(c.hvPatches)} HV patches`,
    `${formatCount(c.cocTeams)} CoC teams`,
    ...(c.postcodes !== undefined ? [`${formatCount(c.postcodes)} postcodes`] : []),
  ]);
}

async function publish(): Promise<void> {
  const message = byId<HTMLTextAreaElement>('publish-message');
  const error = byId('publish-error');
  if (message.value.trim() === '') {
    replace(
      error,
      hidden('Error: '),
      'Say why you are publishing: the reason is kept in the version history.',
    );
    error.hidden = false;
    message.setAttribute('aria-invalid', 'true');
    message.setAttribute('aria-describedby', 'publish-error');
    message.focus();
    return;
  }
  error.hidden = true;
  message.removeAttribute('aria-invalid');
  if (!draft || !validation) return;
  const next = (history?.latest ?? 0) + 1;
  const areaName = areas.find((a) => a.id === area)?.name ?? area;
  const layerCount = (name: keyof DraftMeta['layers']) => draft?.layers[name]?.features ?? 0;
  const counts = {
    hubs: draft.sites?.hubs ?? 0,
    spokes: draft.sites?.spokes ?? 0,
    catchments: layerCount('catchments'),
    hvPatches: layerCount('hv-patches'),
    cocTeams: layerCount('coc-teams'),
  };
  const result = await confirmAction({
    title: `Publish version ${next} of ${areaName}?`,
    body: [
      h(
        'p',
        { id: 'confirm-summary' },
        `Version ${next} replaces version ${active ?? '(none)'} for every lookup, at once. `,
        impact
          ? `${formatCount(impact.movedCount)} postcode${impact.movedCount === 1 ? '' : 's'} change hub.`
          : `What it changes could not be worked out (${impactError ?? 'no report'}).`,
      ),
      h('p', {}, `It holds ${countsText(counts)}. Reason: “${message.value.trim()}”.`),
      h('p', {}, 'You can roll back to the earlier version afterwards.'),
    ],
    confirmLabel: `Publish version ${next}`,
  });
  if (!result.confirmed) {
    say('Not published.');
    return;
  }
  say(`Publishing version ${next}…`);
  try {
    const { data } = await api.json<{ version: VersionHeader }>(`${areaPath()}/draft/publish`, {
      method: 'POST',
      body: { message: message.value.trim(), draftRevision: draft.revision },
      headers: {
        'If-Match': String(active ?? ''),
        ...(active === null ? { 'If-None-Match': '*' } : {}),
        ...adminHeaders(),
      },
    });
    message.value = '';
    await loadActive();
    await refreshAdmin();
    say(
      `Published version ${data.version.version}: ${formatCount(data.version.hubChanges)} postcodes changed hub. It is being served now.`,
    );
  } catch (e) {
    say(`Not published: ${messageOf(e)}`);
  }
}

async function loadHistory(): Promise<void> {
  const box = byId('history');
  try {
    history = (await api.json<HistoryView>(`${areaPath()}/versions`)).data;
  } catch (e) {
    history = null;
    replace(box, h('p', { class: 'error-message' }, `The history could not be read: ${messageOf(e)}`));
    return;
  }
  const rows = history.versions.map((v) => {
    const cell = v.active
      ? h('span', { class: 'tag tag--ok' }, 'Active')
      : (() => {
          const button = h(
            'button',
            { class: 'button button--secondary button--small', type: 'button', id: `rollback-${v.version}` },
            `Make active`,
            hidden(` (roll back to version ${v.version})`),
          );
          button.addEventListener('click', () => void rollback(v));
          return button;
        })();
    return [
      h('strong', {}, String(v.version)),
      h('span', {}, `${when(v.publishedAt)} by ${v.publishedBy}: “${v.message}”`),
      num(v.hubChanges),
      cell,
    ];
  });
  replace(
    box,
    table(
      'Published versions, newest first',
      ['Version', 'Published', 'Postcodes moved', ''],
      rows,
      'versions-table',
    ),
  );
  renderPublish();
}

async function rollback(target: VersionHeader): Promise<void> {
  const current = history?.versions.find((v) => v.active);
  const areaName = areas.find((a) => a.id === area)?.name ?? area;
  const undoes = current && current.basedOn === target.version ? current.hubChanges : null;
  const result = await confirmAction({
    title: `Make version ${target.version} of ${areaName} active again?`,
    body: [
      h(
        'p',
        { id: 'confirm-summary' },
        `Lookups will answer from version ${target.version} instead of version ${active ?? '(none)'}, at once. `,
        undoes !== null
          ? `This undoes version ${current!.version}, which moved ${formatCount(undoes)} postcode${undoes === 1 ? '' : 's'} to another hub.`
          : '',
      ),
      h(
        'p',
        {},
        `Version ${target.version} (published ${when(target.publishedAt)} by ${target.publishedBy}: “${target.message}”) holds ${countsText(target.counts)}.`,
      ),
      h('p', {}, 'No version is deleted: you can make the current one active again later.'),
    ],
    confirmLabel: `Roll back to version ${target.version}`,
    danger: true,
    askMessage: { initial: '' },
  });
  if (!result.confirmed) {
    say('Nothing was rolled back.');
    return;
  }
  say(`Rolling back to version ${target.version}…`);
  try {
    const { data } = await api.json<{ event: { changedPostcodeCount: number } }>(`${areaPath()}/rollback`, {
      method: 'POST',
      body: { version: target.version, message: result.message },
      headers: { 'If-Match': String(active ?? ''), ...adminHeaders() },
    });
    await loadActive();
    await refreshAdmin();
    say(
      `Version ${target.version} is active again: ${formatCount(data.event.changedPostcodeCount)} postcodes changed hub.`,
    );
  } catch (e) {
    say(`Not rolled back: ${messageOf(e)}`);
  }
}

// ------------------------------------------------------------------------------------------------
// Small helpers

function table(
  caption: string,
  headings: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  id: string,
): HTMLElement {
  // A column is numeric (right-aligned) when every row has a number in it.
  const numeric = headings.map((_, i) => rows.length > 0 && rows.every((cells) => isNumberCell(cells[i])));
  return h(
    'table',
    { class: 'data-table', id },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headings.map((text, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, text)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((cells) =>
        h(
          'tr',
          {},
          ...cells.map((cell, i) =>
            i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: numeric[i] ? 'num' : null }, cell),
          ),
        ),
      ),
    ),
  );
}

function isNumberCell(cell: Node | string | undefined): boolean {
  return cell instanceof HTMLElement && cell.dataset.num === 'true';
}

function num(n: number): HTMLElement {
  return h('span', { 'data-num': 'true' }, formatCount(n));
}

function change(n: number): HTMLElement {
  return h('span', { 'data-num': 'true', class: n > 0 ? 'up' : n < 0 ? 'down' : null }, formatChange(n));
}

function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

void start();
