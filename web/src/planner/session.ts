// Signing in with the admin token (kept in sessionStorage: this tab only) and signing out.
import { ApiError } from '../lib/api.js';
import { byId, h, hidden, replace } from '../lib/dom.js';
import { messageOf, type PlannerContext, say, TOKEN_KEY } from './context.js';

export async function signIn(ctx: PlannerContext, candidate: string, interactive: boolean): Promise<void> {
  const { api, state } = ctx;
  const field = byId('token-field');
  const error = byId('token-error');
  const input = byId<HTMLInputElement>('token');
  const fail = (message: string) => {
    field.classList.add('field--error');
    replace(error, hidden('Error: '), message);
    error.hidden = false;
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', 'token-hint token-error');
    say(`Error: ${message}`);
    if (interactive) input.focus();
  };
  if (!candidate) {
    fail('Enter the admin token.');
    return;
  }
  state.token = candidate;
  try {
    await api.json(`/v1/admin/areas/${encodeURIComponent(state.area)}/versions`);
  } catch (e) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    if (!interactive) return;
    if (e instanceof ApiError && e.status === 401) fail('That token is not valid. Check it and try again.');
    else if (
      e instanceof ApiError &&
      e.status === 404 &&
      e.code === 'not-found' &&
      /No endpoint/.test(e.message)
    )
      fail('The admin API is off on this server: start it with CATCHMENTS_ADMIN_TOKEN set.');
    else fail(messageOf(e));
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, candidate);
  field.classList.remove('field--error');
  error.hidden = true;
  input.removeAttribute('aria-invalid');
  input.value = '';
  byId('signin-card').hidden = true;
  for (const id of ['draft-card', 'history-card']) byId(id).hidden = false;
  const signOut = h(
    'button',
    { class: 'button button--secondary button--small', type: 'button', id: 'sign-out' },
    'Sign out',
  );
  signOut.addEventListener('click', () => {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  replace(byId('session'), `Signed in${state.author ? ` as ${state.author}` : ''} `, signOut);
  say('Signed in.');
  // The sign-in form is gone: move focus to what comes next rather than leave it nowhere.
  if (interactive) byId('draft-title').focus();
  await ctx.reload.admin();
}
