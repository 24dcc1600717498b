// In-page dialogs for the manager, instead of the browser's prompt()/confirm(), which
// block the tab and cannot complete tags. A modal <dialog> (showModal makes the rest of
// the page inert): labelled by its heading, Esc cancels, Tab wraps inside it, and a tag
// field completes from the existing tags through a <datalist>.

import { completeTags, h, t } from './common.js';

let nextId = 1;

/**
 * Opens a dialog and resolves with the field values ({name: value}) when confirmed, or
 * null when cancelled (Esc, Cancel). `fields`: [{name, label, value, kind: 'text' |
 * 'tags' | 'textarea', required}]; `tags` is the list of existing tag names for 'tags'
 * fields; `body` extra elements shown above the fields; `danger` styles the OK button.
 */
export function openDialog({ title, text = null, fields = [], okLabel, danger = false, tags = [], body = null, id = null }) {
  const n = nextId++;
  const form = h('form', { method: 'dialog' });
  const dialog = h('dialog', { class: 'ls-dialog', id: id ?? `dialog-${n}`, 'aria-labelledby': `dialog-title-${n}`,
    'aria-describedby': text ? `dialog-text-${n}` : null }, form);
  const inputs = fields.map((f, i) => {
    const inputId = `dialog-${n}-${f.name}`;
    let input;
    if (f.kind === 'textarea') {
      input = h('textarea', { id: inputId, name: f.name, rows: 3 });
      input.value = f.value ?? '';
    } else {
      input = h('input', { id: inputId, name: f.name, type: 'text', autocomplete: 'off', value: f.value ?? '',
        required: f.required ? true : null });
    }
    let list = null;
    if (f.kind === 'tags') {
      list = h('datalist', { id: `${inputId}-list` });
      input.setAttribute('list', list.id);
      const fill = () => completeTags(input, list, tags);
      input.addEventListener('input', fill);
      input.addEventListener('focus', fill);
    }
    return { f, input, row: h('div', { class: 'field' }, h('label', { for: inputId }, f.label), input, list,
      f.help ? h('div', { class: 'muted small' }, f.help) : null), first: i === 0 };
  });
  const cancel = h('button', { type: 'button', class: 'cancel', value: 'cancel' }, t('dialogCancel'));
  const ok = h('button', { type: 'submit', class: danger ? 'danger ok' : 'primary ok', value: 'ok' }, okLabel);
  form.append(
    h('h2', { id: `dialog-title-${n}` }, title),
    text ? h('p', { id: `dialog-text-${n}` }, text) : null,
    ...(body ? [body].flat() : []),
    ...inputs.map((x) => x.row),
    h('div', { class: 'buttons' }, cancel, ok),
  );
  document.body.append(dialog);

  return new Promise((resolve) => {
    let result = null;
    const finish = () => { dialog.remove(); resolve(result); };
    cancel.addEventListener('click', () => dialog.close());
    form.addEventListener('submit', (ev) => {
      const required = inputs.find((x) => x.f.required && !x.input.value.trim());
      if (required) { ev.preventDefault(); required.input.focus(); return; }
      result = Object.fromEntries(inputs.map((x) => [x.f.name, x.input.value]));
    });
    dialog.addEventListener('close', finish, { once: true });
    // Tab from the last control goes to the first and Shift+Tab back (showModal alone
    // lets focus leave to the browser's own toolbar).
    dialog.addEventListener('keydown', (ev) => {
      if (ev.key !== 'Tab') return;
      const focusable = [...dialog.querySelectorAll('input, textarea, button, select, [tabindex]:not([tabindex="-1"])')]
        .filter((el) => !el.disabled && el.offsetParent !== null);
      if (!focusable.length) return;
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (!ev.shiftKey && document.activeElement === last) { ev.preventDefault(); first.focus(); }
      else if (ev.shiftKey && document.activeElement === first) { ev.preventDefault(); last.focus(); }
    });
    dialog.showModal();
    const focus = inputs[0]?.input ?? (danger ? cancel : ok);
    focus.focus();
    if (inputs[0]?.input.select) inputs[0].input.select();
  });
}

/** A yes/no question: resolves true when confirmed. */
export async function confirmDialog({ title, text, okLabel, danger = true }) {
  return (await openDialog({ title, text, okLabel, danger })) !== null;
}
