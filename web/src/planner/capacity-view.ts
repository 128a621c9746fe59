// Caseload against capacity in "What the draft changes": one table per layer with capacities (hubs,
// HV patches, CoC teams), caseload before and after in the planner's measure (e.g. births) with its
// share of capacity and an OVER / UNDER tag (words, not colour alone), then what became of the
// weights file's rows (matched, and every unmatched row counted by reason). docs/impact.md, "Weights
// and capacity"; the figures are the service's (lib/planning.ts picks them).
import { h } from '../lib/dom.js';
import { formatCount, formatPercent } from '../lib/format.js';
import type { RedrawImpact } from '../lib/impact.js';
import {
  formatWeight,
  type LayerCapacityView,
  type LoadCell,
  readCapacity,
  readWeights,
} from '../lib/planning.js';
import { plural, table } from './widgets.js';

const FLAG_TEXT = { over: 'Over', under: 'Under' } as const;

const REASONS: Readonly<Record<string, string>> = {
  malformed: 'neither a postcode nor a code',
  unknown: 'not in the area’s postcode directory',
  terminated: 'terminated postcode',
  'no-location': 'postcode without a location',
};

/** The capacity tables and the weights summary of an impact answer (nothing without either file); `labels` name the layers. */
export function capacitySection(
  report: RedrawImpact,
  labels: Readonly<Record<string, string>>,
): HTMLElement[] {
  const out: HTMLElement[] = [];
  for (const layer of readCapacity(report))
    out.push(...layerTable(layer, labels[layer.layer] ?? layer.layer));
  if (report.capacity && report.capacity.unknown.length > 0) {
    out.push(
      h(
        'p',
        { class: 'meta', id: 'capacity-unknown' },
        `${plural(report.capacity.unknown.length, 'capacity row')} name no hub, patch or team of this area and were not used: ${report.capacity.unknown
          .slice(0, 10)
          .map((e) => e.unit)
          .join(', ')}${report.capacity.unknown.length > 10 ? '…' : ''}.`,
      ),
    );
  }
  if (report.weights) out.push(weightsSummary(report.weights));
  return out;
}

function layerTable(view: LayerCapacityView, label: string): HTMLElement[] {
  const id = `capacity-${view.layer}`;
  const counts = (side: 'before' | 'after') =>
    `${formatCount(view.over[side])} over, ${formatCount(view.under[side])} under`;
  return [
    h('h3', {}, `Caseload against capacity: ${label} (${view.measure})`),
    h(
      'p',
      { id: `${id}-summary` },
      `Before: ${counts('before')}. After: ${counts('after')}. Over is above 100% of capacity, under below ${formatPercent(view.underShare, 0)}.`,
    ),
    view.rows.length > 0
      ? table(
          `${label}: ${view.measure} against capacity, before and after`,
          ['Unit', 'Capacity', 'Before', 'After'],
          view.rows.map((r) => [
            r.state === 'kept' ? r.name : `${r.name} (${r.state})`,
            h('span', { 'data-num': 'true' }, formatWeight(r.capacity)),
            loadCell(r.before),
            loadCell(r.after),
          ]),
          `${id}-table`,
        )
      : h('p', {}, `No ${label} is over or under capacity, and none changes.`),
    view.quiet > 0 || view.withoutCapacity > 0
      ? h(
          'p',
          { class: 'meta' },
          [
            view.quiet > 0 ? `${formatCount(view.quiet)} more within capacity and unchanged` : '',
            view.withoutCapacity > 0
              ? `${formatCount(view.withoutCapacity)} without a capacity (not flagged)`
              : '',
          ]
            .filter((s) => s !== '')
            .join('; ') + '.',
        )
      : null,
  ].filter((e): e is HTMLElement => e !== null);
}

function loadCell(load: LoadCell | null): HTMLElement {
  if (load === null) return h('span', {}, '–');
  return h(
    'span',
    { 'data-num': 'true' },
    `${formatWeight(load.caseload)} (${formatPercent(load.share)})`,
    load.flag === 'within'
      ? null
      : [
          ' ',
          h(
            'strong',
            { class: `tag ${load.flag === 'over' ? 'tag--error' : 'tag--warning'}` },
            FLAG_TEXT[load.flag],
          ),
        ],
  );
}

function weightsSummary(report: NonNullable<RedrawImpact['weights']>): HTMLElement {
  const w = readWeights(report);
  return h(
    'div',
    { id: 'weights-summary' },
    h('h3', {}, `The weights file (${w.column})`),
    h(
      'p',
      { id: 'weights-matched' },
      `${formatWeight(w.matched.weight)} of ${formatWeight(w.total)} ${w.column} (${plural(w.matched.rows, 'row')} of ${formatCount(w.rows)}) placed on ${plural(w.matched.postcodes, 'postcode')}.`,
    ),
    w.unmatched.rows > 0
      ? [
          h(
            'p',
            { id: 'weights-unmatched' },
            `${plural(w.unmatched.rows, 'row')} (${formatWeight(w.unmatched.weight)} ${w.column}) could not be placed: ${w.reasons
              .map(([reason, rows]) => `${formatCount(rows)} ${REASONS[reason] ?? reason}`)
              .join('; ')}.`,
          ),
          table(
            'Rows that could not be placed (heaviest first)',
            ['Key', 'Row', w.column, 'Why'],
            w.listed
              .slice(0, 20)
              .map((u) => [
                u.code,
                h('span', { 'data-num': 'true' }, formatCount(u.row)),
                h('span', { 'data-num': 'true' }, formatWeight(u.weight)),
                REASONS[u.reason] ?? u.reason,
              ]),
            'weights-unmatched-table',
          ),
        ]
      : h('p', { id: 'weights-unmatched' }, 'Every row was placed.'),
  );
}
