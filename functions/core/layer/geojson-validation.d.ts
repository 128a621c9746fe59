// Types for the parts of `geojson-validation` (CommonJS, ships no types) that the layer checks use.
// With `trace` true each function returns the list of problems found (empty when valid).
declare module 'geojson-validation' {
  interface GeoJsonValidation {
    isFeatureCollection(value: unknown, trace: true): string[];
    isFeature(value: unknown, trace: true): string[];
    isPolygon(value: unknown, trace: true): string[];
    isMultiPolygon(value: unknown, trace: true): string[];
  }
  const gjv: GeoJsonValidation;
  export default gjv;
}
