// Small pieces the planner's panels share: accessible tables with numeric columns, "Show" buttons
// that outline something on the map, problem lists, and date formatting.
import type { FeatureCollection, Geometry } from 'geojson';
import type { ProblemFeatureProperties } from '../lib/admin-types.js';
import { h, hidden } from '../lib/dom.js';
import { formatChange, formatCount } from '../lib/format.js';
import { bboxOf, padPoint } from '../lib/geo.js';
import { fitBbox, type MapInstance, setData } from '../lib/map.js';
import { say } from './context.js';

export function table(
  caption: string,
  headings: readonly string[],
  rows: readonly (readonly (Node | string)[])[],
  id: string,
): HTMLElement {
  // A column is numeric (right-aligned) when every row has a number in it.
  const numeric = headings.map((_, i) => rows.length > 0 && rows.every((cells) => isNumberCell(cells[i])));
  return h(
    'table',
    { class: 'data-table', id },
    h('caption', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headings.map((text, i) => h('th', { scope: 'col', class: numeric[i] ? 'num' : null }, text)),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((cells) =>
        h(
          'tr',
          {},
          ...cells.map((cell, i) =>
            i === 0 ? h('th', { scope: 'row' }, cell) : h('td', { class: numeric[i] ? 'num' : null }, cell),
          ),
        ),
      ),
    ),
  );
}

function isNumberCell(cell: Node | string | undefined): boolean {
  return cell instanceof HTMLElement && cell.dataset.num === 'true';
}

export function num(n: number): HTMLElement {
  return h('span', { 'data-num': 'true' }, formatCount(n));
}

export function change(n: number): HTMLElement {
  return h('span', { 'data-num': 'true', class: n > 0 ? 'up' : n < 0 ? 'down' : null }, formatChange(n));
}

export function when(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString('en-GB', {
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
      });
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** A "Show" button that outlines the geometry on the map in yellow and zooms to it. */
export function showButton(
  map: MapInstance | null,
  label: string,
  geometry: Geometry | FeatureCollection,
): HTMLButtonElement {
  const button = h(
    'button',
    { class: 'button button--secondary button--small', type: 'button' },
    'Show',
    hidden(`: ${label}`),
  );
  button.addEventListener('click', () => focusOn(map, geometry));
  return button;
}

function focusOn(map: MapInstance | null, geometry: Geometry | FeatureCollection): void {
  if (!map) return;
  const data: FeatureCollection =
    geometry.type === 'FeatureCollection'
      ? geometry
      : { type: 'FeatureCollection', features: [{ type: 'Feature', geometry, properties: {} }] };
  setData(map, 'focus', data);
  let box = bboxOf(data);
  if (box && box[0] === box[2] && box[1] === box[3]) box = padPoint(box[0], box[1], 1500);
  fitBbox(map, box, 14);
  say('Shown on the map, outlined in yellow.');
}

export interface ListedProblem extends Pick<ProblemFeatureProperties, 'severity' | 'message' | 'kind'> {
  readonly feature?: string | undefined;
  readonly geometry: Geometry | null;
}

/** The first 100 problems, each with "Show" when it has a place. */
export function problemList(map: MapInstance | null, problems: readonly ListedProblem[]): HTMLElement {
  const shown = problems.slice(0, 100);
  return h(
    'div',
    {},
    h(
      'ul',
      { class: 'problem-list', id: 'problem-list' },
      ...shown.map((p) =>
        h(
          'li',
          { class: `sev-${p.severity}` },
          h('span', { class: `tag tag--${p.severity === 'info' ? 'ok' : p.severity}` }, p.severity),
          ' ',
          p.message,
          p.geometry ? [' ', showButton(map, `Show this ${p.kind} problem on the map`, p.geometry)] : null,
        ),
      ),
    ),
    problems.length > shown.length
      ? h('p', {}, `…and ${formatCount(problems.length - shown.length)} more.`)
      : null,
  );
}
