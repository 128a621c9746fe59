// The planner's map layers: the map's sources and styled layers (active boundaries, the draft, its
// problems, the postcodes that move, misaligned fragments, the yellow focus outline), the toggles
// and legend beside it, and popups naming what was clicked.
import type * as MapLibre from 'maplibre-gl';
import { byId, h, replace } from '../lib/dom.js';
import { formatCount } from '../lib/format.js';
import { EMPTY_COLLECTION } from '../lib/geo.js';
import {
  addLayerOnce,
  createBaseMap,
  type MapInstance,
  PALETTE,
  setData,
  setVisible,
  webglAvailable,
} from '../lib/map.js';
import type { WebConfigShape } from '../lib/types.js';
import { nameOf, type PlannerState } from './context.js';

export type LayerKey =
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

export const COLOURS = {
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

interface Toggle {
  readonly key: LayerKey;
  readonly label: string;
  readonly layerIds: readonly string[];
  /** Draws the legend swatch. */
  readonly swatch: (el: HTMLElement) => void;
  visible: boolean;
  /** Features drawn; null when the layer has nothing (its checkbox is then disabled). */
  count: number | null;
}

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

/** The layer toggles and legend (#layer-list) and the visibility of the map layers they control. */
export class LayerControls {
  private readonly toggles: Toggle[] = [
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
  private map: MapInstance | null = null;

  attach(map: MapInstance | null): void {
    this.map = map;
    this.apply();
  }

  /** Records how many features a layer has (null: none) and redraws the list and the map. */
  setCount(key: LayerKey, count: number | null): void {
    this.toggles.find((t) => t.key === key)!.count = count;
  }

  /** Sets a layer's data and count together, then redraws the list and visibility. */
  show(key: LayerKey, source: string, data: Parameters<typeof setData>[2], count: number | null): void {
    if (this.map) setData(this.map, source, data);
    this.setCount(key, count);
    this.refresh();
  }

  refresh(): void {
    this.render();
    this.apply();
  }

  render(): void {
    replace(
      byId('layer-list'),
      ...this.toggles.map((t) => {
        const checkbox = h('input', { type: 'checkbox', id: `toggle-${t.key}`, name: t.key });
        checkbox.checked = t.visible;
        checkbox.disabled = t.count === null;
        checkbox.addEventListener('change', () => {
          t.visible = checkbox.checked;
          this.apply();
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
            h('span', { class: 'count' }, t.count === null ? ' (none)' : ` (${formatCount(t.count)})`),
          ),
        );
      }),
    );
  }

  apply(): void {
    if (!this.map) return;
    for (const t of this.toggles) setVisible(this.map, t.layerIds, t.visible && t.count !== null);
  }
}

const SOURCES = [
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
];

const circle = (
  id: string,
  source: string,
  paint: MapLibre.CircleLayerSpecification['paint'],
  filter?: MapLibre.FilterSpecification,
): MapLibre.LayerSpecification => ({ id, type: 'circle', source, paint, ...(filter ? { filter } : {}) });

/** Bottom to top: fills under lines, points on top, the focus outline last. */
const LAYERS: MapLibre.LayerSpecification[] = [
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
  { id: 'draft-casing', type: 'line', source: 'draft', paint: { 'line-color': '#ffffff', 'line-width': 5 } },
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
  circle('moved', 'moved', {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 8, 2.5, 13, 5],
    'circle-color': COLOURS.moved,
    'circle-stroke-color': '#ffffff',
    'circle-stroke-width': 1,
  }),
  circle(
    'spokes',
    'sites',
    {
      'circle-radius': 4.5,
      'circle-color': '#ffffff',
      'circle-stroke-color': COLOURS.hub,
      'circle-stroke-width': 2,
    },
    ['==', ['get', 'kind'], 'spoke'],
  ),
  circle(
    'hubs',
    'sites',
    {
      'circle-radius': 7,
      'circle-color': COLOURS.hub,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2,
    },
    ['==', ['get', 'kind'], 'hub'],
  ),
  circle(
    'problems-point',
    'problems',
    {
      'circle-radius': 8,
      'circle-color': COLOURS.problem,
      'circle-stroke-color': '#ffffff',
      'circle-stroke-width': 2.5,
    },
    ['==', ['geometry-type'], 'Point'],
  ),
  {
    id: 'focus-line',
    type: 'line',
    source: 'focus',
    paint: { 'line-color': COLOURS.focus, 'line-width': 5 },
  },
  circle(
    'focus-point',
    'focus',
    {
      'circle-radius': 12,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': COLOURS.focus,
      'circle-stroke-width': 4,
    },
    ['==', ['geometry-type'], 'Point'],
  ),
];

/** The planner's map with every source and layer in place (empty); null where WebGL is off. */
export async function createPlannerMap(
  config: WebConfigShape,
  state: PlannerState,
): Promise<MapInstance | null> {
  if (!webglAvailable()) {
    replace(
      byId('map'),
      h('p', { class: 'notice' }, 'This browser cannot draw the map (WebGL is off). The panels still work.'),
    );
    return null;
  }
  const map = await createBaseMap({
    container: byId('map'),
    config,
    label: 'Map of the family hub boundaries',
  });
  window.catchmentsMap = map;
  for (const id of SOURCES) setData(map, id, EMPTY_COLLECTION);
  for (const layer of LAYERS) addLayerOnce(map, layer);
  wirePopups(map, state);
  return map;
}

/** Clicking the map names what is there (the panels list the same things for keyboard users). */
function wirePopups(instance: MapInstance, state: PlannerState): void {
  const gl = window.maplibregl;
  if (!gl) return;
  const name = (id: unknown) => nameOf(state, id);
  const describe: [string, (p: Record<string, unknown>) => string][] = [
    ['problems-point', (p) => `Problem: ${p.message}`],
    ['problems-fill', (p) => `Problem: ${p.message}`],
    ['moved', (p) => `${p.postcode}: ${name(p.fromHub)} → ${name(p.toHub)}`],
    ['hubs', (p) => `Hub: ${p.name}`],
    ['spokes', (p) => `Spoke: ${p.name} (of ${name(p.hubId)})`],
    [
      'fragments-fill',
      (p) => `Misaligned: part of ${p.aName} in ${p.bName} (${formatCount(Number(p.postcodes))} postcodes)`,
    ],
    ['coc-teams-line', (p) => `CoC team: ${p.name}`],
    ['hv-patches-line', (p) => `HV patch: ${p.name}`],
    ['catchments-fill', (p) => `Catchment: ${name(p.id)}`],
  ];
  instance.on('click', (event) => {
    const ids = describe.map(([id]) => id).filter((id) => instance.getLayer(id));
    const first = instance.queryRenderedFeatures(event.point, { layers: ids })[0];
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
