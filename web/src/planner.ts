// The planner's map: the active version's layers with toggles and a legend; upload a draft layer
// (GeoJSON or a zipped Shapefile), see its validation problems where they are, what it changes
// (postcodes that move, caseload per hub, alignment before and after, suggested fixes); publish and
// roll back after a confirmation naming the version and the counts. docs/web.md#planner describes
// the workflow. This file wires the parts in planner/ together; their state is passed explicitly
// (planner/context.ts), not held in modules.
import { Api, loadConfig } from './lib/api.js';
import { byId, h, replace } from './lib/dom.js';
import { loadActive } from './planner/active.js';
import { loadAlignment } from './planner/alignment-panel.js';
import {
  type AreaSummary,
  AUTHOR_KEY,
  initialState,
  messageOf,
  type PlannerContext,
  say,
} from './planner/context.js';
import { clearDraftViews, discardDraft, loadDraft } from './planner/draft.js';
import { createPlannerMap, LayerControls } from './planner/layers.js';
import { wirePlanningForm } from './planner/planning-form.js';
import { loadHistory, publish } from './planner/publish.js';
import { signIn } from './planner/session.js';
import { upload } from './planner/upload.js';

async function start(): Promise<void> {
  const config = await loadConfig();
  const state = initialState();
  const api = new Api(config.apiBase, () => state.token, 'no-cache');
  const layers = new LayerControls();
  layers.render();
  byId<HTMLInputElement>('author').value = state.author;
  const mapReady = createPlannerMap(config, state);
  try {
    state.areas = (await api.json<{ areas: AreaSummary[] }>('/v1/areas')).data.areas;
  } catch (error) {
    say(`The areas could not be loaded: ${messageOf(error)}`);
  }
  const areaSelect = byId<HTMLSelectElement>('area');
  replace(areaSelect, ...state.areas.map((a) => h('option', { value: a.id }, a.name)));
  const wanted = new URLSearchParams(location.search).get('area');
  state.area = state.areas.find((a) => a.id === wanted)?.id ?? state.areas[0]?.id ?? '';
  areaSelect.value = state.area;
  const map = await mapReady;
  layers.attach(map);
  const ctx: PlannerContext = {
    config,
    api,
    map,
    layers,
    state,
    reload: {
      active: () => loadActive(ctx),
      admin: async () => {
        await Promise.all([loadDraft(ctx), loadHistory(ctx)]);
      },
    },
  };
  wireForms(ctx, areaSelect);
  await loadActive(ctx);
  if (state.token) await signIn(ctx, state.token, false);
  document.body.dataset.ready = 'true';
  performance.mark('fh:ready');
}

function wireForms(ctx: PlannerContext, areaSelect: HTMLSelectElement): void {
  const { state } = ctx;
  areaSelect.addEventListener('change', () => {
    state.area = areaSelect.value;
    const url = new URL(location.href);
    url.searchParams.set('area', state.area);
    window.history.replaceState(null, '', url);
    clearDraftViews(ctx);
    void loadActive(ctx).then(() => (state.token ? ctx.reload.admin() : undefined));
  });
  byId<HTMLFormElement>('signin-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.author = byId<HTMLInputElement>('author').value.trim();
    localStorage.setItem(AUTHOR_KEY, state.author);
    void signIn(ctx, byId<HTMLInputElement>('token').value.trim(), true);
  });
  // Sites are not a layer: the id, name and coordinate choices do not apply to them.
  const uploadLayer = byId<HTMLSelectElement>('upload-layer');
  uploadLayer.addEventListener('change', () => {
    for (const field of document.querySelectorAll<HTMLElement>('[data-layer-only]')) {
      field.hidden = uploadLayer.value === 'sites';
    }
  });
  byId<HTMLFormElement>('upload-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void upload(ctx);
  });
  byId('discard-draft').addEventListener('click', () => void discardDraft(ctx));
  byId<HTMLFormElement>('publish-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void publish(ctx);
  });
  byId<HTMLSelectElement>('alignment-pair').addEventListener('change', () => void loadAlignment(ctx));
  wirePlanningForm(ctx);
}

void start();
