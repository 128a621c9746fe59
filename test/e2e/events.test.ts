// Events for every layer, delivered outside AWS: a draft that changes only HV patches (two patches
// of one hub swap their ground) is published; the event lists exactly the postcodes whose patch
// changed — checked against an independent recount (turf point-in-polygon, lowest id on ties) —
// reaches the local webhook sink over real HTTP with a valid signature, and the change list it
// links (paged JSON and CSV) holds the same postcodes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAreaDirectories, readBoundarySetDir } from '../../functions/adapters/boundary-set-files.js';
import type { BoundarySetEvent } from '../../functions/application/ports/event-publisher.js';
import type { ChangedPostcode } from '../../functions/core/boundary-set/changes.js';
import type { BoundarySet, Layer, PostcodeRecord } from '../../functions/core/model.js';
import type { LocalApp } from '../../functions/local-app.js';
import { SAMPLE_DIR } from '../support/fixtures.js';
import { type CallResult, call, startTestApp } from '../support/local-app.js';
import { recountHubs } from '../support/redraws.js';
import { startWebhookSink, type WebhookSink } from '../support/webhook-sink.js';

const TOKEN = 'test-admin-token-0123456789';
const SECRET = 'whsec-e2e-0123456789abcdef';
const AREA = 'gloucestershire';
const ADMIN = `/v1/admin/areas/${AREA}`;
const json = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

let app: LocalApp;
let sink: WebhookSink;
let expected: { postcode: string; from: string | null; to: string | null }[];

async function ok(p: string, init?: RequestInit): Promise<CallResult> {
  const r = await call(app, p, init);
  expect(r.contractProblems, `${init?.method ?? 'GET'} ${p}`).toEqual([]);
  return r;
}

/** The HV patch layer with the ground of patches a and b swapped (ids and names stay with the ground's new owner). */
function swapPatches(layer: Layer, a: string, b: string): Layer {
  const A = layer.features.find((f) => f.properties.id === a)!;
  const B = layer.features.find((f) => f.properties.id === b)!;
  return {
    ...layer,
    features: layer.features.map((f) =>
      f === A ? { ...f, geometry: B.geometry } : f === B ? { ...f, geometry: A.geometry } : f,
    ),
  };
}

beforeAll(async () => {
  sink = await startWebhookSink(SECRET);
  app = await startTestApp({
    CATCHMENTS_ADMIN_TOKEN: TOKEN,
    CATCHMENTS_WEBHOOKS: `sink=${sink.url}`,
    CATCHMENTS_WEBHOOK_SECRET: SECRET,
  });
  const sample: BoundarySet = await readBoundarySetDir(path.join(SAMPLE_DIR, AREA), 1);
  const records: PostcodeRecord[] = [...(await readAreaDirectories([path.join(SAMPLE_DIR, AREA)])).directory];
  const patches = sample.layers['hv-patches']!;
  // Two patches of one hub, both inside its catchment: hubs and CoC teams cannot change.
  const swapped = swapPatches(patches, 'hv-cheltenham-east-1', 'hv-cheltenham-east-3');
  const before = recountHubs(patches, records);
  const after = recountHubs(swapped, records);
  expected = [...before.keys()]
    .filter((p) => before.get(p) !== after.get(p))
    .sort()
    .map((postcode) => ({ postcode, from: before.get(postcode)!, to: after.get(postcode)! }));

  expect((await ok(`${ADMIN}/draft`, { method: 'POST', headers: json, body: '{}' })).status).toBe(201);
  const put = await ok(`${ADMIN}/draft/layers/hv-patches?idProperty=id&nameProperty=name`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify(swapped),
  });
  expect(put.status).toBe(200);
  const published = await ok(`${ADMIN}/draft/publish`, {
    method: 'POST',
    headers: { ...json, 'If-Match': '1' },
    body: JSON.stringify({ message: 'Swap the Cheltenham East 1 and 3 patches' }),
  });
  expect(published.status).toBe(201);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await sink?.close();
});

describe('an event for a draft that changes only HV patches', () => {
  it('reaches the webhook sink once, signed, as the event the service published', () => {
    // The seed of the sample area (version 1) was announced too, then the publish.
    expect(sink.received.map((r) => JSON.parse(r.body).toVersion)).toEqual([1, 2]);
    for (const got of sink.received) expect(got.verified, got.reason).toBe(true);
    expect(JSON.parse(sink.received[1]!.body)).toEqual(app.events.events.at(-1));
  });

  it('lists exactly the postcodes whose patch changed (independent recount), each with before and after', async () => {
    const event = JSON.parse(sink.received[1]!.body) as BoundarySetEvent;
    expect(expected.length).toBeGreaterThan(500);
    expect(event).toMatchObject({
      schema: 2,
      type: 'boundary-set.published',
      fromVersion: 1,
      toVersion: 2,
      changedPostcodeCount: expected.length,
      changedCounts: { hub: 0, hvPatch: expected.length, cocTeam: 0 },
      hubMoves: [],
    });
    // Inline while it fits, then the public change list, page by page.
    const all: ChangedPostcode[] = [...event.changedPostcodes];
    let next = event.changeList.next;
    let pages = 0;
    while (next) {
      const url = next.includes('limit=') ? next : `${next}&limit=400`; // later pages keep the limit
      const page = (await ok(url)).json as { postcodes: ChangedPostcode[]; next: string | null };
      all.push(...page.postcodes);
      next = page.next;
      pages++;
    }
    expect(event.changedPostcodes.length).toBeLessThan(expected.length); // too many to ride inline: paged
    expect(event.changedPostcodesTruncated).toBe(true);
    expect(pages).toBeGreaterThan(0);
    expect(all.map((c) => c.postcode)).toEqual(expected.map((e) => e.postcode));
    for (const [i, c] of all.entries()) {
      expect(c.changed).toEqual(['hvPatch']);
      expect([c.before.hvPatch, c.after.hvPatch]).toEqual([expected[i]!.from, expected[i]!.to]);
      expect(c.before.hub).toBe(c.after.hub);
      expect(c.before.cocTeam).toBe(c.after.cocTeam);
    }
  });

  it('serves the whole list as one CSV, and the same list from page one', async () => {
    const event = JSON.parse(sink.received[1]!.body) as BoundarySetEvent;
    const csv = await ok(event.changeList.csv!);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const rows = csv.text.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'postcode,changed,hub_before,hub_after,hv_patch_before,hv_patch_after,coc_team_before,coc_team_after',
    );
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(expected.map((e) => e.postcode));
    expect(rows.slice(1).map((r) => r.split(',').slice(4, 6).join('>'))).toEqual(
      expected.map((e) => `${e.from}>${e.to}`),
    );
    const first = (await ok(`/v1/areas/${AREA}/changes?from=1&to=2&limit=5`)).json as {
      changedPostcodeCount: number;
      postcodes: ChangedPostcode[];
      next: string;
    };
    expect(first.changedPostcodeCount).toBe(expected.length);
    expect(first.postcodes.map((c) => c.postcode)).toEqual(expected.slice(0, 5).map((e) => e.postcode));
    expect(first.next).toContain(`after=${encodeURIComponent(expected[4]!.postcode)}`);
    // The reverse pair (what a rollback would announce) has the same postcodes, before and after swapped.
    const reverse = (await ok(`/v1/areas/${AREA}/changes?from=2&to=1&limit=5`)).json as {
      postcodes: ChangedPostcode[];
    };
    expect(reverse.postcodes.map((c) => c.before)).toEqual(first.postcodes.map((c) => c.after));
  });

  it('refuses malformed pairs and unknown versions', async () => {
    expect((await ok(`/v1/areas/${AREA}/changes?from=1`)).status).toBe(400);
    expect((await ok(`/v1/areas/${AREA}/changes?from=x&to=2`)).status).toBe(400);
    expect((await ok(`/v1/areas/${AREA}/changes?from=1&to=7`)).status).toBe(404);
    expect((await ok(`/v1/areas/nowhere/changes.csv?from=1&to=2`)).status).toBe(404);
  });
});
