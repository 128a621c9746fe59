// The area's draft: its status line, discarding it, and checking it — validation, the changed
// features of the uploaded layer, the impact report and alignment, everything a planner judges a
// redraw by — before the publish panel is offered.
import type { FeatureCollection } from 'geojson';
import type { DraftMeta } from '../lib/admin-types.js';
import { ApiError } from '../lib/api.js';
import { confirmAction } from '../lib/confirm.js';
import { byId, h } from '../lib/dom.js';
import { formatCount, joinWords } from '../lib/format.js';
import { bboxOf, EMPTY_COLLECTION } from '../lib/geo.js';
import { fitBbox, setData } from '../lib/map.js';
import { loadAlignment } from './alignment-panel.js';
import { adminHeaders, areaPath, messageOf, nameOf, type PlannerContext, say } from './context.js';
import { loadImpact } from './impact-panel.js';
import { renderPublish } from './publish.js';
import { loadValidation } from './validation-panel.js';
import { plural, when } from './widgets.js';

const DRAFT_CARDS = ['validation-card', 'planning-card', 'impact-card', 'alignment-card', 'publish-card'];

export async function loadDraft(ctx: PlannerContext): Promise<void> {
  const { state } = ctx;
  try {
    state.draft = (await ctx.api.json<DraftMeta>(`${areaPath(state)}/draft`)).data;
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404))
      say(`The draft could not be read: ${messageOf(error)}`);
    state.draft = null;
  }
  renderDraftStatus(ctx);
  if (state.draft && state.draft.publishedAs === null) await analyseDraft(ctx);
  else clearDraftViews(ctx);
}

export function renderDraftStatus({ state }: PlannerContext): void {
  const { draft, active } = state;
  const text = byId('draft-status');
  const discard = byId('discard-draft');
  if (!draft || draft.publishedAs !== null) {
    text.textContent =
      draft?.publishedAs != null
        ? `The last draft was published as version ${draft.publishedAs}. Uploading a layer starts a new draft from the active version.`
        : `No draft. Uploading a layer starts one as a copy of the active version${active !== null ? ` (version ${active})` : ''}.`;
    discard.hidden = true;
    return;
  }
  const layers = Object.entries(draft.layers)
    .map(([name, info]) => `${name} (${formatCount(info?.features ?? 0)})`)
    .join(', ');
  const sites = draft.sites
    ? ` Sites: ${formatCount(draft.sites.hubs ?? 0)} hubs, ${formatCount(draft.sites.spokes ?? 0)} spokes.`
    : '';
  text.textContent = `Draft revision ${draft.revision}, based on version ${draft.baseVersion ?? 'none'}, last changed by ${draft.updatedBy} at ${when(draft.updatedAt)}. Layers: ${layers || 'none'}.${sites}`;
  discard.hidden = false;
}

export async function discardDraft(ctx: PlannerContext): Promise<void> {
  const result = await confirmAction({
    title: 'Discard the draft?',
    body: [h('p', {}, 'Its layers are deleted. The active version does not change.')],
    confirmLabel: 'Discard the draft',
    danger: true,
  });
  if (!result.confirmed) return;
  try {
    await ctx.api.json(`${areaPath(ctx.state)}/draft`, {
      method: 'DELETE',
      headers: adminHeaders(ctx.state),
    });
    say('The draft was discarded.');
  } catch (e) {
    say(`The draft could not be discarded: ${messageOf(e)}`);
  }
  await loadDraft(ctx);
}

export function clearDraftViews({ state, map, layers }: PlannerContext): void {
  byId('draft-changes').textContent = '';
  state.validation = null;
  state.impact = null;
  state.impactError = null;
  state.alignment = null;
  for (const id of DRAFT_CARDS) byId(id).hidden = true;
  if (map)
    for (const id of ['draft', 'problems', 'moved', 'fragments', 'focus']) setData(map, id, EMPTY_COLLECTION);
  for (const key of ['draft', 'problems', 'moved', 'fragments'] as const) layers.setCount(key, null);
  layers.refresh();
}

/** Validation, the draft layer, impact and alignment: everything a planner judges a redraw by. */
export async function analyseDraft(ctx: PlannerContext): Promise<void> {
  for (const id of DRAFT_CARDS) byId(id).hidden = false;
  byId('validation').replaceChildren(h('p', {}, 'Checking the draft…'));
  byId('impact').replaceChildren(h('p', {}, 'Working out what changes…'));
  await Promise.all([loadValidation(ctx), loadDraftLayer(ctx), loadImpact(ctx), loadAlignment(ctx)]);
  renderPublish(ctx);
  const { validation, impact } = ctx.state;
  say(
    validation
      ? `Draft checked: ${validation.publishable ? 'it can be published' : `${plural(validation.errors, 'error')} to fix before publishing`}${impact ? `; ${plural(impact.movedCount, 'postcode')} change hub` : ''}.`
      : 'The draft could not be checked.',
  );
}

async function loadDraftLayer(ctx: PlannerContext): Promise<void> {
  const { state, map, layers } = ctx;
  if (!map) return;
  const name = state.draftLayer;
  try {
    const layer = (
      await ctx.api.json<FeatureCollection>(`${areaPath(state)}/draft/layers/${encodeURIComponent(name)}`)
    ).data;
    const changed = changedFeatures(layer, state.activeLayers.get(name));
    layers.show('draft', 'draft', changed, changed.features.length);
    // Show the planner where the redraw is.
    if (changed.features.length > 0) fitBbox(map, bboxOf(changed), 13);
    const list = changed.features.map((f) => nameOf(state, f.properties?.id));
    byId('draft-changes').textContent =
      list.length === 0
        ? `The draft’s ${name} layer is the same as the active version’s.`
        : `Changed in the draft’s ${name} layer (dashed on the map): ${joinWords(list.slice(0, 10))}${list.length > 10 ? ` and ${list.length - 10} more` : ''}.`;
  } catch {
    layers.show('draft', 'draft', EMPTY_COLLECTION, null);
  }
}

/** Features of the draft layer that are new or whose geometry differs from the active version's. */
export function changedFeatures(
  draftLayer: FeatureCollection,
  activeLayer: FeatureCollection | undefined,
): FeatureCollection {
  const before = new Map(
    (activeLayer?.features ?? []).map((f) => [String(f.properties?.id), JSON.stringify(f.geometry)]),
  );
  return {
    type: 'FeatureCollection',
    features: draftLayer.features.filter(
      (f) => before.get(String(f.properties?.id)) !== JSON.stringify(f.geometry),
    ),
  };
}
