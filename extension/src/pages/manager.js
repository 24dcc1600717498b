// The manager (a full tab, also the options page): every link in pages of 100 (a store
// may hold 100,000: the DOM holds one page), a tag tree to filter by (rename, merge and
// delete on each tag), search, a selection that can span every matching link, per-row
// actions, delete with undo, bookmark import. No browser dialogs: dialog.js and toast.js.

import { api, errorText, h, hostCall, isHostProblem, localize, renderHostProblem, send, snippetElement, t, viewerUrl } from './common.js';
import { openDialog, confirmDialog } from './dialog.js';
import { showToast } from './toast.js';
import { SETTINGS_DEFAULTS, withDefaults } from '../shared/settings.js';
import { buildTagTree, debounce, formatLocalTime, parseTags } from '../shared/format.js';
import { displayUrl } from '../shared/url.js';
import { formatCount, plural } from '../shared/plural.js';
import { Selection, clampPage, countByProbing, pageCount } from '../shared/selection.js';
import { bookmarksToImport, folderList, withDescendants } from '../shared/bookmarks.js';
import { statusMark } from '../shared/snapshots.js';

const PAGE_SIZE = 100;
const MAX_IMPORT_FILE = 32 * 1024 * 1024;
const UNDO_MS = 8000;

const $ = (id) => document.getElementById(id);
const locale = api.i18n.getUILanguage();
const state = {
  tag: null, query: '', page: 0,
  status: '', // '' or a link status state (issue 12): broken, error, redirected, ok
  links: [], // the rows of this page
  hits: null, // with a query: every search result (at most 1,000), paged here
  total: null, // matching links, null while counted
  tags: [],
  selection: new Selection(),
  hidden: new Set(), // deleted, waiting for their undo time to pass
  deletingAll: null, // {key, except}: every link of filter `key` but `except` is being deleted
  totals: new Map(), // filter → count of matching links in the store
  seq: 0,
};

function report(e) {
  if (isHostProblem(e) && e.code !== 'host_timeout') {
    // No host, no links: one screen that says how to install it, not an empty table.
    renderHostProblem($('host-problem'), e);
    document.querySelector('.layout').hidden = true;
    for (const id of ['search', 'import-bookmarks', 'import-file']) $(id).hidden = true;
    document.body.dataset.ready = 'true';
    return;
  }
  $('message').hidden = !e;
  $('message').textContent = e ? errorText(e) : '';
}

/** A message of our own in the alert line (not a host error). */
function say(text) {
  $('message').hidden = !text;
  $('message').textContent = text ?? '';
}

function tagNames() { return state.tags.map((x) => x.name); }

// --- Tag tree -------------------------------------------------------------------------
async function loadTags() {
  try { state.tags = (await hostCall('tags')).tags ?? []; } catch (e) { report(e); return; }
  renderTree();
}

function renderTree() {
  const tree = buildTagTree(state.tags);
  const allNode = h('div', { class: `node${state.tag === null ? ' selected' : ''}` },
    h('button', { type: 'button', class: 'name', 'aria-current': state.tag === null ? 'true' : null, onclick: () => selectTag(null) }, t('managerAllLinks')));
  $('tag-tree').replaceChildren(allNode, h('ul', {}, ...tree.map(treeItem)));
}

function treeItem(node) {
  const current = state.tag === node.path;
  return h('li', {},
    h('div', { class: `node${current ? ' selected' : ''}`, dataset: { tag: node.path } },
      h('button', { type: 'button', class: 'name', title: node.path, 'aria-current': current ? 'true' : null, onclick: () => selectTag(node.path) }, node.name),
      h('span', { class: 'count' }, formatCount(node.links_below, locale)),
      h('button', { type: 'button', class: 'act rename', title: t('managerTagRename'), 'aria-label': `${t('managerTagRename')}: ${node.path}`, onclick: () => renameTag(node.path) }, '✎'),
      h('button', { type: 'button', class: 'act merge', title: t('managerTagMerge'), 'aria-label': `${t('managerTagMerge')}: ${node.path}`, onclick: () => mergeTag(node.path) }, '⇢'),
      h('button', { type: 'button', class: 'act delete', title: t('managerTagDelete'), 'aria-label': `${t('managerTagDelete')}: ${node.path}`, onclick: () => deleteTag(node.path) }, '×')),
    node.children.length ? h('ul', {}, ...node.children.map(treeItem)) : null);
}

function selectTag(path) {
  state.tag = path;
  state.page = 0;
  state.selection.clear();
  renderTree(); // the counts stay what they were: only the current tag changed
  loadLinks();
}

function changed() { state.totals.clear(); }

async function tagAction(fn) {
  try { await fn(); report(null); } catch (e) { report(e); }
  changed();
  await Promise.all([loadTags(), loadLinks({ keepPage: true })]);
}

async function renameTag(path) {
  const r = await openDialog({ id: 'rename-dialog', title: t('managerTagRename'), text: t('managerPromptRename', [path]),
    okLabel: t('managerTagRename'), fields: [{ name: 'to', label: t('managerNewName'), value: path, required: true }] });
  const to = r?.to.trim();
  if (!to || to === path) return;
  await tagAction(async () => {
    await hostCall('tags.rename', { from: path, to });
    if (state.tag === path) state.tag = to;
  });
}

async function mergeTag(path) {
  const r = await openDialog({ id: 'merge-dialog', title: t('managerTagMerge'), text: t('managerPromptMerge', [path]),
    okLabel: t('managerMerge'), tags: tagNames().filter((n) => n !== path),
    fields: [{ name: 'into', label: t('managerMergeInto'), kind: 'tags', required: true }] });
  const into = r ? parseTags(r.into)[0] : null;
  if (!into) return;
  await tagAction(async () => {
    await hostCall('tags.merge', { from: path, into });
    if (state.tag === path) state.tag = into;
  });
}

async function deleteTag(path) {
  if (!await confirmDialog({ title: t('managerTagDelete'), text: t('managerConfirmTagDelete', [path]), okLabel: t('managerTagDelete') })) return;
  await tagAction(async () => {
    await hostCall('tags.delete', { name: path });
    if (state.tag === path) state.tag = null;
  });
}

// --- Links: one page at a time ----------------------------------------------------------
// `list` args (offset 0 is the default and left out, as older hosts refused it).
function listArgs(tags, limit, offset) {
  const args = { limit };
  if (tags) args.tags = tags;
  if (state.status) args.status = state.status;
  if (offset > 0) args.offset = offset;
  return args;
}

function filterKey() { return JSON.stringify([state.tag, state.query, state.status]); }

// keepPage: stay on this page (after an edit); reuseHits: only paging through the same
// search results, which are not asked for again.
async function loadLinks({ keepPage = false, reuseHits = false } = {}) {
  const seq = ++state.seq;
  const tags = state.tag ? [state.tag] : undefined;
  if (!keepPage) state.page = 0;
  try {
    if (state.query) {
      if (!reuseHits || !state.hits) state.hits = (await hostCall('search', { query: state.query, tags, limit: 1000 })).results ?? [];
      if (seq !== state.seq) return;
      // search has no status filter: its (at most 1,000) hits are filtered here.
      const visible = state.hits.filter((l) => !state.hidden.has(l.id) && (!state.status || l.status?.state === state.status));
      state.total = visible.length;
      state.page = clampPage(state.page, pageCount(state.total, PAGE_SIZE));
      state.links = visible.slice(state.page * PAGE_SIZE, (state.page + 1) * PAGE_SIZE);
    } else {
      state.hits = null;
      const r = await hostCall('list', listArgs(tags, PAGE_SIZE, state.page * PAGE_SIZE));
      if (seq !== state.seq) return;
      const links = r.links ?? [];
      const going = state.deletingAll?.key === filterKey() ? state.deletingAll.except : null;
      state.links = links.filter((l) => !state.hidden.has(l.id) && (!going || going.has(l.id)));
      const key = filterKey();
      if (Number.isInteger(r.total)) state.totals.set(key, r.total);
      else if (links.length < PAGE_SIZE && (links.length > 0 || state.page === 0)) state.totals.set(key, state.page * PAGE_SIZE + links.length);
      state.total = state.totals.has(key) ? visibleTotal(state.totals.get(key)) : null;
      if (state.total === null) countMatching(seq, tags, state.page * PAGE_SIZE + links.length - 1);
    }
  } catch (e) { if (seq === state.seq) report(e); return; }
  render();
  document.body.dataset.ready = 'true';
}

// Links being deleted are still in the store for a few seconds: count them out.
function visibleTotal(stored) {
  if (state.deletingAll?.key === filterKey()) return Math.max(state.links.length, state.deletingAll.except.size);
  return Math.max(state.links.length, stored - state.hidden.size);
}

/**
 * How many links match the filter. `list` returns pages, not a count: a tag's count comes
 * from `tags` (links_below), every link's from asking for single rows at growing offsets.
 */
async function countMatching(seq, tags, knownOffset) {
  const key = filterKey();
  let n;
  try {
    const tag = state.tag && state.tags.find((x) => x.name.toLowerCase() === state.tag.toLowerCase());
    if (tag && !state.status) n = tag.links_below;
    else {
      n = await countByProbing(async (offset) =>
        ((await hostCall('list', listArgs(tags, 1, offset))).links ?? []).length > 0, knownOffset);
    }
  } catch (e) { if (seq === state.seq) report(e); return; }
  state.totals.set(key, n);
  if (seq !== state.seq) return;
  state.total = visibleTotal(n);
  updateSelection();
  renderPager();
}

function render() {
  const started = performance.now();
  const empty = !state.query && !state.tag && !state.status && state.total === 0;
  $('empty').hidden = !empty;
  $('list').hidden = empty;
  $('rows').replaceChildren(...state.links.map(row));
  $('no-match').hidden = empty || state.links.length > 0;
  updateSelection();
  renderPager();
  $('rows').dataset.renderMs = (performance.now() - started).toFixed(1); // for the bench
  $('rows').dataset.renderedAt = performance.now().toFixed(1);
  if (!$('rows').dataset.firstAt) $('rows').dataset.firstAt = performance.now().toFixed(0); // since the page started loading
}

// A change of the selection ticks the rows' boxes where they are: the rows are not built again.
function showSelection() {
  for (const tr of $('rows').children) {
    const on = state.selection.has(Number(tr.dataset.id));
    tr.classList.toggle('selected', on);
    const box = tr.querySelector('input[type=checkbox]');
    if (box) box.checked = on;
  }
  updateSelection();
}

function renderPager() {
  const pages = state.total === null ? null : pageCount(state.total, PAGE_SIZE);
  $('pager').hidden = pages === 1;
  $('page-input').value = String(state.page + 1);
  $('page-input').max = pages === null ? '' : String(pages);
  $('page-of').textContent = pages === null ? '' : t('managerPageOf', [formatCount(pages, locale)]);
  const last = pages !== null && state.page >= pages - 1;
  $('page-first').disabled = $('page-prev').disabled = state.page === 0;
  $('page-next').disabled = last || (pages === null && state.links.length < PAGE_SIZE);
  $('page-last').disabled = last || pages === null;
}

function goToPage(page) {
  const pages = state.total === null ? Infinity : pageCount(state.total, PAGE_SIZE);
  const target = Number.isFinite(pages) ? clampPage(page, pages) : Math.max(0, Math.trunc(page) || 0);
  if (target === state.page) { renderPager(); return; }
  state.page = target;
  loadLinks({ keepPage: true, reuseHits: true }).then(() => document.querySelector('main').scrollTo?.(0, 0));
}

// A dead or unreachable link's mark, an icon and a word (not colour alone): its snapshots
// are now the reader's copy.
function statusElement(status) {
  const mark = statusMark(status);
  if (!mark) return null;
  return h('span', { class: `link-status ${mark.state}`, dataset: { state: mark.state } },
    h('span', { 'aria-hidden': 'true' }, ' ⚠ '), t(mark.key, mark.subs));
}

function row(link) {
  const selected = state.selection.has(link.id);
  const name = link.title || displayUrl(link.url);
  const hasSnapshot = (link.snapshot_count ?? 0) > 0;
  const action = (cls, label, onclick, disabled = false) =>
    h('button', { type: 'button', class: `row-act ${cls}`, 'aria-label': `${label}: ${name}`, disabled, onclick }, label);
  return h('tr', { class: selected ? 'selected' : '', dataset: { id: String(link.id) } },
    h('td', {}, h('input', {
      type: 'checkbox', checked: selected, 'aria-label': name,
      onchange: (ev) => {
        state.selection.set(link.id, ev.target.checked);
        ev.target.closest('tr').classList.toggle('selected', ev.target.checked);
        updateSelection();
      },
    })),
    h('td', {},
      h('div', { class: 'title' }, hasSnapshot ? h('a', { href: viewerUrl(link.id), target: '_blank' }, name) : name),
      h('div', { class: 'url' }, h('a', { href: link.url, target: '_blank', rel: 'noopener noreferrer' }, displayUrl(link.url)),
        statusElement(link.status)),
      link.snippet ? snippetElement(link.snippet) : null,
      h('div', { class: 'row-actions' },
        action('open-snapshot', t('managerOpenSnapshot'), () => window.open(viewerUrl(link.id), '_blank'), !hasSnapshot),
        action('open-live', t('managerOpenLive'), () => window.open(link.url, '_blank', 'noopener,noreferrer')),
        action('edit', t('managerEdit'), () => editLink(link)),
        action('tags', t('managerEditTags'), () => editTags(link)),
        action('delete', t('managerDelete'), () => deleteLinks([link.id])))),
    h('td', { class: 'tags' }, h('div', { class: 'chips' }, ...(link.tags ?? []).map((tag) => h('span', { class: 'chip' }, tag)))),
    h('td', { class: 'small' }, h('time', { datetime: link.last_captured_at ?? '' }, formatLocalTime(link.last_captured_at ?? link.updated_at))),
    h('td', { class: 'small num' }, formatCount(link.snapshot_count ?? 0, locale)));
}

async function editLink(link) {
  const r = await openDialog({ id: 'edit-dialog', title: t('managerEditTitle'), okLabel: t('managerSave'), fields: [
    { name: 'title', label: t('managerColTitle'), value: link.title ?? '', required: true },
    { name: 'note', label: t('managerNote'), value: link.note ?? '', kind: 'textarea' }] });
  if (!r) return;
  const args = { id: link.id };
  if (r.title.trim() !== (link.title ?? '')) args.title = r.title.trim();
  if (r.note !== (link.note ?? '')) args.note = r.note;
  if (Object.keys(args).length === 1) return;
  try { await hostCall('update', args); report(null); } catch (e) { report(e); }
  await loadLinks({ keepPage: true });
}

async function editTags(link) {
  const r = await openDialog({ id: 'tags-dialog', title: t('managerEditTags'), text: link.title || displayUrl(link.url),
    okLabel: t('managerSave'), tags: tagNames(),
    fields: [{ name: 'tags', label: t('managerTagsField'), value: (link.tags ?? []).join(', '), kind: 'tags', help: t('managerTagsHelp') }] });
  if (!r) return;
  const wanted = parseTags(r.tags);
  const lower = (list) => new Set(list.map((x) => x.toLowerCase()));
  const had = lower(link.tags ?? []);
  const keep = lower(wanted);
  const add = wanted.filter((x) => !had.has(x.toLowerCase()));
  const remove = (link.tags ?? []).filter((x) => !keep.has(x.toLowerCase()));
  try {
    if (add.length) await hostCall('tag', { id: link.id, tags: add });
    if (remove.length) await hostCall('untag', { id: link.id, tags: remove });
    report(null);
  } catch (e) { report(e); }
  changed();
  await Promise.all([loadTags(), loadLinks({ keepPage: true })]);
}

// --- Selection ------------------------------------------------------------------------
function selectedCount() { return state.selection.count(state.total ?? 0); }

function updateSelection() {
  const n = selectedCount();
  const pageIds = state.links.map((l) => l.id);
  const onPage = pageIds.filter((id) => state.selection.has(id)).length;
  $('count').textContent = n ? plural(t, 'selected', n, locale)
    : state.total === null ? t('managerCounting') : plural(t, 'links', state.total, locale);
  $('select-all').checked = pageIds.length > 0 && onPage === pageIds.length;
  $('select-all').indeterminate = onPage > 0 && onPage < pageIds.length;
  for (const id of ['bulk-tag', 'bulk-untag', 'bulk-delete']) $(id).disabled = n === 0;
  const more = $('select-matching');
  if (state.selection.all) {
    more.hidden = false;
    more.textContent = `${plural(t, 'allSelected', n, locale)} ${t('managerClearSelection')}`;
  } else if (pageIds.length && onPage === pageIds.length && state.total !== null && state.total > pageIds.length) {
    more.hidden = false;
    more.textContent = plural(t, 'selectAll', state.total, locale);
  } else more.hidden = true;
}

/** The ids of the selected links (every matching link when "all" is selected). */
async function selectedIds() {
  const sel = state.selection;
  if (!sel.all) return [...sel.ids].filter((id) => !state.hidden.has(id));
  let links;
  if (state.query) links = state.hits ?? [];
  else {
    status(t('managerCollecting', [formatCount(0, locale)]));
    const args = {};
    if (state.tag) args.tags = [state.tag];
    if (state.status) args.status = state.status;
    links = (await send('list.ids', args)).ids.map((id) => ({ id }));
  }
  return links.map((l) => l.id).filter((id) => sel.has(id) && !state.hidden.has(id));
}

function status(text) {
  $('import-status').hidden = !text;
  $('import-status').textContent = text ?? '';
}

// Runs cmd once per args in `calls`, one at a time (in parallel they would only contend
// for the database), showing how many links are done.
async function bulk(cmd, calls) {
  const errors = [];
  const total = calls.reduce((n, args) => n + args.ids.length, 0);
  let done = 0;
  for (const args of calls) {
    try { await hostCall(cmd, args); } catch (e) { errors.push(e); }
    done += args.ids.length;
    if (done < total) status(t('managerWorking', [formatCount(done, locale), formatCount(total, locale)]));
  }
  status(null);
  report(errors[0] ?? null);
  changed();
  await Promise.all([loadTags(), loadLinks({ keepPage: true })]);
}

// Tag edits go as lists of ids, set-based in the host; 2,000 links a request keep each
// transaction short (another host or the popup waits on it) and let progress show.
const TAG_BATCH = 2000;
function tagBatches(ids, tags) {
  const calls = [];
  for (let i = 0; i < ids.length; i += TAG_BATCH) calls.push({ ids: ids.slice(i, i + TAG_BATCH), tags });
  return calls;
}

async function bulkTag() {
  const r = await openDialog({ id: 'bulk-tag-dialog', title: t('managerTag'), okLabel: t('managerAddTags'), tags: tagNames(),
    text: plural(t, 'selected', selectedCount(), locale),
    fields: [{ name: 'tags', label: t('managerTagsField'), kind: 'tags', required: true, help: t('managerTagsHelp') }] });
  const tags = parseTags(r?.tags);
  if (!tags.length) return;
  const ids = await selectedIds();
  await bulk('tag', tagBatches(ids, tags));
}

async function bulkUntag() {
  const r = await openDialog({ id: 'bulk-untag-dialog', title: t('managerUntag'), okLabel: t('managerRemoveTags'), tags: tagNames(),
    text: plural(t, 'selected', selectedCount(), locale),
    fields: [{ name: 'tags', label: t('managerTagsField'), kind: 'tags', required: true, help: t('managerTagsHelp') }] });
  const tags = parseTags(r?.tags);
  if (!tags.length) return;
  const ids = await selectedIds();
  // A link that lacks one of the tags is no error with `ids`: "remove X where they have it".
  await bulk('untag', tagBatches(ids, tags));
}

// --- Delete with undo -------------------------------------------------------------------
// The rows go at once; the background sends `rm` when the toast's time is over (also if
// this page is closed meanwhile), unless Undo cancels it first.
async function deleteLinks(ids) {
  if (!ids.length) return;
  for (const id of ids) state.hidden.add(id);
  state.selection.forget(ids);
  if (state.selection.all) state.selection.clear();
  await loadLinks({ keepPage: true });
  let scheduled;
  try {
    scheduled = await send('delete.schedule', { ids });
  } catch (e) {
    for (const id of ids) state.hidden.delete(id);
    report(e);
    await loadLinks({ keepPage: true });
    return;
  }
  pendingTokens.set(scheduled.token, ids);
  showToast({
    text: plural(t, 'deleted', ids.length, locale), actionLabel: t('managerUndo'), timeoutMs: UNDO_MS,
    onAction: async () => {
      let r;
      try { r = await send('delete.cancel', { token: scheduled.token }); } catch (e) { report(e); return; }
      if (!r.cancelled) { say(t('managerUndoTooLate')); return; }
      pendingTokens.delete(scheduled.token);
      for (const id of ids) state.hidden.delete(id);
      await loadLinks({ keepPage: true });
    },
  });
}
const pendingTokens = new Map(); // token → ids (or {going} for every matching link), deletes this page started

async function onDeleted({ token, error }) {
  const ids = pendingTokens.get(token);
  if (ids) pendingTokens.delete(token);
  if (Array.isArray(ids)) for (const id of ids) state.hidden.delete(id);
  else if (ids?.going && state.deletingAll === ids.going) state.deletingAll = null;
  if (error) report(error);
  changed();
  await Promise.all([loadTags(), loadLinks({ keepPage: true })]);
}

async function bulkDelete() {
  if (state.selection.all && !state.query) { await deleteMatching(); return; }
  const ids = await selectedIds();
  status(null);
  await deleteLinks(ids);
}

// Every link of the filter but those unticked: the background collects their ids (100,000
// of them take seconds to list) while the Undo toast is already shown. Meanwhile this view
// shows only the unticked ones.
async function deleteMatching() {
  const n = selectedCount();
  const key = filterKey();
  const except = [...state.selection.except];
  const args = { except, count: n };
  if (state.tag) args.tags = [state.tag];
  if (state.status) args.status = state.status;
  const going = { key, except: new Set(except) };
  state.deletingAll = going;
  state.selection.clear();
  await loadLinks({ keepPage: true });
  const restore = async () => {
    if (state.deletingAll === going) state.deletingAll = null;
    await loadLinks({ keepPage: true });
  };
  let scheduled;
  try {
    scheduled = await send('delete.matching', args);
  } catch (e) {
    report(e);
    await restore();
    return;
  }
  pendingTokens.set(scheduled.token, { going });
  showToast({
    text: plural(t, 'deleted', n, locale), actionLabel: t('managerUndo'), timeoutMs: UNDO_MS,
    onAction: async () => {
      let r;
      try { r = await send('delete.cancel', { token: scheduled.token }); } catch (e) { report(e); return; }
      if (!r.cancelled) { say(t('managerUndoTooLate')); return; }
      pendingTokens.delete(scheduled.token);
      await restore();
    },
  });
}

// --- Import -----------------------------------------------------------------------------
function importSummary(r, localSkipped = {}) {
  const parts = [plural(t, 'imported', r.imported ?? 0, locale)];
  if (r.merged) parts.push(t('importMerged', [formatCount(r.merged, locale)]));
  if (r.unchanged) parts.push(t('importUnchanged', [formatCount(r.unchanged, locale)]));
  if (r.duplicates) parts.push(t('importDuplicates', [formatCount(r.duplicates, locale)]));
  // The host's reasons are English ("place: Firefox query"): its scheme says it in any language.
  const skipped = [...(r.skipped ?? []).map((s) => [/^[a-z][a-z0-9+.-]*:/.exec(s.reason)?.[0] ?? s.reason, s.count]),
    ...Object.entries(localSkipped)];
  const nSkipped = skipped.reduce((a, [, c]) => a + c, 0);
  if (nSkipped) {
    parts.push(t('importSkipped', [formatCount(nSkipped, locale), skipped.map(([why, c]) => `${why} ${formatCount(c, locale)}`).join(', ')]));
  }
  return parts.join(' · ');
}

async function runImport(args, localSkipped) {
  status(t('importRunning'));
  for (const id of ['import-bookmarks', 'import-file', 'empty-import-bookmarks', 'empty-import-file']) $(id).disabled = true;
  try {
    const r = await send('import', args);
    status(importSummary(r, localSkipped));
    $('import-status').classList.add('done');
    report(null);
  } catch (e) {
    status(null);
    report(e);
  } finally {
    for (const id of ['import-bookmarks', 'import-file', 'empty-import-bookmarks', 'empty-import-file']) $(id).disabled = false;
  }
  changed();
  await Promise.all([loadTags(), loadLinks()]);
}

async function importFile(file) {
  if (!file) return;
  if (file.size > MAX_IMPORT_FILE) {
    say(t('importFileTooLarge', [file.name, formatCount(Math.ceil(file.size / 1048576), locale)]));
    return;
  }
  let html;
  try { html = await file.text(); } catch (e) { report({ code: 'io_error', message: e.message }); return; }
  await runImport({ html });
}

// permissions.request must run within the click, before anything is awaited.
function importBookmarks() {
  const perms = api.permissions;
  const asked = perms?.request ? perms.request({ permissions: ['bookmarks'] }) : Promise.resolve(false);
  asked.then(async (granted) => {
    if (!granted || !api.bookmarks) { say(t('importNeedsPermission')); return; }
    await chooseAndImport(await api.bookmarks.getTree());
  }).catch((e) => report(e));
}

/** Folder choice for the browser's bookmarks, then the import. */
async function chooseAndImport(tree) {
  const folders = folderList(tree).filter((f) => f.links > 0 || f.depth > 0);
  const boxes = new Map();
  const list = h('ul', { class: 'folder-list', 'aria-label': t('importFolders') }, ...folders.map((f) => {
    const box = h('input', { type: 'checkbox', checked: true, dataset: { folder: f.id } });
    box.addEventListener('change', () => {
      for (const id of withDescendants(folders, f.id)) { const b = boxes.get(id); if (b) b.checked = box.checked; }
    });
    boxes.set(f.id, box);
    const name = f.path.length ? f.path.join('/') : (f.title || '—');
    return h('li', { style: `padding-left:${f.depth * 14}px` }, h('label', {}, box,
      h('span', { class: 'folder-name' }, f.depth ? f.path[f.path.length - 1] : name), ' ',
      h('span', { class: 'muted small' }, `(${formatCount(f.links, locale)})`)));
  }));
  const r = await openDialog({ id: 'import-dialog', title: t('importBookmarks'), text: t('importChooseFolders'), body: list, okLabel: t('importStart') });
  if (!r) return;
  const chosen = new Set([...boxes].filter(([, b]) => b.checked).map(([id]) => id));
  const { bookmarks, skipped } = bookmarksToImport(tree, chosen);
  if (!bookmarks.length) { status(t('importNothing')); return; }
  await runImport({ bookmarks, keep_root_folders: true }, skipped);
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
  $('status-filter').addEventListener('change', (ev) => {
    state.status = ev.target.value;
    state.selection = new Selection();
    loadLinks();
  });
  $('search').addEventListener('input', debounce((ev) => {
    state.query = ev.target.value.trim();
    state.selection.clear();
    loadLinks();
  }, 200));
  $('select-all').addEventListener('change', (ev) => {
    if (state.selection.all && !ev.target.checked) state.selection.clear();
    else for (const l of state.links) state.selection.set(l.id, ev.target.checked);
    showSelection();
  });
  $('select-matching').addEventListener('click', () => {
    if (state.selection.all) state.selection.clear(); else state.selection.selectAll();
    showSelection();
  });
  $('bulk-tag').addEventListener('click', bulkTag);
  $('bulk-untag').addEventListener('click', bulkUntag);
  $('bulk-delete').addEventListener('click', bulkDelete);
  $('page-first').addEventListener('click', () => goToPage(0));
  $('page-prev').addEventListener('click', () => goToPage(state.page - 1));
  $('page-next').addEventListener('click', () => goToPage(state.page + 1));
  $('page-last').addEventListener('click', () => goToPage(Number.MAX_SAFE_INTEGER));
  $('page-input').addEventListener('change', (ev) => goToPage(Number(ev.target.value) - 1));
  const pickFile = () => $('import-file-input').click();
  $('import-file').addEventListener('click', pickFile);
  $('empty-import-file').addEventListener('click', pickFile);
  $('import-file-input').addEventListener('change', (ev) => { importFile(ev.target.files?.[0]); ev.target.value = ''; });
  $('import-bookmarks').addEventListener('click', importBookmarks);
  $('empty-import-bookmarks').addEventListener('click', importBookmarks);
  api.runtime.onMessage.addListener((msg) => {
    if (msg?.event === 'links.deleted') onDeleted(msg);
    else if (msg?.event === 'import.progress' && msg.data?.stage === 'importing') {
      status(t('importRunningCount', [formatCount(msg.data.links ?? 0, locale)]));
    }
    return false;
  });
  // In parallel: the tag tree (a slow `tags` at 100,000 links) must not hold back the rows.
  loadTags();
  loadLinks();
}

// For the browser tests: the permission prompt for bookmarks cannot be answered headless,
// so the tests hand a bookmark tree to what runs after it.
globalThis.linksnapManager = { chooseAndImport };

main();
