// The no-JavaScript answer page's filling of the built page (functions/handlers/answer-page.ts):
// what a visitor typed and what the API says are escaped wherever they land, and a page missing
// its markers fails loudly rather than serving a page without the answer.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fill } from '../../functions/handlers/answer-page.js';
import { buildWeb } from '../../scripts/build-web.js';

let shell: string;
beforeAll(async () => {
  const site = await buildWeb({ outDir: mkdtempSync(join(tmpdir(), 'catchments-answer-page-')) });
  shell = readFileSync(join(site.outDir, 'index.html'), 'utf8');
});

describe('answer page', () => {
  it('escapes the typed postcode and the problem detail', () => {
    const hostile = '"><img src=x onerror=alert(1)>';
    const html = fill(shell, {
      postcode: hostile,
      answer: null,
      problem: { code: 'invalid-postcode', status: 400, detail: `<b>${hostile}</b> is not a UK postcode` },
      areas: [],
    });
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>');
    expect(html).toContain('value="&#34;&#62;&#60;img src=x onerror=alert(1)&#62;"');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('<title>Error: Find your family hub</title>');
  });

  it('refuses a page without its markers', () => {
    expect(() =>
      fill('<html><title>x</title></html>', { postcode: 'GL1 1AD', answer: null, problem: null, areas: [] }),
    ).toThrow(/rebuild it/);
  });
});
