// Shared by the popup, viewer, manager and new-tag pages: messages to the background,
// i18n of the static markup, errors in words, and the editable tag list.

import { describeError } from '../shared/messages.js';
import { parseTags, snippetParts, splitLastTag } from '../shared/format.js';

export const api = globalThis.browser ?? globalThis.chrome;

export function t(key, subs) {
  return api.i18n.getMessage(key, subs) || key;
}

export class PageError extends Error {
  constructor(error) {
    super(error?.message ?? 'error');
    this.code = error?.code ?? 'internal_error';
    this.error = error;
  }
}

/** Sends {cmd, args} to the background; resolves with the result or throws a PageError. */
export async function send(cmd, args) {
  let reply;
  try {
    reply = await api.runtime.sendMessage({ cmd, args });
  } catch (e) {
    throw new PageError({ code: 'internal_error', message: e.message });
  }
  if (!reply) throw new PageError({ code: 'internal_error', message: 'no answer from the background' });
  if (!reply.ok) throw new PageError(reply.error);
  return reply.result;
}

/** A host command through the background. */
export function hostCall(cmd, args) {
  return send('host', args === undefined ? { cmd } : { cmd, args });
}

/** The words for an error, in the browser's language. */
export function errorText(e) {
  return describeError(e?.error ?? { code: e?.code, message: e?.message }, t);
}

/** Is this an error about the host itself (missing, forbidden, crashed)? */
export function isHostProblem(e) {
  return /^host_/.test(e?.code ?? '');
}

/** Fills [data-i18n] text, [data-i18n-placeholder], [data-i18n-title] and [data-i18n-aria-label]; sets lang/dir. */
export function localize(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-placeholder]')) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll('[data-i18n-aria-label]')) el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel));
  document.documentElement.lang = api.i18n.getUILanguage();
  document.documentElement.dir = t('@@bidi_dir') === '@@bidi_dir' ? 'ltr' : t('@@bidi_dir');
}

/** document.createElement with properties, attributes and children in one call. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/**
 * Tag completion for a comma-separated tag field: fills `datalist` with the known tags,
 * each prefixed by what is typed before the last comma, so the browser's own list
 * completes the tag being typed. Call on input; `tags` are names, most used first.
 */
export function completeTags(input, datalist, tags) {
  const { prefix, partial } = splitLastTag(input.value);
  const typed = new Set(parseTags(prefix).map((x) => x.toLowerCase()));
  const options = tags.filter((name) => !typed.has(name.toLowerCase()) &&
    (!partial || name.toLowerCase().includes(partial.toLowerCase()))).slice(0, 50);
  datalist.replaceChildren(...options.map((name) => h('option', { value: prefix + name })));
}

/**
 * An editable list of a link's tags: chips with a remove button and an input that adds
 * (Enter, comma-separated). `onChanged(link)` gets the updated link from the host.
 * `completion` ({datalist, tags()}) offers the existing tags while typing.
 */
export function tagEditor(link, onChanged, onError, completion = null) {
  const box = h('div', { class: 'tag-editor' });
  const render = (current) => {
    box.replaceChildren(
      ...current.tags.map((tag) => h('span', { class: 'chip' }, tag,
        h('button', {
          class: 'chip-x', type: 'button', title: t('tagsRemove', [tag]), 'aria-label': t('tagsRemove', [tag]),
          onclick: async () => {
            try { const r = await hostCall('untag', { id: current.id, tags: [tag] }); render(r.link); onChanged?.(r.link); } catch (e) { onError?.(e); }
          },
        }, '×'))),
      h('input', {
        class: 'tag-input', type: 'text', placeholder: t('tagsPlaceholder'), 'aria-label': t('tagsPlaceholder'),
        list: completion?.datalist.id,
        oninput: (ev) => { if (completion) completeTags(ev.target, completion.datalist, completion.tags()); },
        onfocus: (ev) => { if (completion) completeTags(ev.target, completion.datalist, completion.tags()); },
        onkeydown: async (ev) => {
          if (ev.key !== 'Enter' || ev.isComposing) return;
          const tags = parseTags(ev.target.value);
          if (!tags.length) return;
          try {
            const r = await hostCall('tag', { id: current.id, tags });
            render(r.link);
            onChanged?.(r.link);
            box.querySelector('.tag-input')?.focus();
          } catch (e) { onError?.(e); }
        },
      }),
    );
  };
  render(link);
  return box;
}

export const INSTALL_COMMAND = 'bash installer/install.sh';

/**
 * The one screen for "LinkSnap cannot reach its host", shared by the popup and the
 * manager: what is wrong in words, the install command with a Copy button, and Try again.
 * Fills `section` (hidden until now) from the error.
 */
export function renderHostProblem(section, e) {
  const missing = e?.code === 'host_missing';
  const copyButton = h('button', { type: 'button', id: 'host-problem-copy' }, t('hostCopy'));
  copyButton.addEventListener('click', async () => {
    try { await navigator.clipboard.writeText(INSTALL_COMMAND); copyButton.textContent = t('hostCopied'); } catch { /* select it by hand */ }
  });
  section.replaceChildren(
    h('h2', { id: 'host-problem-title' }, missing ? t('hostMissingTitle') : t('hostProblemTitle')),
    h('p', { id: 'host-problem-text' }, missing ? t('hostMissingIntro') : errorText(e)),
    h('div', { class: 'command' }, h('code', { id: 'host-problem-fix' }, INSTALL_COMMAND), copyButton),
    h('p', { class: 'muted small' }, t('hostMissingThen')),
    h('button', { type: 'button', class: 'primary', onclick: () => location.reload() }, t('hostTryAgain')));
  section.hidden = false;
}

/**
 * URL of the viewer for a link (and optionally one of its snapshots); with `query` (a search
 * hit) the viewer scrolls to the first match and marks them all.
 */
export function viewerUrl(linkId, snapshotId, query) {
  const q = new URLSearchParams({ id: String(linkId) });
  if (snapshotId) q.set('snapshot', String(snapshotId));
  if (query) q.set('q', query);
  return api.runtime.getURL(`src/pages/viewer.html?${q}`);
}

/** A search snippet as elements: text nodes and <mark> for the matches. */
export function snippetElement(snippet, className = 'snippet') {
  return h('div', { class: className },
    ...snippetParts(snippet).map((r) => (r.mark ? h('mark', {}, r.text) : document.createTextNode(r.text))));
}
