#!/usr/bin/env node
import { once } from 'node:events';
// The reference for `npm run bench -- assign`: the plain which-polygon script a GIS analyst would
// write to give every postcode its polygon, at its own full speed (plain Node, no TypeScript loader,
// no harness in the loop). Reads a headed CSV (gzip or not) with lat/lng columns, writes each row
// with the containing polygon's id appended (empty when none).
//
//   node bench/assign-which-polygon.js <layer.geojson[.gz]> <id-property> <points.csv[.gz]> <out.csv>
import { createReadStream, createWriteStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip, gunzipSync } from 'node:zlib';
import whichPolygon from 'which-polygon';

const [layerFile, idProperty, pointsFile, outFile] = process.argv.slice(2);
const bytes = readFileSync(layerFile);
const layer = JSON.parse((layerFile.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8'));
const query = whichPolygon(layer);

const raw = createReadStream(pointsFile);
const lines = createInterface({ input: pointsFile.endsWith('.gz') ? raw.pipe(createGunzip()) : raw });
const out = createWriteStream(outFile);
let header;
let lat;
let lng;
let batch = '';
for await (const line of lines) {
  if (header === undefined) {
    header = line.split(',');
    lat = header.indexOf('lat');
    lng = header.indexOf('lng');
    batch += `${line},assigned_id\n`;
    continue;
  }
  const fields = line.split(',');
  const y = Number.parseFloat(fields[lat]);
  const x = Number.parseFloat(fields[lng]);
  const found = Number.isFinite(x) && Number.isFinite(y) ? query([x, y]) : null;
  batch += `${line},${found ? found[idProperty] : ''}\n`;
  if (batch.length > 65_536) {
    if (!out.write(batch)) await once(out, 'drain');
    batch = '';
  }
}
out.end(batch);
await once(out, 'finish');
