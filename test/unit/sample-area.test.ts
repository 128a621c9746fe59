// Checks the committed illustrative sample area in data/gloucestershire: the shape other code relies
// on, the invariants of the design (whole wards, one catchment per hub, sites inside their
// catchments), and that the deliberate misalignments are there for the alignment checks to find.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { booleanPointInPolygon, point, area as sphericalArea } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { type AreaInfo, type Layer, SERVICE_CODES, type Site } from '../../functions/core/model.js';

const dir = new URL('../../data/gloucestershire/', import.meta.url);
const readText = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const readLayer = (name: string) => JSON.parse(readText(name)) as Layer;

const { area, sites } = JSON.parse(readText('area.json')) as { area: AreaInfo; sites: Site[] };
const outline = readLayer('outline.geojson');
const catchments = readLayer('catchments.geojson');
const patches = readLayer('hv-patches.geojson');
const teams = readLayer('coc-teams.geojson');
const hubs = sites.filter((s) => s.kind === 'hub');
const spokes = sites.filter((s) => s.kind === 'spoke');

const wardsOf = (f: Layer['features'][number]) => f.properties.wards as string[];
/** ward code → the ids of the features of `layer` that list it. */
function wardIndex(layer: Layer): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const f of layer.features) {
    for (const w of wardsOf(f)) index.set(w, [...(index.get(w) ?? []), f.properties.id]);
  }
  return index;
}
const hubOfWard = new Map([...wardIndex(catchments)].map(([w, ids]) => [w, ids[0]!]));
const catchmentOf = (id: string) => catchments.features.find((f) => f.properties.id === id)!;
const inside = (s: Site, f: Layer['features'][number]) =>
  booleanPointInPolygon(point([s.location.lng, s.location.lat]), f.geometry);

describe('sample area: labelling', () => {
  it('is labelled illustrative, with the licence attributions', () => {
    expect(area.id).toBe('gloucestershire');
    expect(area.illustrative).toBe(true);
    expect(area.description).toContain(
      "Illustrative sample: not Gloucestershire County Council's boundaries, sites or services",
    );
    const text = area.attribution.join('\n');
    expect(text).toContain('Open Government Licence');
    expect(text).toContain('Contains OS data © Crown copyright and database right 2025.');
    expect(text).toContain('Contains Royal Mail data © Royal Mail copyright and database right 2014.');
    expect(text).toContain('Contains National Statistics data © Crown copyright and database right 2025.');
  });

  it('has one outline feature with the area id', () => {
    expect(outline.features).toHaveLength(1);
    expect(outline.features[0]!.properties.id).toBe('gloucestershire');
  });
});

describe('sample area: sites', () => {
  it('has 16-17 hubs and 20-35 spokes with unique slug ids', () => {
    expect(hubs.length).toBeGreaterThanOrEqual(16);
    expect(hubs.length).toBeLessThanOrEqual(17);
    expect(spokes.length).toBeGreaterThanOrEqual(20);
    expect(spokes.length).toBeLessThanOrEqual(35);
    const ids = sites.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of sites) expect(s.id).toMatch(new RegExp(`^${s.kind}-[a-z0-9]+(-[a-z0-9]+)*$`));
  });

  it('gives every site plausible, harmless details', () => {
    for (const s of sites) {
      expect(s.services.length).toBeGreaterThan(0);
      for (const code of s.services) expect(SERVICE_CODES).toContain(code);
      expect(s.ages).toEqual({ min: 0, max: 19, sendMaxAge: 25 });
      // Ofcom drama numbers and example.org only: nobody real is rung or mailed from a demo.
      expect(s.contact.phone).toMatch(/^01632 960\d{3}$/);
      expect(s.contact.email).toMatch(/@example\.org$/);
      expect(s.openingHours).toMatch(/^(Mo|Tu|We|Th|Fr|Sa|Su)[-,A-Za-z0-9 :;]+$/);
      expect(s.operator).toMatch(/^(Family Action|Aspire Foundation Trust|Gloucestershire Gateway Trust)$/);
    }
    const phones = sites.map((s) => s.contact.phone);
    expect(new Set(phones).size).toBe(phones.length);
  });

  it('offers more at hubs than at spokes', () => {
    const mean = (list: Site[]) => list.reduce((n, s) => n + s.services.length, 0) / list.length;
    expect(mean(hubs)).toBeGreaterThan(mean(spokes));
  });

  it('puts every hub inside its own catchment and no other', () => {
    for (const h of hubs) {
      const containing = catchments.features.filter((f) => inside(h, f)).map((f) => f.properties.id);
      expect(containing, h.id).toEqual([h.id]);
    }
  });

  it('gives every spoke an existing hub whose catchment contains it', () => {
    const hubIds = new Set(hubs.map((h) => h.id));
    for (const s of spokes) {
      expect(hubIds.has(s.hubId!), s.id).toBe(true);
      expect(inside(s, catchmentOf(s.hubId!)), s.id).toBe(true);
    }
  });
});

describe('sample area: layers built from whole wards', () => {
  it('has one catchment per hub and no other', () => {
    const ids = catchments.features.map((f) => f.properties.id).sort();
    expect(ids).toEqual(hubs.map((h) => h.id).sort());
  });

  it('lists every ward in exactly one catchment, one HV patch and one midwifery team', () => {
    const wards = new Set(hubOfWard.keys());
    expect(wards.size).toBe(142);
    for (const layer of [catchments, patches, teams]) {
      const index = wardIndex(layer);
      expect(new Set(index.keys())).toEqual(wards);
      for (const [ward, ids] of index) expect(ids, ward).toHaveLength(1);
      for (const f of layer.features) expect(wardsOf(f)).toEqual([...wardsOf(f)].sort());
    }
  });

  it('tiles the outline with each layer (areas agree to 1 m² per km²)', () => {
    const outlineArea = sphericalArea(outline);
    for (const layer of [catchments, patches, teams]) {
      expect(Math.abs(sphericalArea(layer) - outlineArea) / outlineArea).toBeLessThan(1e-6);
    }
  });

  it('has well-formed geometry at 6 decimal places', () => {
    for (const layer of [outline, catchments, patches, teams]) {
      for (const f of layer.features) {
        expect(['Polygon', 'MultiPolygon']).toContain(f.geometry.type);
        const polygons = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
        for (const ring of polygons.flat()) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          expect(ring[0]).toEqual(ring[ring.length - 1]);
          const offGrid = ring.flat().filter((x) => Math.round(x * 1e6) / 1e6 !== x);
          expect(offGrid, f.properties.id).toEqual([]);
        }
      }
    }
  });

  it('has 35-45 HV patches, each of an existing hub, 2-3 per hub', () => {
    expect(patches.features.length).toBeGreaterThanOrEqual(35);
    expect(patches.features.length).toBeLessThanOrEqual(45);
    for (const h of hubs) {
      const own = patches.features.filter((f) => f.properties.hubId === h.id);
      expect(own.length, h.id).toBeGreaterThanOrEqual(2);
      expect(own.length, h.id).toBeLessThanOrEqual(3);
    }
  });

  it('has 8-10 midwifery teams', () => {
    expect(teams.features.length).toBeGreaterThanOrEqual(8);
    expect(teams.features.length).toBeLessThanOrEqual(10);
  });
});

describe('sample area: deliberate misalignments', () => {
  it('has 2-3 HV patches that take exactly one ward of a neighbouring hub', () => {
    const crossing = patches.features.filter((f) =>
      wardsOf(f).some((w) => hubOfWard.get(w) !== f.properties.hubId),
    );
    expect(crossing.length).toBeGreaterThanOrEqual(2);
    expect(crossing.length).toBeLessThanOrEqual(3);
    for (const f of crossing) {
      const foreign = wardsOf(f).filter((w) => hubOfWard.get(w) !== f.properties.hubId);
      expect(foreign, f.properties.id).toHaveLength(1);
    }
  });

  it('has exactly 3 HV patches split between midwifery teams, each by one ward', () => {
    const teamOfWard = new Map([...wardIndex(teams)].map(([w, ids]) => [w, ids[0]!]));
    const split = patches.features.filter((f) => new Set(wardsOf(f).map((w) => teamOfWard.get(w))).size > 1);
    expect(split).toHaveLength(3);
    for (const f of split) {
      const counts = new Map<string, number>();
      for (const w of wardsOf(f)) counts.set(teamOfWard.get(w)!, (counts.get(teamOfWard.get(w)!) ?? 0) + 1);
      // One ward is in the wrong team: the fix a planner would make is to move it.
      expect([...counts.values()].sort((a, b) => a - b)[0], f.properties.id).toBe(1);
      expect(counts.size, f.properties.id).toBe(2);
    }
  });
});

describe('sample area: postcode directory', () => {
  const text = gunzipSync(readFileSync(new URL('postcodes.csv.gz', dir))).toString('utf8');
  const lines = text.split('\n');

  it('has the fixed header with 2011 census codes, sorted unique rows and valid fields', () => {
    expect(lines[0]).toBe('postcode,lat,lng,status,terminated,oa11,lsoa11');
    expect(lines[lines.length - 1]).toBe('');
    const rows = lines.slice(1, -1).map((l) => l.split(','));
    const bad: string[] = [];
    let live = 0;
    let terminated = 0;
    for (let i = 0; i < rows.length; i++) {
      const [postcode = '', lat = '', lng = '', status, term, oa = '', lsoa = ''] = rows[i]!;
      const ok =
        rows[i]!.length === 7 &&
        /^(?:E00\d{6})?$/.test(oa) &&
        /^(?:E01\d{6})?$/.test(lsoa) &&
        (oa === '') === (lsoa === '') &&
        /^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$/.test(postcode) &&
        (i === 0 || postcode > rows[i - 1]![0]!) &&
        /^5[12]\.\d{6}$/.test(lat) &&
        /^-[12]\.\d{6}$/.test(lng) &&
        term === '';
      if (!ok) bad.push(lines[i + 1]!);
      if (status === 'live') live++;
      else if (status === 'terminated') terminated++;
      else bad.push(lines[i + 1]!);
    }
    // Sorted strictly ascending also proves the postcodes are unique.
    expect(bad).toEqual([]);
    expect(live).toBeGreaterThanOrEqual(20_000);
    expect(terminated).toBeGreaterThanOrEqual(700);
    // Every live postcode but the one just outside the districts lies in one of the 373 LSOAs.
    const lsoas = new Set(rows.filter((r) => r[3] === 'live' && r[6]).map((r) => r[6]));
    expect(lsoas.size).toBe(373);
    expect(rows.filter((r) => r[3] === 'live' && !r[6]).length).toBeLessThanOrEqual(1);
  });

  it('holds every site postcode as live, at the site location', () => {
    const byPostcode = new Map(lines.slice(1, -1).map((l) => [l.split(',')[0]!, l.split(',')]));
    for (const s of sites) {
      const row = byPostcode.get(s.postcode);
      expect(row, s.id).toBeDefined();
      expect(row![3], s.id).toBe('live');
      expect(Number(row![1])).toBe(s.location.lat);
      expect(Number(row![2])).toBe(s.location.lng);
    }
  });
});
