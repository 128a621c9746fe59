// "What the draft changes": the postcodes that change hub (drawn), the from → to table, caseload
// per hub before and after, the balance, HV patch and CoC team changes, and alignment scores.
import { byId, h, replace } from '../lib/dom.js';
import { formatCount, formatPercent } from '../lib/format.js';
import { pointsCollection } from '../lib/geo.js';
import { type RedrawImpact, readImpact } from '../lib/impact.js';
import { capacitySection } from './capacity-view.js';
import { ANALYSIS, messageOf, nameOf, type PlannerContext } from './context.js';
import { change, num, showButton, table } from './widgets.js';

export const LAYER_LABELS: Record<string, string> = {
  catchments: 'hub catchments',
  'hv-patches': 'HV patches',
  'coc-teams': 'CoC teams',
};

export function pairLabel(pair: string): string {
  const [a, b] = pair.split(/[:,]/);
  return a && b ? `${LAYER_LABELS[a] ?? a} and ${LAYER_LABELS[b] ?? b}` : pair;
}

export async function loadImpact(ctx: PlannerContext): Promise<void> {
  const { state, map, layers } = ctx;
  const box = byId('impact');
  let data: RedrawImpact;
  try {
    const path = ANALYSIS.impact(encodeURIComponent(state.area));
    // With the planner's weights and capacities, the same route as a POST with them as the body.
    const answer = await ctx.api.json<RedrawImpact>(
      path,
      state.planning ? { method: 'POST', body: state.planning } : {},
    );
    data = answer.data;
    state.impact = readImpact(data);
    state.impactError = null;
  } catch (e) {
    state.impact = null;
    state.impactError = messageOf(e);
    replace(
      box,
      h(
        'p',
        { class: 'error-message' },
        `What the draft changes could not be worked out: ${state.impactError}`,
      ),
    );
    return;
  }
  const report = state.impact;
  const movedPoints = pointsCollection(report.moved, (m) => [m.lng, m.lat]);
  if (map) layers.show('moved', 'moved', movedPoints, report.moved.length);
  const name = (id: string | null) => nameOf(state, id);
  const changed = report.caseload.filter((c) => c.before !== c.after);
  replace(
    box,
    h('p', { class: 'figure', id: 'moved-count' }, formatCount(report.movedCount)),
    h(
      'p',
      {},
      `postcode${report.movedCount === 1 ? '' : 's'} change hub${report.truncated ? ` (the map shows ${formatCount(report.moved.length)})` : ''}.`,
    ),
    report.moved.length > 0 ? showButton(map, 'the postcodes that change hub', movedPoints) : null,
    report.flows.length > 0
      ? table(
          'Postcodes moving between hubs',
          ['From', 'To', 'Postcodes'],
          report.flows.slice(0, 20).map((f) => [name(f.from), name(f.to), num(f.postcodes)]),
          'flows-table',
        )
      : null,
    report.caseload.length > 0
      ? [
          table(
            'Caseload per hub (postcodes served)',
            ['Hub', 'Before', 'After', 'Change'],
            (changed.length > 0 ? changed : report.caseload).map((c) => [
              c.name,
              num(c.before),
              num(c.after),
              change(c.after - c.before),
            ]),
            'caseload-table',
          ),
          changed.length > 0 && changed.length < report.caseload.length
            ? h(
                'p',
                { class: 'meta' },
                `The other ${formatCount(report.caseload.length - changed.length)} hubs do not change.`,
              )
            : null,
          report.balance.before && report.balance.after
            ? h(
                'p',
                { id: 'balance' },
                `Balance (largest ÷ smallest hub): ${ratio(report.balance.before)} before, ${ratio(report.balance.after)} after.`,
              )
            : null,
        ]
      : null,
    report.units.map((u) =>
      h(
        'p',
        {},
        `${u.layer === 'hv-patches' ? 'HV patch' : 'CoC team'} changes: ${formatCount(u.postcodes)} postcode${u.postcodes === 1 ? '' : 's'}.`,
      ),
    ),
    report.alignment.length > 0
      ? table(
          'Alignment (coterminosity)',
          ['Layers', 'Before', 'After'],
          [
            ...report.alignment.map((a) => [
              pairLabel(a.pair),
              formatPercent(a.before),
              formatPercent(a.after),
            ]),
            ...(report.agreement
              ? [
                  [
                    'All three agree',
                    formatPercent(report.agreement.before),
                    formatPercent(report.agreement.after),
                  ],
                ]
              : []),
          ],
          'impact-alignment-table',
        )
      : null,
    capacitySection(data, LAYER_LABELS),
  );
}

function ratio(b: { ratio: number | null; max: number; min: number }): string {
  return b.ratio === null
    ? `${formatCount(b.max)} ÷ 0`
    : `${b.ratio.toFixed(2)} (${formatCount(b.max)} ÷ ${formatCount(b.min)})`;
}
