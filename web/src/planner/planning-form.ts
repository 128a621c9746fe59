// "Caseload and capacity": the planner chooses a weights CSV (births, children, open cases per
// postcode or per OA/LSOA; what its rows are keyed by and which column holds the counts) and a
// capacity CSV (per hub, HV patch or CoC team). Applying them keeps them in the planner's state and
// re-asks the impact and alignment with them as the body of the analysis POST routes; nothing is
// stored by the service (docs/impact.md, "Weights and capacity"). The files are read here only to
// offer the header's columns; the service checks them and names any bad row.
import { byId, h, hidden, replace } from '../lib/dom.js';
import { csvHeader, guessColumn, guessKey, type PlanningBody } from '../lib/planning.js';
import { loadAlignment } from './alignment-panel.js';
import { type PlannerContext, say } from './context.js';
import { loadImpact } from './impact-panel.js';

/** The column chooser's first option: the service finds the key column by the key's name. */
const BY_KEY_NAME = '';

export function wirePlanningForm(ctx: PlannerContext): void {
  const weightsFile = byId<HTMLInputElement>('weights-file');
  weightsFile.addEventListener('change', () => void offerColumns(weightsFile.files?.[0] ?? null));
  byId<HTMLFormElement>('planning-form').addEventListener('submit', (event) => {
    event.preventDefault();
    void apply(ctx);
  });
  byId('planning-clear').addEventListener('click', () => void clear(ctx));
}

async function offerColumns(file: File | null): Promise<void> {
  const header = file ? csvHeader(await file.text()) : [];
  const key = guessKey(header);
  if (key) byId<HTMLSelectElement>('weights-key').value = key;
  const column = byId<HTMLSelectElement>('weights-column');
  replace(column, ...header.map((name) => h('option', { value: name }, name)));
  column.value = guessColumn(header, key) ?? header[0] ?? '';
  replace(
    byId<HTMLSelectElement>('weights-key-column'),
    h('option', { value: BY_KEY_NAME }, 'The column named like the key'),
    ...header.map((name) => h('option', { value: name }, name)),
  );
  column.disabled = header.length === 0;
  byId<HTMLSelectElement>('weights-key-column').disabled = header.length === 0;
}

async function apply(ctx: PlannerContext): Promise<void> {
  const error = byId('planning-error');
  error.hidden = true;
  const weights = byId<HTMLInputElement>('weights-file').files?.[0];
  const capacity = byId<HTMLInputElement>('capacity-file').files?.[0];
  if (!weights && !capacity) {
    replace(error, hidden('Error: '), 'Choose a weights file, a capacity file, or both.');
    error.hidden = false;
    byId('weights-file').focus();
    return;
  }
  const body: { -readonly [K in keyof PlanningBody]: PlanningBody[K] } = {};
  if (weights) {
    const column = byId<HTMLSelectElement>('weights-column').value;
    const keyColumn = byId<HTMLSelectElement>('weights-key-column').value;
    body.weights = {
      csv: await weights.text(),
      key: byId<HTMLSelectElement>('weights-key').value,
      column,
      ...(keyColumn !== BY_KEY_NAME ? { keyColumn } : {}),
    };
  }
  let underPercent: number | null = null;
  if (capacity) {
    // Checked here as the service checks it (a share in (0, 1]), so the error is said beside the field.
    const field = byId<HTMLInputElement>('under-share');
    const percent = Number(field.value);
    if (field.value.trim() === '' || !(percent > 0 && percent <= 100)) {
      replace(
        error,
        hidden('Error: '),
        `Under capacity below must be a percentage above 0 and at most 100, e.g. 80; got "${field.value}". Nothing was applied.`,
      );
      error.hidden = false;
      field.focus();
      return;
    }
    body.capacity = { csv: await capacity.text() };
    body.underShare = percent / 100;
    underPercent = percent;
  }
  ctx.state.planning = body;
  const what = [
    weights ? `${body.weights!.column} from ${weights.name}` : null,
    capacity ? `capacities from ${capacity.name} (under below ${underPercent}%)` : null,
  ].filter((s) => s !== null);
  await reanalyse(ctx);
  if (ctx.state.impactError !== null) {
    // The service refused the files (a suppressed count, a key listed twice…): say why here, where
    // they were chosen, and go back to live postcodes rather than leave every panel in error.
    replace(error, hidden('Error: '), `The files were not used: ${ctx.state.impactError}`);
    error.hidden = false;
    ctx.state.planning = null;
    await reanalyse(ctx);
    say('The files were not used: see the error under Caseload and capacity.');
    return;
  }
  byId('planning-status').textContent = `Applied: ${what.join(' and ')}.`;
  byId<HTMLButtonElement>('planning-clear').hidden = false;
  say(`The impact and alignment now use ${what.join(' and ')}.`);
}

async function clear(ctx: PlannerContext): Promise<void> {
  ctx.state.planning = null;
  byId<HTMLFormElement>('planning-form').reset();
  await offerColumns(null);
  byId('planning-status').textContent = 'Caseload is counted as live postcodes.';
  byId<HTMLButtonElement>('planning-clear').hidden = true;
  await reanalyse(ctx);
  say('The impact and alignment count live postcodes again.');
}

async function reanalyse(ctx: PlannerContext): Promise<void> {
  byId('impact').replaceChildren(h('p', {}, 'Working out what changes…'));
  await Promise.all([loadImpact(ctx), loadAlignment(ctx)]);
}
