import { describe, expect, it } from 'vitest';
import { loadFileCatalog } from '../../functions/adapters/file-catalog.js';
import {
  InvalidPostcodeError,
  PostcodeNotFoundError,
  PostcodeWithoutLocationError,
} from '../../functions/core/errors.js';
import { pointAnswer, postcodeAnswer } from '../../functions/core/lookup/answer.js';
import { FIXTURE_AREAS_DIR } from '../support/fixtures.js';

// Testshire (test/fixtures/areas/testshire): outline lng -2.0..-1.9, lat 51.0..51.1;
// hub-a covers the west half, hub-b the south-east quarter, the north-east quarter is a gap.
const catalog = await loadFileCatalog(FIXTURE_AREAS_DIR);

describe('point semantics', () => {
  it('answers inside a catchment with its hub, patch, team and nearest spokes', () => {
    const a = pointAnswer(catalog.resolvePoint({ lat: 51.05, lng: -1.99 }));
    expect(a.match).toBe('inside');
    expect(a.hub?.id).toBe('hub-a');
    expect(a.hvPatch).toEqual({ id: 'patch-a1', name: 'Ayton patch' });
    expect(a.cocTeam).toEqual({ id: 'team-1', name: 'Testshire midwives' });
    expect(a.spokes.map((s) => s.id)).toEqual(['spoke-a1', 'spoke-a2']);
    expect(a.spokes[0]!.distanceM).toBeLessThan(a.spokes[1]!.distanceM);
    expect(a.nearestHub).toBeNull();
    expect(a.boundary).toBeUndefined();
    expect(a.hub?.services.map((s) => s.code)).toContain('midwifery');
    expect(a.hub?.services[0]?.label.length).toBeGreaterThan(3);
  });

  it('flags a point on a shared edge and assigns the lowest hub id', () => {
    const a = pointAnswer(catalog.resolvePoint({ lat: 51.02, lng: -1.95 }));
    expect(a.match).toBe('boundary');
    expect(a.hub?.id).toBe('hub-a');
    expect(a.boundary?.hubIds).toEqual(['hub-a', 'hub-b']);
  });

  it('tells a gap inside the outline from a point outside the area, offering the nearest hub', () => {
    const gap = pointAnswer(catalog.resolvePoint({ lat: 51.075, lng: -1.925 }));
    expect(gap.match).toBe('gap');
    expect(gap.hub).toBeNull();
    // hub-a (51.05, -1.975) is ~4.5 km away (3.5 km east-west, 2.8 km north-south); hub-b
    // (51.025, -1.925) is 0.05 degrees of latitude = ~5.56 km due south.
    expect(gap.nearestHub?.id).toBe('hub-a');
    expect(gap.nearestHub?.distanceM).toBeGreaterThan(4400);
    expect(gap.nearestHub?.distanceM).toBeLessThan(4600);

    const outside = pointAnswer(catalog.resolvePoint({ lat: 51.05, lng: -1.85 }));
    expect(outside.match).toBe('outside');
    expect(outside.hub).toBeNull();
    expect(outside.hvPatch).toBeNull();
    expect(outside.cocTeam).toBeNull();
    expect(outside.nearestHub?.id).toBe('hub-b');
  });
});

describe('postcode outcomes', () => {
  it('keeps malformed, unknown, no-location and terminated apart', () => {
    expect(() => catalog.resolvePostcode('TE1')).toThrow(InvalidPostcodeError);
    expect(() => catalog.resolvePostcode('TE5 5ZZ')).toThrow(PostcodeNotFoundError);
    expect(() => catalog.resolvePostcode('TE9 9ZZ')).toThrow(PostcodeWithoutLocationError);
    const terminated = postcodeAnswer(catalog.resolvePostcode('te2\u00a02aa'));
    expect(terminated).toMatchObject({
      postcode: 'TE2 2AA',
      status: 'terminated',
      terminated: '2019-06',
      match: 'inside',
    });
    expect(terminated.hub?.id).toBe('hub-b');
  });

  it('answers a postcode from its precomputed assignment, same as the point lookup', () => {
    const byPostcode = postcodeAnswer(catalog.resolvePostcode('TE1 1AB'));
    const byPoint = pointAnswer(catalog.resolvePoint({ lat: 51.02, lng: -1.95 }));
    expect(byPostcode).toEqual({ postcode: 'TE1 1AB', status: 'live', ...byPoint });
  });

  it('stamps answers with the version, and the ETag with version and directory', () => {
    const r = catalog.resolvePostcode('TE1 1AA');
    expect(postcodeAnswer(r).version).toBe(1);
    expect(catalog.etagFor(r.lookup)).toMatch(/^"testshire\.v1\.[0-9a-f]{10}"$/);
  });
});
