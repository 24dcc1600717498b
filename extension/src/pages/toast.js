// A toast: a short message at the bottom of the page with an optional action (Undo),
// gone after `timeoutMs`. Announced politely to screen readers (role=status).

import { h, t } from './common.js';

/**
 * Shows a toast; resolves... nothing: returns {close()}. `onAction` runs when the action
 * button is clicked (the toast closes first); `onTimeout` when it expires unanswered.
 */
export function showToast({ text, actionLabel = null, onAction = null, onTimeout = null, timeoutMs = 8000 }) {
  let region = document.getElementById('toasts');
  if (!region) {
    region = h('div', { id: 'toasts', class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(region);
  }
  let done = false;
  const close = () => {
    if (done) return false;
    done = true;
    clearTimeout(timer);
    toast.remove();
    return true;
  };
  const toast = h('div', { class: 'toast' },
    h('span', { class: 'toast-text' }, text),
    actionLabel ? h('button', { type: 'button', class: 'toast-action', onclick: () => { if (close()) onAction?.(); } }, actionLabel) : null,
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('toastDismiss'), title: t('toastDismiss'),
      onclick: () => { if (close()) onTimeout?.(); } }, '×'));
  const timer = setTimeout(() => { if (close()) onTimeout?.(); }, timeoutMs);
  region.append(toast);
  return { close, element: toast };
}
