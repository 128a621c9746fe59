// The confirmation dialog for publish and rollback: a native modal <dialog> (focus is trapped and
// restored by the browser, Escape cancels), naming what will happen before anything does.
import { byId, replace } from './dom.js';

export interface ConfirmOptions {
  readonly title: string;
  readonly body: readonly (Node | string)[];
  readonly confirmLabel: string;
  readonly danger?: boolean;
  /** Ask for a reason (kept in the history); the dialog will not confirm without one. */
  readonly askMessage?: { readonly initial: string };
}

export interface ConfirmResult {
  readonly confirmed: boolean;
  readonly message: string;
}

export function confirmAction(options: ConfirmOptions): Promise<ConfirmResult> {
  const dialog = byId<HTMLDialogElement>('confirm');
  const yes = byId<HTMLButtonElement>('confirm-yes');
  const no = byId<HTMLButtonElement>('confirm-no');
  const messageField = byId('confirm-message-field');
  const message = byId<HTMLTextAreaElement>('confirm-message');
  const error = byId('confirm-error');
  byId('confirm-title').textContent = options.title;
  replace(byId('confirm-body'), ...options.body);
  yes.textContent = options.confirmLabel;
  yes.className = options.danger ? 'button button--warning' : 'button';
  messageField.hidden = !options.askMessage;
  message.value = options.askMessage?.initial ?? '';
  error.hidden = true;
  message.removeAttribute('aria-invalid');

  return new Promise((resolve) => {
    const onYes = (event: Event) => {
      if (options.askMessage && message.value.trim() === '') {
        event.preventDefault();
        error.textContent = 'Say why: the reason is kept in the version history.';
        error.hidden = false;
        message.setAttribute('aria-invalid', 'true');
        message.setAttribute('aria-describedby', 'confirm-error');
        message.focus();
      }
    };
    const onClose = () => {
      yes.removeEventListener('click', onYes);
      dialog.removeEventListener('close', onClose);
      resolve({ confirmed: dialog.returnValue === 'yes', message: message.value.trim() });
    };
    yes.addEventListener('click', onYes);
    dialog.addEventListener('close', onClose);
    dialog.returnValue = '';
    dialog.showModal();
    // Start on Cancel: confirming takes a deliberate move.
    (options.askMessage ? message : no).focus();
  });
}
