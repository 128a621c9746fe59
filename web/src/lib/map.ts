// MapLibre GL, loaded from this site's /vendor (never a CDN), on a plain background: no tile
// service is needed. A council may host a basemap on its own site as one PMTiles file (web config
// `basemap`: vector tiles in the Protomaps basemap layout, or raster tiles), read with HTTP range
// requests through the `pmtiles` protocol — no third-party tile server, nothing that tracks — or
// configure a raster tile server it may use (`tiles`). No text is drawn on the map (that would need
// glyph files); names are in popups, the legend and the page itself, where screen readers reach them.
import type { Feature, FeatureCollection } from 'geojson';
import type * as MapLibre from 'maplibre-gl';
import { meta } from './dom.js';
import type { Bbox } from './geo.js';
import type { WebConfigShape } from './types.js';

export type MapLibreGl = typeof MapLibre;
export type MapInstance = MapLibre.Map;

declare global {
  interface Window {
    maplibregl?: MapLibreGl;
    /** The page's map, for tests and for anyone debugging in the console. */
    catchmentsMap?: MapLibre.Map;
  }
}

let loading: Promise<MapLibreGl> | null = null;
let workerSet = false;

/** Loads MapLibre's script and stylesheet once (the public page does so only when it needs a map). */
export function loadMapLibre(): Promise<MapLibreGl> {
  if (window.maplibregl) return Promise.resolve(configure(window.maplibregl));
  loading ??= new Promise<MapLibreGl>((resolve, reject) => {
    const cssHref = meta('fh:maplibre-css');
    if (cssHref && !document.querySelector(`link[href="${cssHref}"]`)) {
      document.head.append(
        Object.assign(document.createElement('link'), { rel: 'stylesheet', href: cssHref }),
      );
    }
    const script = document.createElement('script');
    script.src = meta('fh:maplibre-js');
    script.async = true;
    script.onload = () =>
      window.maplibregl
        ? resolve(configure(window.maplibregl))
        : reject(new Error('The map library did not load.'));
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error('The map library could not be loaded.'));
    };
    document.head.append(script);
  });
  return loading;
}

function configure(gl: MapLibreGl): MapLibreGl {
  if (!workerSet) {
    // The CSP build's worker is a file on this origin (no blob: workers).
    gl.setWorkerUrl(meta('fh:maplibre-worker'));
    workerSet = true;
  }
  return gl;
}

/** True when the browser can draw WebGL maps at all (else the pages say so and show text only). */
export function webglAvailable(): boolean {
  try {
    const canvas = document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}

export const BACKGROUND = '#eef0eb';

export interface BaseMapOptions {
  readonly container: HTMLElement;
  readonly config: WebConfigShape;
  readonly bounds?: Bbox;
  /** Ctrl/two-finger gestures, so the map does not trap page scrolling on phones. */
  readonly cooperative?: boolean;
  readonly label: string;
}

export async function createBaseMap(options: BaseMapOptions): Promise<MapInstance> {
  const gl = await loadMapLibre();
  const sources: MapLibre.StyleSpecification['sources'] = {};
  const layers: MapLibre.LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': BACKGROUND } },
  ];
  if (options.config.basemap) {
    const basemap = await basemapStyle(gl, options.config.basemap);
    Object.assign(sources, basemap.sources);
    layers.push(...basemap.layers);
  }
  const tiles = options.config.tiles;
  if (tiles) {
    sources.basemap = {
      type: 'raster',
      tiles: [tiles.url],
      tileSize: 256,
      attribution: tiles.attribution,
      ...(tiles.maxzoom !== undefined ? { maxzoom: tiles.maxzoom } : {}),
    };
    layers.push({ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.85 } });
  }
  const map = new gl.Map({
    container: options.container,
    style: { version: 8, sources, layers },
    ...(options.bounds
      ? { bounds: options.bounds, fitBoundsOptions: { padding: 24 } }
      : { center: [-2.2, 51.85], zoom: 8 }),
    maxZoom: 17,
    minZoom: 5,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    cooperativeGestures: options.cooperative ?? false,
    attributionControl: { compact: true },
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new gl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new gl.ScaleControl({ unit: 'metric' }), 'bottom-left');
  map.getCanvas().setAttribute('aria-label', options.label);
  await new Promise<void>((resolve) => (map.isStyleLoaded() ? resolve() : map.once('load', () => resolve())));
  return map;
}

let pmtilesProtocol: Promise<typeof import('pmtiles')> | null = null;

/**
 * The basemap's source and layers. The pmtiles reader (a separate chunk, fetched only for a map
 * with a basemap) is registered once as MapLibre's `pmtiles://` protocol; the archive's header says
 * whether its tiles are vector (drawn with BASEMAP_LAYERS) or raster.
 */
async function basemapStyle(
  gl: MapLibreGl,
  basemap: NonNullable<WebConfigShape['basemap']>,
): Promise<Pick<MapLibre.StyleSpecification, 'sources' | 'layers'>> {
  pmtilesProtocol ??= import('pmtiles').then((pmtiles) => {
    gl.addProtocol('pmtiles', new pmtiles.Protocol().tile);
    return pmtiles;
  });
  const pmtiles = await pmtilesProtocol;
  const url = new URL(basemap.url, location.href).href;
  const header = await new pmtiles.PMTiles(url).getHeader();
  const common = { url: `pmtiles://${url}`, attribution: basemap.attribution, maxzoom: basemap.maxzoom };
  if (header.tileType === pmtiles.TileType.Mvt) {
    return { sources: { basemap: { type: 'vector', ...common } }, layers: BASEMAP_LAYERS };
  }
  return {
    sources: { basemap: { type: 'raster', tileSize: 256, ...common } },
    layers: [{ id: 'basemap', type: 'raster', source: 'basemap', paint: { 'raster-opacity': 0.85 } }],
  };
}

/**
 * A quiet, label-free style for vector basemaps in the Protomaps basemap layout (the layers
 * `pmtiles extract` keeps from a Protomaps build: earth, landuse, water, roads, buildings,
 * boundaries): streets and water to place a home by, muted so the catchments stay on top.
 */
export const BASEMAP_LAYERS: MapLibre.LayerSpecification[] = [
  {
    id: 'basemap-earth',
    type: 'fill',
    source: 'basemap',
    'source-layer': 'earth',
    paint: { 'fill-color': '#f4f4f0' },
  },
  {
    id: 'basemap-landuse',
    type: 'fill',
    source: 'basemap',
    'source-layer': 'landuse',
    paint: { 'fill-color': '#dfeadb', 'fill-opacity': 0.8 },
  },
  {
    id: 'basemap-water',
    type: 'fill',
    source: 'basemap',
    'source-layer': 'water',
    paint: { 'fill-color': '#c6dbef' },
  },
  {
    id: 'basemap-buildings',
    type: 'fill',
    source: 'basemap',
    'source-layer': 'buildings',
    minzoom: 14,
    paint: { 'fill-color': '#e4e1dc' },
  },
  {
    id: 'basemap-roads',
    type: 'line',
    source: 'basemap',
    'source-layer': 'roads',
    paint: {
      'line-color': '#ffffff',
      'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 8, 0.5, 16, 8],
    },
  },
  {
    id: 'basemap-roads-major',
    type: 'line',
    source: 'basemap',
    'source-layer': 'roads',
    filter: ['in', ['get', 'kind'], ['literal', ['highway', 'major_road']]],
    paint: {
      'line-color': '#f2d29b',
      'line-width': ['interpolate', ['exponential', 1.6], ['zoom'], 6, 0.8, 16, 12],
    },
  },
  {
    id: 'basemap-boundaries',
    type: 'line',
    source: 'basemap',
    'source-layer': 'boundaries',
    paint: { 'line-color': '#9e9ea8', 'line-width': 1, 'line-dasharray': [3, 2] },
  },
];

/** Sets a GeoJSON source's data, adding the source the first time. */
export function setData(map: MapInstance, id: string, data: FeatureCollection | Feature): void {
  const source = map.getSource(id) as MapLibre.GeoJSONSource | undefined;
  if (source) source.setData(data);
  else map.addSource(id, { type: 'geojson', data, promoteId: 'id' });
}

export function addLayerOnce(map: MapInstance, layer: MapLibre.LayerSpecification, before?: string): void {
  if (!map.getLayer(layer.id)) map.addLayer(layer, before && map.getLayer(before) ? before : undefined);
}

export function setVisible(map: MapInstance, layerIds: readonly string[], visible: boolean): void {
  for (const id of layerIds)
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}

export function fitBbox(map: MapInstance, bbox: Bbox | null, maxZoom = 14): void {
  if (!bbox) return;
  map.fitBounds(
    [
      [bbox[0], bbox[1]],
      [bbox[2], bbox[3]],
    ],
    { padding: 32, maxZoom, duration: 0 },
  );
}

/**
 * Colours for categorical layers: the Okabe-Ito palette (distinguishable with colour-vision
 * deficiencies) plus four darker tones; neighbours are also told apart by outlines.
 */
export const PALETTE = [
  '#E69F00',
  '#56B4E9',
  '#009E73',
  '#F0E442',
  '#0072B2',
  '#D55E00',
  '#CC79A7',
  '#7F6D5F',
  '#6A3D9A',
  '#1B9E77',
  '#B15928',
  '#4D4D4D',
];

/** A `match` expression giving each id (in the order given) a palette colour. */
export function colourByIdExpression(ids: readonly string[]): MapLibre.ExpressionSpecification | string {
  if (ids.length === 0) return PALETTE[0]!;
  const pairs = ids.flatMap((id, i) => [id, PALETTE[i % PALETTE.length]!]);
  return ['match', ['to-string', ['get', 'id']], ...pairs, '#999999'] as MapLibre.ExpressionSpecification;
}
