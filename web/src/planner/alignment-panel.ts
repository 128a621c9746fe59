// Alignment of two layers, active version against the draft: coterminosity and each layer's share
// in its best fit, the misaligned fragments shaded on the map, and the suggested fixes ranked.

import type { LayerLoads } from '../../../functions/core/weights/capacity.js';
import { byId, h, replace } from '../lib/dom.js';
import { formatChange, formatCount, formatPercent } from '../lib/format.js';
import { type AlignmentAnswer, fixGeometry, fragmentsOf } from '../lib/impact.js';
import type { MapInstance } from '../lib/map.js';
import type { AlignmentFix, AlignmentResult, ScoreSet } from '../lib/types.js';
import { ANALYSIS, messageOf, type PlannerContext } from './context.js';
import { LAYER_LABELS, pairLabel } from './impact-panel.js';
import { showButton, table } from './widgets.js';

export async function loadAlignment(ctx: PlannerContext): Promise<void> {
  const { state, map, layers, api } = ctx;
  const box = byId('alignment');
  const [a, b] = byId<HTMLSelectElement>('alignment-pair').value.split(':') as [string, string];
  replace(box, h('p', {}, 'Comparing the layers…'));
  let draftCapacity: AlignmentAnswer['capacity'] = null;
  try {
    const query = new URLSearchParams({ a, b }).toString();
    const areaId = encodeURIComponent(state.area);
    const active = state.active;
    // With the planner's weights and capacities: the same routes as POSTs, scores weighted by them.
    const planning = state.planning ? ({ method: 'POST', body: state.planning } as const) : {};
    const [forDraft, forActive] = await Promise.all([
      api.json<AlignmentAnswer>(ANALYSIS.draftAlignment(areaId, query), planning),
      active === null
        ? Promise.resolve(null)
        : api
            .json<AlignmentAnswer>(ANALYSIS.versionAlignment(areaId, active, query), planning)
            .catch(() => null),
    ]);
    state.alignment = { before: forActive?.data.alignment ?? null, after: forDraft.data.alignment };
    draftCapacity = forDraft.data.capacity ?? null;
  } catch (e) {
    state.alignment = null;
    replace(
      box,
      h('p', { class: 'error-message' }, `The alignment could not be worked out: ${messageOf(e)}`),
    );
    return;
  }
  const { before, after } = state.alignment;
  const shown = after ?? before;
  if (map) {
    const fragments = fragmentsOf(shown);
    layers.show('fragments', 'fragments', fragments, fragments.features.length);
  }
  const score = (r: AlignmentResult | null, pick: (s: ScoreSet) => number | null) =>
    r ? formatPercent(pick(r.scores)) : '–';
  const measure = state.planning?.weights?.column ?? 'postcodes';
  const rows: [string, (s: ScoreSet) => number | null][] = [
    ['Coterminosity', (s) => s.coterminosity],
    [
      `Share of ${LAYER_LABELS[a] ?? a} in their best fit (by ${measure})`,
      (s) => s.aInB.byPostcodes ?? s.aInB.byArea,
    ],
    [
      `Share of ${LAYER_LABELS[b] ?? b} in their best fit (by ${measure})`,
      (s) => s.bInA.byPostcodes ?? s.bInA.byArea,
    ],
  ];
  const fragments = shown?.fragments.features ?? [];
  const fragmentPostcodes = fragments.reduce((sum, f) => sum + (f.properties?.postcodes ?? 0), 0);
  replace(
    box,
    table(
      `${pairLabel(`${a}:${b}`)}: active version and draft`,
      ['Score', 'Active', 'Draft'],
      rows.map(([label, pick]) => [label, score(before, pick), score(after, pick)]),
      'alignment-table',
    ),
    draftCapacity
      ? h(
          'p',
          { id: 'alignment-capacity' },
          `The draft against capacity (${draftCapacity.a.measure}): ${loads(a, draftCapacity.a)}; ${loads(b, draftCapacity.b)}.`,
        )
      : null,
    h(
      'p',
      { id: 'fragments-summary' },
      `${formatCount(fragments.length)} misaligned fragment${fragments.length === 1 ? '' : 's'} (${formatCount(fragmentPostcodes)} postcodes), shaded orange on the map.`,
    ),
    shown && shown.fixes.length > 0
      ? [
          h('h3', {}, 'Suggested fixes'),
          h(
            'ol',
            { class: 'problem-list', id: 'fixes' },
            ...shown.fixes.slice(0, 8).map((fix) => fixItem(map, fix)),
          ),
        ]
      : h('p', {}, 'No fixes to suggest.'),
  );
}

function loads(layer: string, l: LayerLoads): string {
  return `${LAYER_LABELS[layer] ?? layer} ${formatCount(l.over)} over, ${formatCount(l.under)} under`;
}

function fixItem(map: MapInstance | null, fix: AlignmentFix): HTMLElement {
  const geometry = fixGeometry(fix);
  return h(
    'li',
    {},
    fix.summary,
    ` (coterminosity ${formatChange(Math.round(fix.gain * 1000) / 10)} points)`,
    geometry.features.length > 0 ? [' ', showButton(map, `fix ${fix.rank}`, geometry)] : null,
  );
}
