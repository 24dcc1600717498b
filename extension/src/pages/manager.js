// The manager (a full tab): every link, a tag tree to filter by (with rename, merge and
// delete on each tag), search, multi-select to tag/untag/delete, and title editing
// (double-click a title).

import { api, errorText, h, hostCall, isHostProblem, localize, renderHostProblem, snippetElement, t, viewerUrl } from './common.js';
import { SETTINGS_DEFAULTS, withDefaults } from '../shared/settings.js';
import { buildTagTree, debounce, formatLocalTime, parseTags } from '../shared/format.js';
import { displayUrl } from '../shared/url.js';

const $ = (id) => document.getElementById(id);
const state = { tag: null, query: '', links: [], selected: new Set(), seq: 0 };

function report(e) {
  if (isHostProblem(e) && e.code !== 'host_timeout') {
    // No host, no links: one screen that says how to install it, not an empty table.
    renderHostProblem($('host-problem'), e);
    document.querySelector('.layout').hidden = true;
    $('search').hidden = true;
    return;
  }
  $('message').hidden = !e;
  $('message').textContent = e ? errorText(e) : '';
}

// --- Tag tree -------------------------------------------------------------------------
async function loadTags() {
  let tags;
  try { tags = (await hostCall('tags')).tags ?? []; } catch (e) { report(e); return; }
  const tree = buildTagTree(tags);
  const allNode = h('div', { class: `node${state.tag === null ? ' selected' : ''}` },
    h('button', { type: 'button', class: 'name', onclick: () => selectTag(null) }, t('managerAllLinks')));
  $('tag-tree').replaceChildren(allNode, h('ul', {}, ...tree.map(treeItem)));
}

function treeItem(node) {
  return h('li', {},
    h('div', { class: `node${state.tag === node.path ? ' selected' : ''}`, dataset: { tag: node.path } },
      h('button', { type: 'button', class: 'name', title: node.path, onclick: () => selectTag(node.path) }, node.name),
      h('span', { class: 'count' }, String(node.links_below)),
      h('button', { type: 'button', class: 'act rename', title: t('managerTagRename'), 'aria-label': t('managerTagRename'), onclick: () => renameTag(node.path) }, '✎'),
      h('button', { type: 'button', class: 'act merge', title: t('managerTagMerge'), 'aria-label': t('managerTagMerge'), onclick: () => mergeTag(node.path) }, '⇢'),
      h('button', { type: 'button', class: 'act delete', title: t('managerTagDelete'), 'aria-label': t('managerTagDelete'), onclick: () => deleteTag(node.path) }, '×')),
    node.children.length ? h('ul', {}, ...node.children.map(treeItem)) : null);
}

function selectTag(path) {
  state.tag = path;
  loadTags();
  loadLinks();
}

async function tagAction(fn) {
  try { await fn(); report(null); } catch (e) { report(e); }
  await Promise.all([loadTags(), loadLinks()]);
}

function renameTag(path) {
  const to = prompt(t('managerPromptRename', [path]), path)?.trim();
  if (!to || to === path) return;
  tagAction(async () => {
    await hostCall('tags.rename', { from: path, to });
    if (state.tag === path) state.tag = to;
  });
}

function mergeTag(path) {
  const into = prompt(t('managerPromptMerge', [path]))?.trim();
  if (!into) return;
  tagAction(async () => {
    await hostCall('tags.merge', { from: path, into });
    if (state.tag === path) state.tag = into;
  });
}

function deleteTag(path) {
  if (!confirm(t('managerConfirmTagDelete', [path]))) return;
  tagAction(async () => {
    await hostCall('tags.delete', { name: path });
    if (state.tag === path) state.tag = null;
  });
}

// --- Links ----------------------------------------------------------------------------
async function loadLinks() {
  const seq = ++state.seq;
  const tags = state.tag ? [state.tag] : undefined;
  let links;
  try {
    links = state.query
      ? (await hostCall('search', { query: state.query, tags, limit: 1000 })).results
      : (await hostCall('list', { tags, limit: 10000 })).links;
  } catch (e) { if (seq === state.seq) report(e); return; }
  if (seq !== state.seq) return;
  state.links = links ?? [];
  const ids = new Set(state.links.map((l) => l.id));
  for (const id of state.selected) if (!ids.has(id)) state.selected.delete(id);
  render();
}

function render() {
  $('rows').replaceChildren(...state.links.map(row));
  updateSelection();
}

function row(link) {
  const snippet = link.snippet ? snippetElement(link.snippet) : null;
  const title = h('div', { class: 'title', title: t('managerEditTitle'), ondblclick: () => editTitle(link, title) },
    h('a', { href: viewerUrl(link.id), target: '_blank' }, link.title || displayUrl(link.url)));
  return h('tr', { class: state.selected.has(link.id) ? 'selected' : '', dataset: { id: String(link.id) } },
    h('td', {}, h('input', {
      type: 'checkbox', checked: state.selected.has(link.id), 'aria-label': link.title || link.url,
      onchange: (ev) => {
        if (ev.target.checked) state.selected.add(link.id); else state.selected.delete(link.id);
        ev.target.closest('tr').classList.toggle('selected', ev.target.checked);
        updateSelection();
      },
    })),
    h('td', {}, title,
      h('div', { class: 'url' }, h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer' }, displayUrl(link.url))),
      snippet),
    h('td', { class: 'tags' }, h('div', { class: 'chips' }, ...(link.tags ?? []).map((tag) => h('span', { class: 'chip' }, tag)))),
    h('td', { class: 'small' }, h('time', { datetime: link.last_captured_at ?? '' }, formatLocalTime(link.last_captured_at ?? link.updated_at))),
    h('td', { class: 'small' }, String(link.snapshot_count ?? '')));
}

function editTitle(link, cell) {
  const input = h('input', { type: 'text', value: link.title ?? '' });
  const done = async (save) => {
    if (save && input.value.trim() && input.value !== link.title) {
      try { await hostCall('update', { id: link.id, title: input.value.trim() }); report(null); } catch (e) { report(e); }
      await loadLinks();
    } else render();
  };
  input.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') done(true);
    else if (ev.key === 'Escape') done(false);
  });
  input.addEventListener('blur', () => done(true), { once: true });
  cell.replaceChildren(input);
  input.focus();
  input.select();
}

function updateSelection() {
  const n = state.selected.size;
  $('count').textContent = n ? t('managerSelected', [String(n)]) : t('managerCount', [String(state.links.length)]);
  $('select-all').checked = n > 0 && n === state.links.length;
  $('select-all').indeterminate = n > 0 && n < state.links.length;
  for (const id of ['bulk-tag', 'bulk-untag', 'bulk-delete']) $(id).disabled = n === 0;
}

// Runs cmd once per args in `calls`, one at a time (in parallel they would only contend
// for the database). untag is sent per tag: the host refuses a whole untag when the link
// lacks one of the tags, and "remove X from these links" means "where they have it".
async function bulk(cmd, calls) {
  const errors = [];
  for (const args of calls) {
    try { await hostCall(cmd, args); } catch (e) { if (e.code !== 'not_found' || cmd !== 'untag') errors.push(e); }
  }
  report(errors[0] ?? null);
  if (cmd === 'rm') state.selected.clear();
  await Promise.all([loadTags(), loadLinks()]);
}

// --- Settings (storage.local; the background applies the toolbar one when it changes) --
async function loadSettings() {
  const settings = withDefaults(await api.storage.local.get(Object.keys(SETTINGS_DEFAULTS)));
  for (const box of document.querySelectorAll('input[data-setting]')) {
    box.checked = settings[box.dataset.setting];
    box.addEventListener('change', () => api.storage.local.set({ [box.dataset.setting]: box.checked }));
  }
}

function main() {
  localize();
  loadSettings();
  $('search').addEventListener('input', debounce((ev) => { state.query = ev.target.value.trim(); loadLinks(); }, 200));
  $('select-all').addEventListener('change', (ev) => {
    state.selected = ev.target.checked ? new Set(state.links.map((l) => l.id)) : new Set();
    render();
  });
  $('bulk-tag').addEventListener('click', () => {
    const tags = parseTags(prompt(t('managerPromptTags')) ?? '');
    if (tags.length) bulk('tag', [...state.selected].map((id) => ({ id, tags })));
  });
  $('bulk-untag').addEventListener('click', () => {
    const tags = parseTags(prompt(t('managerPromptUntag')) ?? '');
    if (tags.length) bulk('untag', [...state.selected].flatMap((id) => tags.map((tag) => ({ id, tags: [tag] }))));
  });
  $('bulk-delete').addEventListener('click', () => {
    if (confirm(t('managerConfirmDelete', [String(state.selected.size)]))) bulk('rm', [...state.selected].map((id) => ({ id })));
  });
  Promise.all([loadTags(), loadLinks()]).then(() => { document.body.dataset.ready = 'true'; });
}

main();
