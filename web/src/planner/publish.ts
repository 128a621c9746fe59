// Publishing the draft and rolling back, each after a confirmation naming the version, what it
// replaces or undoes and what it holds; and the version history with "Make active".
import type { DraftMeta, HistoryView, VersionHeader } from '../lib/admin-types.js';
import { confirmAction } from '../lib/confirm.js';
import { byId, h, hidden, replace } from '../lib/dom.js';
import { formatCount, joinWords } from '../lib/format.js';
import { adminHeaders, areaName, areaPath, messageOf, type PlannerContext, say } from './context.js';
import { num, plural, table, when } from './widgets.js';

export function renderPublish({ state }: PlannerContext): void {
  const { draft, validation, history } = state;
  const button = byId<HTMLButtonElement>('publish-button');
  const ready = Boolean(draft && draft.publishedAs === null && validation?.publishable);
  button.disabled = !ready;
  button.setAttribute('aria-describedby', 'publish-why');
  const why = document.getElementById('publish-why') ?? h('p', { id: 'publish-why', class: 'hint' });
  why.textContent = ready
    ? `Publishing makes the draft version ${(history?.latest ?? 0) + 1} and serves it at once.`
    : 'Fix the validation errors before publishing.';
  byId('publish-form').prepend(why);
}

function countsText(c: {
  hubs: number;
  spokes: number;
  catchments: number;
  hvPatches: number;
  cocTeams: number;
  postcodes?: number;
}): string {
  return joinWords([
    `${formatCount(c.hubs)} hubs`,
    `${formatCount(c.spokes)} spokes`,
    `${formatCount(c.catchments)} catchments`,
    `${formatCount(c.hvPatches)} HV patches`,
    `${formatCount(c.cocTeams)} CoC teams`,
    ...(c.postcodes !== undefined ? [`${formatCount(c.postcodes)} postcodes`] : []),
  ]);
}

export async function publish(ctx: PlannerContext): Promise<void> {
  const { state } = ctx;
  const message = byId<HTMLTextAreaElement>('publish-message');
  const error = byId('publish-error');
  if (message.value.trim() === '') {
    replace(
      error,
      hidden('Error: '),
      'Say why you are publishing: the reason is kept in the version history.',
    );
    error.hidden = false;
    message.setAttribute('aria-invalid', 'true');
    message.setAttribute('aria-describedby', 'publish-error');
    message.focus();
    return;
  }
  error.hidden = true;
  message.removeAttribute('aria-invalid');
  const { draft, validation, impact, active } = state;
  if (!draft || !validation) return;
  const next = (state.history?.latest ?? 0) + 1;
  const layerCount = (name: keyof DraftMeta['layers']) => draft.layers[name]?.features ?? 0;
  const counts = {
    hubs: draft.sites?.hubs ?? 0,
    spokes: draft.sites?.spokes ?? 0,
    catchments: layerCount('catchments'),
    hvPatches: layerCount('hv-patches'),
    cocTeams: layerCount('coc-teams'),
  };
  const result = await confirmAction({
    title: `Publish version ${next} of ${areaName(state)}?`,
    body: [
      h(
        'p',
        { id: 'confirm-summary' },
        `Version ${next} replaces version ${active ?? '(none)'} for every lookup, at once. `,
        impact
          ? `${plural(impact.movedCount, 'postcode')} change hub.`
          : `What it changes could not be worked out (${state.impactError ?? 'no report'}).`,
      ),
      h('p', {}, `It holds ${countsText(counts)}. Reason: “${message.value.trim()}”.`),
      h('p', {}, 'You can roll back to the earlier version afterwards.'),
    ],
    confirmLabel: `Publish version ${next}`,
  });
  if (!result.confirmed) {
    say('Not published.');
    return;
  }
  say(`Publishing version ${next}…`);
  try {
    const { data } = await ctx.api.json<{ version: VersionHeader }>(`${areaPath(state)}/draft/publish`, {
      method: 'POST',
      body: { message: message.value.trim(), draftRevision: draft.revision },
      headers: {
        'If-Match': String(active ?? ''),
        ...(active === null ? { 'If-None-Match': '*' } : {}),
        ...adminHeaders(state),
      },
    });
    message.value = '';
    await ctx.reload.active();
    await ctx.reload.admin();
    say(
      `Published version ${data.version.version}: ${formatCount(data.version.hubChanges)} postcodes changed hub. It is being served now.`,
    );
  } catch (e) {
    say(`Not published: ${messageOf(e)}`);
  }
}

export async function loadHistory(ctx: PlannerContext): Promise<void> {
  const { state } = ctx;
  const box = byId('history');
  try {
    state.history = (await ctx.api.json<HistoryView>(`${areaPath(state)}/versions`)).data;
  } catch (e) {
    state.history = null;
    replace(box, h('p', { class: 'error-message' }, `The history could not be read: ${messageOf(e)}`));
    return;
  }
  const rows = state.history.versions.map((v) => {
    let cell: HTMLElement;
    if (v.active) cell = h('span', { class: 'tag tag--ok' }, 'Active');
    else {
      cell = h(
        'button',
        { class: 'button button--secondary button--small', type: 'button', id: `rollback-${v.version}` },
        `Make active`,
        hidden(` (roll back to version ${v.version})`),
      );
      cell.addEventListener('click', () => void rollback(ctx, v));
    }
    return [
      h('strong', {}, String(v.version)),
      h('span', {}, `${when(v.publishedAt)} by ${v.publishedBy}: “${v.message}”`),
      num(v.hubChanges),
      cell,
    ];
  });
  replace(
    box,
    table(
      'Published versions, newest first',
      ['Version', 'Published', 'Postcodes moved', ''],
      rows,
      'versions-table',
    ),
  );
  renderPublish(ctx);
}

async function rollback(ctx: PlannerContext, target: VersionHeader): Promise<void> {
  const { state } = ctx;
  const current = state.history?.versions.find((v) => v.active);
  const undoes = current && current.basedOn === target.version ? current.hubChanges : null;
  const result = await confirmAction({
    title: `Make version ${target.version} of ${areaName(state)} active again?`,
    body: [
      h(
        'p',
        { id: 'confirm-summary' },
        `Lookups will answer from version ${target.version} instead of version ${state.active ?? '(none)'}, at once. `,
        current && undoes !== null
          ? `This undoes version ${current.version}, which moved ${plural(undoes, 'postcode')} to another hub.`
          : '',
      ),
      h(
        'p',
        {},
        `Version ${target.version} (published ${when(target.publishedAt)} by ${target.publishedBy}: “${target.message}”) holds ${countsText(target.counts)}.`,
      ),
      h('p', {}, 'No version is deleted: you can make the current one active again later.'),
    ],
    confirmLabel: `Roll back to version ${target.version}`,
    danger: true,
    askMessage: { initial: '' },
  });
  if (!result.confirmed) {
    say('Nothing was rolled back.');
    return;
  }
  say(`Rolling back to version ${target.version}…`);
  try {
    const { data } = await ctx.api.json<{ event: { changedPostcodeCount: number } }>(
      `${areaPath(state)}/rollback`,
      {
        method: 'POST',
        body: { version: target.version, message: result.message },
        headers: { 'If-Match': String(state.active ?? ''), ...adminHeaders(state) },
      },
    );
    await ctx.reload.active();
    await ctx.reload.admin();
    say(
      `Version ${target.version} is active again: ${formatCount(data.event.changedPostcodeCount)} postcodes changed hub.`,
    );
  } catch (e) {
    say(`Not rolled back: ${messageOf(e)}`);
  }
}
