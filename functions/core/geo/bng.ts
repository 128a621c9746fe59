// British National Grid (EPSG:27700, OSGB36 Transverse Mercator) -> WGS84.
//
// Accuracy: this is the OSGB36 -> WGS84 7-parameter Helmert transformation published by Ordnance
// Survey, the same one Code-Point Open users and proj4 default to. OS states it is good to about
// 3-5 m across Great Britain (worse in the far north and on islands); the centimetre-level OSTN15
// grid shift is not used because it needs a 15 MB grid file. Postcode points are themselves only
// placed to the nearest address (Code-Point positional quality 10), so metres are ample for hub
// lookups, but points within ~5 m of a boundary may fall on the other side than under OSTN15.
import proj4 from 'proj4';
import type { LatLng } from '../model.js';

export const BNG_PROJ4 =
  '+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy ' +
  '+towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 +units=m +no_defs';

const toWgs84 = proj4(BNG_PROJ4, 'EPSG:4326');

/** The grid's extent: eastings 0-700 km, northings 0-1300 km cover Great Britain and its islands. */
export const BNG_EXTENT = {
  minEasting: 0,
  maxEasting: 700_000,
  minNorthing: 0,
  maxNorthing: 1_300_000,
} as const;

export function isWithinBng(easting: number, northing: number): boolean {
  return (
    Number.isFinite(easting) &&
    Number.isFinite(northing) &&
    easting >= BNG_EXTENT.minEasting &&
    easting <= BNG_EXTENT.maxEasting &&
    northing >= BNG_EXTENT.minNorthing &&
    northing <= BNG_EXTENT.maxNorthing
  );
}

/** Converts eastings/northings in metres to WGS84; throws RangeError outside the grid. */
export function bngToWgs84(easting: number, northing: number): LatLng {
  if (!isWithinBng(easting, northing)) {
    throw new RangeError(
      `(${easting}, ${northing}) is outside the British National Grid (0-700000, 0-1300000)`,
    );
  }
  const [lng, lat] = toWgs84.forward([easting, northing]);
  return { lat: lat!, lng: lng! };
}

/** Converts one [easting, northing] position to [lng, lat] (for reprojecting GeoJSON). */
export function bngPositionToLngLat(position: readonly number[]): [number, number] {
  const { lat, lng } = bngToWgs84(position[0]!, position[1]!);
  return [lng, lat];
}
