// The branding file's checks (functions/config.ts loadBranding): the default loads; a colour pairing
// below 4.5:1 stops the build with the pairing and its ratio named; framing by "*" is refused;
// strings must be known keys with the same placeholders; the basemap must be on this site.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, contrastRatio, loadBranding } from '../../functions/config.js';

const dir = mkdtempSync(join(tmpdir(), 'catchments-branding-'));
const base = {
  council: { name: 'Testshire County Council' },
  colours: {
    brand: '#00594c',
    brandDark: '#003d34',
    brandText: '#ffffff',
    link: '#1d4f91',
    linkVisited: '#4c2c92',
    text: '#0b0c0c',
  },
};
function load(extra: Record<string, unknown>) {
  const file = join(dir, `b-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify({ ...base, ...extra }));
  return () => loadBranding(file);
}

describe('branding', () => {
  it('computes WCAG contrast as the spec does', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2); // the usual AA threshold grey
  });

  it('loads the default branding with every English string', () => {
    const b = loadBranding();
    expect(b.council.name).toBe('Family hubs');
    expect(b.frameAncestors).toEqual([]);
    expect(b.strings['form.button']).toBe('Find my hub');
  });

  it('refuses colours below 4.5:1, naming the pairing and the ratio', () => {
    expect(load({ colours: { ...base.colours, brand: '#7fb8ad' } })).toThrow(
      /colours.brandText" on colours.brand \(header and button text\) has contrast 2\.\d\d:1; WCAG AA needs at least 4.5:1/,
    );
    expect(load({ colours: { ...base.colours, link: '#5b8fd0' } })).toThrow(
      /colours.link" on #ffffff \(links\)/,
    );
    expect(load({ colours: { ...base.colours, text: 'black' } })).toThrow(/#rrggbb/);
  });

  it('never lets "*" or a bare scheme frame the page', () => {
    for (const bad of ['*', 'https:', 'http://www.example.gov.uk', "'none'"])
      expect(load({ frameAncestors: [bad] }), bad).toThrow(ConfigError);
    expect(
      load({ frameAncestors: ['https://www.example.gov.uk', 'https://*.example.gov.uk'] })().frameAncestors,
    ).toHaveLength(2);
  });

  it('takes string overrides only for known keys with the same placeholders, and a basemap only on this site', () => {
    expect(load({ strings: { 'form.button': 'Search' } })().strings['form.button']).toBe('Search');
    expect(load({ strings: { 'no.such.key': 'x' } })).toThrow(/not a page string/);
    expect(load({ strings: { 'form.looking': 'Looking up…' } })).toThrow(/placeholders \{postcode\}/);
    expect(load({ language: 'cy' })).toThrow(/web\/strings\/cy.json/);
    expect(load({ basemap: { url: 'https://tiles.example.com/uk.pmtiles', attribution: 'x' } })).toThrow(
      /no other servers/,
    );
    expect(
      load({ basemap: { url: '/tiles/county.pmtiles', attribution: '© OpenStreetMap' } })().basemap?.url,
    ).toBe('/tiles/county.pmtiles');
  });
});
