// The postcode directory as sorted columns: the national directory's stored form (binary, no CSV
// parse at load) and the directory part of the national routing. Also the union of several
// directories, for a store holding a national directory and areas' own directories.
import type { PostcodeRecord } from '../model.js';
import { PostcodeDirectory } from '../postcode-directory.js';
import { postcodeFromKey } from '../postcode-key.js';
import type { DirectoryColumns } from './national-routing.js';
import { decodeSections, encodeSections } from './sections.js';

export const DIRECTORY_KIND = 'postcode-directory/1';

export function directoryColumnsOf(directory: PostcodeDirectory): DirectoryColumns {
  return directory.sortedColumns();
}

export function encodeDirectoryColumns(columns: DirectoryColumns): Uint8Array {
  const { keys, lat, lng, status, months } = columns;
  return encodeSections(DIRECTORY_KIND, { months, size: keys.length }, { keys, lat, lng, status });
}

export function decodeDirectoryColumns(bytes: Uint8Array): DirectoryColumns {
  const d = decodeSections<{ months: string[] }>(bytes, DIRECTORY_KIND);
  return {
    keys: d.section('keys', 'f64'),
    lat: d.section('lat', 'f64'),
    lng: d.section('lng', 'f64'),
    status: d.section('status', 'u16'),
    months: d.meta.months,
  };
}

/**
 * The union of directories, each sorted by key: a postcode listed by several keeps the entry of the
 * first directory that lists it (the national directory first, then areas' own by area id).
 */
export function mergeDirectoryColumns(directories: readonly DirectoryColumns[]): DirectoryColumns {
  if (directories.length === 1) return directories[0]!;
  const months: string[] = [''];
  const monthIndex = new Map<string, number>([['', 0]]);
  const remap = directories.map((d) =>
    d.months.map((m) => {
      let i = monthIndex.get(m);
      if (i === undefined) {
        i = months.length;
        months.push(m);
        monthIndex.set(m, i);
      }
      return i;
    }),
  );
  const total = directories.reduce((n, d) => n + d.keys.length, 0);
  const keys = new Float64Array(total);
  const lat = new Float64Array(total);
  const lng = new Float64Array(total);
  const status = new Uint16Array(total);
  const at = directories.map(() => 0);
  let n = 0;
  for (;;) {
    // The smallest next key; the first directory holding it wins, the others skip it.
    let best = -1;
    let key = Infinity;
    for (let d = 0; d < directories.length; d++) {
      const k = at[d]! < directories[d]!.keys.length ? directories[d]!.keys[at[d]!]! : Infinity;
      if (k < key) {
        key = k;
        best = d;
      }
    }
    if (best < 0) break;
    const from = directories[best]!;
    const i = at[best]!;
    keys[n] = key;
    lat[n] = from.lat[i]!;
    lng[n] = from.lng[i]!;
    const s = from.status[i]!;
    status[n] = (s & 1) | (remap[best]![s >>> 1]! << 1);
    n++;
    for (let d = 0; d < directories.length; d++) {
      if (at[d]! < directories[d]!.keys.length && directories[d]!.keys[at[d]!] === key) at[d] = at[d]! + 1;
    }
  }
  return {
    keys: keys.slice(0, n),
    lat: lat.slice(0, n),
    lng: lng.slice(0, n),
    status: status.slice(0, n),
    months,
  };
}

/** Directory text (postcode-directory.ts format) to columns. */
export function directoryColumnsFromCsv(csv: string): DirectoryColumns {
  return directoryColumnsOf(PostcodeDirectory.fromCsv(csv));
}

/** The columns as directory records, in key order (what the analysis jobs weigh and assign). */
export function recordsOfColumns(columns: DirectoryColumns): PostcodeRecord[] {
  const { keys, lat, lng, status, months } = columns;
  const records: PostcodeRecord[] = [];
  for (let i = 0; i < keys.length; i++) {
    const y = lat[i]!;
    const x = lng[i]!;
    const month = months[status[i]! >> 1];
    records.push({
      postcode: postcodeFromKey(keys[i]!),
      location: Number.isNaN(y) || Number.isNaN(x) ? null : { lat: y, lng: x },
      status: status[i]! & 1 ? 'terminated' : 'live',
      ...(month ? { terminated: month } : {}),
    });
  }
  return records;
}
