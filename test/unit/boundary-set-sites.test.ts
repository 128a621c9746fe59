// Checks of uploaded sites and area descriptions: every problem names the site and the field.
import { describe, expect, it } from 'vitest';
import { checkAreaInfo, checkSites } from '../../functions/core/boundary-set/sites.js';
import { testshireSet } from '../support/boundary-sets.js';

describe('checkSites', () => {
  it('accepts the fixture sites as an array, as {sites} and as an area.json', async () => {
    const set = await testshireSet();
    expect(checkSites(set.sites, 'testshire')).toEqual({ problems: [], sites: set.sites });
    expect(checkSites({ sites: set.sites }, 'testshire').sites).toEqual(set.sites);
    const withArea = checkSites({ area: { ...set.area }, sites: set.sites }, 'testshire');
    expect(withArea.area).toEqual(set.area);
  });

  it('normalises postcodes and reports each bad field with the site it is in', async () => {
    const sites = (await testshireSet()).sites;
    const hub = sites.find((s) => s.kind === 'hub');
    const spoke = sites.find((s) => s.kind === 'spoke');
    const lower = checkSites([{ ...hub!, postcode: ' te1  1aa ' }], 'testshire');
    expect(lower.sites?.[0]?.postcode).toBe('TE1 1AA');
    const result = checkSites(
      [
        { ...hub!, location: { lat: 91, lng: 0 }, services: ['midwifery', 'astrology'] },
        { ...spoke!, hubId: 'hub-nowhere' },
        { ...hub! },
        'not a site',
      ],
      'testshire',
    );
    expect(result.sites).toBeUndefined();
    expect(result.problems.map((p) => `${p.kind} ${p.feature ?? ''} ${p.message.split(':')[0]}`)).toEqual([
      'invalid-site hub-a Site #0 (hub-a)',
      'invalid-site hub-a Site #0 (hub-a)',
      'invalid-sites  Site #3 is not an object.',
      'spoke-without-hub spoke-a1 Spoke "spoke-a1" belongs to hub "hub-nowhere", which is not a hub in this list. Fix its hubId or add the hub.',
    ]);
    expect(result.problems[0]!.message).toContain('"location"');
    expect(result.problems[1]!.message).toContain('"services"');
  });

  it('finds duplicate ids, and refuses other shapes and unknown members', async () => {
    const [hub] = (await testshireSet()).sites;
    expect(checkSites([hub, hub], 'testshire').problems.map((p) => p.kind)).toEqual(['duplicate-site-id']);
    expect(checkSites({ sites: [hub], extra: 1 }, 'testshire').problems.map((p) => p.kind)).toEqual([
      'invalid-sites',
    ]);
    expect(checkSites('sites', 'testshire').problems.map((p) => p.kind)).toEqual(['invalid-sites']);
  });
});

describe('checkAreaInfo', () => {
  it('needs a name and an id matching the URL', () => {
    expect(checkAreaInfo({ name: 'Testshire' }, 'testshire').area).toEqual({
      id: 'testshire',
      name: 'Testshire',
      illustrative: false,
      attribution: [],
    });
    expect(checkAreaInfo({ id: 'other', name: 'X' }, 'testshire').problems[0]!.message).toContain(
      'URL names area "testshire"',
    );
    expect(checkAreaInfo({}, 'testshire').problems[0]!.message).toContain('area.name');
  });
});
