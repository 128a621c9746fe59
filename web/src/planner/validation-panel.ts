// The draft's validation: publishable or not, errors and warnings, coverage of the outline,
// postcodes in gaps, and every problem listed and drawn where it is.
import type { Feature, Geometry } from 'geojson';
import type { ValidationView } from '../lib/admin-types.js';
import { byId, h, replace } from '../lib/dom.js';
import { formatArea, formatCount, formatPercent } from '../lib/format.js';
import { areaPath, messageOf, type PlannerContext } from './context.js';
import { plural, problemList } from './widgets.js';

export async function loadValidation(ctx: PlannerContext): Promise<void> {
  const { state, map, layers } = ctx;
  const box = byId('validation');
  try {
    state.validation = (await ctx.api.json<ValidationView>(`${areaPath(state)}/draft/validation`)).data;
  } catch (e) {
    state.validation = null;
    replace(box, h('p', { class: 'error-message' }, `The draft could not be checked: ${messageOf(e)}`));
    return;
  }
  const v = state.validation;
  const located = v.features.filter((f) => f.geometry !== null) as Feature<Geometry>[];
  layers.show('problems', 'problems', { type: 'FeatureCollection', features: located }, v.features.length);
  replace(
    box,
    h(
      'p',
      { id: 'validation-summary' },
      v.publishable
        ? h('span', { class: 'tag tag--ok' }, 'Can be published')
        : h('span', { class: 'tag tag--error' }, 'Cannot be published'),
      ` ${plural(v.errors, 'error')}, ${plural(v.warnings, 'warning')}.`,
    ),
    v.coverage
      ? h(
          'p',
          {},
          `Catchments cover ${formatPercent(v.coverage.coveredShare, 2)} of the area outline`,
          v.coverage.uncoveredAreaM2 > 0 ? ` (gaps: ${formatArea(v.coverage.uncoveredAreaM2)})` : '',
          v.coverage.overlapAreaM2 > 0 ? `; overlaps: ${formatArea(v.coverage.overlapAreaM2)}` : '',
          `. ${formatCount(v.postcodes.assigned)} postcodes assigned, ${formatCount(v.postcodes.inGaps)} in gaps.`,
        )
      : null,
    v.features.length > 0
      ? problemList(
          map,
          v.features.map((f) => ({ ...f.properties, geometry: f.geometry })),
        )
      : h('p', {}, 'No problems found.'),
  );
}
