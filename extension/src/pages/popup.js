// The toolbar popup. Opening it stores nothing (issue 16: searching from a new page must not
// archive it, typed drafts included): it shows whether the page is saved and when, a
// "Save page" button that Enter in the empty search box also presses, and after a save an
// Undo. A saved page shows its tags (editable) and "Save again". Below: search as you type,
// tag filter chips, "Add link".
// Tests open popup.html?tab=<tabId> in a tab of their own, so the page it speaks about is
// given rather than "the active tab".

import { api, errorText, h, hostCall, isHostProblem, localize, renderHostProblem, send, snippetElement, t, tagEditor, viewerUrl } from './common.js';
import { debounce, formatLocalTime, menuTags, nextIndex } from '../shared/format.js';
import { addressFromInput, displayUrl, httpFallback, isBlankPage } from '../shared/url.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// lastSave: what the save made in this popup did ({created, linkId}), for Undo.
// results: those shown; active: the one ↑/↓ chose (-1: none, Enter in the box saves).
// tagNames: every tag, most used first (chips, completion).
const state = { tabId: null, page: null, filter: new Set(), query: '', searchSeq: 0, lastSave: null, busy: false,
  results: [], active: -1, tagNames: [] };

function showHostProblem(e) {
  renderHostProblem($('host-problem'), e);
  for (const el of document.querySelectorAll('.search, .add-link, #add-status, #page')) el.hidden = true;
  document.body.dataset.ready = 'true';
}

async function currentTab() {
  if (params.has('tab')) return Number(params.get('tab'));
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  return tab?.id ?? null;
}

// --- The current page -----------------------------------------------------------------
function renderPage({ busy = false, message = '', error = null } = {}) {
  const page = state.page;
  $('page').hidden = false;
  $('page-title').textContent = page.link?.title || (isBlankPage(page.url) ? t('pageBlankTitle') : page.title || displayUrl(page.url));
  $('page-title').title = page.url;
  const stateEl = $('page-state');
  stateEl.className = error ? 'error' : busy ? 'muted' : page.link ? 'ok' : 'muted';
  if (error) stateEl.textContent = errorText(error);
  else if (busy) stateEl.textContent = message || t('pageSaving');
  else if (!page.capturable) stateEl.textContent = isBlankPage(page.url) ? t('pageBlank') : t('errNotCapturable');
  else if (page.link) {
    stateEl.textContent = t('pageSavedAt', [formatLocalTime(page.link.last_captured_at ?? page.link.updated_at)]) +
      (page.link.snapshot_count > 1 ? ` · ${t('snapshotsCount', [String(page.link.snapshot_count)])}` : '');
  } else stateEl.textContent = t('pageNotSaved');
  const save = $('save-page');
  save.hidden = !page.capturable;
  save.disabled = busy;
  $('save-label').textContent = page.link ? t('pageSaveAgain') : t('pageSave');
  // Undo is offered for a save made here that created the link; a save that only added a
  // snapshot cannot be undone: the host has no command that deletes one snapshot.
  const undoable = !busy && !error && !!page.link && state.lastSave?.created === true && state.lastSave.linkId === page.link.id;
  $('undo-save').hidden = !undoable;
  const note = $('page-note');
  const noteText = busy || error || !state.lastSave ? ''
    : state.lastSave.message ?? (state.lastSave.created ? '' : t('pageUndoSnapshotUnavailable'));
  note.hidden = !noteText;
  note.textContent = noteText;
  const open = $('open-snapshot');
  open.hidden = !page.link;
  if (page.link) open.href = viewerUrl(page.link.id);
  $('page-tags').replaceChildren(page.link
    ? tagEditor(page.link, (link) => { state.page.link = link; loadTagChips(); runSearch(); }, (e) => renderPage({ error: e }),
      { datalist: $('tag-options'), tags: () => state.tagNames })
    : '');
}

async function capture() {
  if (state.busy || !state.page?.capturable) return;
  state.busy = true;
  state.lastSave = null;
  renderPage({ busy: true, message: t('pageSaving') });
  const started = performance.now();
  try {
    const result = await send('capture', { tabId: state.tabId });
    state.page.link = result.link;
    state.lastSave = { created: result.created === true, linkId: result.link.id };
    state.busy = false;
    renderPage();
    $('page-state').dataset.ms = String(Math.round(performance.now() - started));
    loadTagChips();
    runSearch();
  } catch (e) {
    state.busy = false;
    if (isHostProblem(e) && e.code !== 'host_timeout') showHostProblem(e);
    else renderPage({ error: e });
  }
}

// Undo of a save that created the link: the link goes (with its one snapshot).
async function undoSave() {
  const save = state.lastSave;
  if (!save?.created) return;
  state.busy = true;
  renderPage({ busy: true, message: t('pageUndoing') });
  try {
    await hostCall('rm', { id: save.linkId });
    state.page.link = null;
    state.lastSave = { created: false, message: t('pageUndone') };
    state.busy = false;
    renderPage();
    $('save-page').focus();
    loadTagChips();
    runSearch();
  } catch (e) {
    state.busy = false;
    renderPage({ error: e });
  }
}

async function loadPage() {
  if (state.tabId === null) return;
  try {
    state.page = await send('page.state', { tabId: state.tabId });
  } catch (e) {
    if (isHostProblem(e)) { showHostProblem(e); return; }
    state.page = { url: '', title: '', capturable: false, link: null };
  }
  renderPage();
}

// --- Search ---------------------------------------------------------------------------
async function loadTagChips() {
  let tags = [];
  try { tags = (await hostCall('tags')).tags ?? []; } catch { return; }
  state.tagNames = menuTags(tags, tags.length);
  const names = menuTags(tags, 12);
  for (const f of state.filter) if (!names.includes(f)) names.push(f);
  $('tag-chips').replaceChildren(...names.map((name) => h('button', {
    type: 'button', class: 'chip', 'aria-pressed': String(state.filter.has(name)),
    onclick: (ev) => {
      if (state.filter.has(name)) state.filter.delete(name); else state.filter.add(name);
      ev.currentTarget.setAttribute('aria-pressed', String(state.filter.has(name)));
      runSearch();
    },
  }, name)));
}

function resultItem(r, index) {
  return h('li', { id: `result-${index}`, role: 'option', 'aria-selected': 'false',
    onclick: (ev) => { if (!ev.target.closest('a')) openResult(index, ev.shiftKey); } },
    h('a', { class: 'title', href: viewerUrl(r.id), target: '_blank', title: t('openSnapshot'), tabindex: '-1' }, r.title || displayUrl(r.url)),
    h('div', { class: 'url' }, h('a', { href: r.url, target: '_blank', rel: 'noopener noreferrer', title: t('openLive'), tabindex: '-1' }, displayUrl(r.url))),
    r.snippet ? snippetElement(r.snippet) : null,
    h('div', { class: 'meta' },
      ...(r.tags ?? []).map((tag) => h('span', { class: 'chip' }, tag)),
      h('time', { datetime: r.last_captured_at ?? r.updated_at ?? '' }, formatLocalTime(r.last_captured_at ?? r.updated_at))));
}

async function runSearch() {
  const seq = ++state.searchSeq;
  const args = { query: state.query, limit: 30 };
  if (state.filter.size) args.tags = [...state.filter];
  let results;
  try {
    results = (await hostCall('search', args)).results ?? [];
  } catch (e) {
    if (seq !== state.searchSeq) return;
    if (isHostProblem(e)) { showHostProblem(e); return; }
    $('result-count').textContent = errorText(e);
    $('results').replaceChildren();
    return;
  }
  if (seq !== state.searchSeq) return; // a newer query was typed meanwhile
  $('result-count').textContent = results.length ? ''
    : state.query || state.filter.size ? t('popupNoResults') : t('popupNothingSaved');
  state.results = results;
  $('results').replaceChildren(...results.map(resultItem));
  // With a query, Enter opens the best match; without one it saves the page.
  setActive(state.query && results.length ? 0 : -1);
  $('search').setAttribute('aria-expanded', String(results.length > 0));
}

function setActive(index) {
  state.active = index;
  for (const li of $('results').children) li.setAttribute('aria-selected', 'false');
  const li = index >= 0 ? $(`result-${index}`) : null;
  if (li) {
    li.setAttribute('aria-selected', 'true');
    li.scrollIntoView({ block: 'nearest' });
    $('search').setAttribute('aria-activedescendant', li.id);
  } else $('search').removeAttribute('aria-activedescendant');
}

/** Opens a result in a new tab: its snapshot, or with `live` the page itself. */
function openResult(index, live) {
  const r = state.results[index];
  if (!r) return;
  api.tabs.create({ url: live ? r.url : viewerUrl(r.id) });
}

// The search box is a combobox over the results: ↑/↓ choose, Enter opens the snapshot,
// Shift+Enter the live page; Enter with nothing chosen and nothing typed saves the page.
function onSearchKey(ev) {
  if (ev.isComposing) return; // an IME is composing (Chinese input): its keys are its own
  if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
    ev.preventDefault();
    setActive(nextIndex(state.active, ev.key === 'ArrowDown' ? 1 : -1, state.results.length));
  } else if (ev.key === 'Enter') {
    ev.preventDefault();
    if (state.active >= 0) openResult(state.active, ev.shiftKey);
    else if (!ev.target.value.trim()) capture();
  }
}
const searchSoon = debounce(runSearch, 180);

// --- Add link -------------------------------------------------------------------------
// An address typed without a scheme is tried as https; when that fails the way a plain
// http server makes it fail (or a local server does not answer), http is tried and the
// outcome says so.
async function addLink(ev) {
  ev.preventDefault();
  const status = $('add-status');
  const typed = $('add-url').value;
  const address = addressFromInput(typed);
  const show = (cls, text) => { status.className = `${cls} small`; status.textContent = text; };
  if (!address) { show('error', t('errInvalidUrl', [typed.trim()])); return; }
  show('muted', t('popupAdding'));
  let result;
  let overHttp = false;
  try {
    try {
      result = await send('link.add', { url: address.url });
    } catch (e) {
      const fallback = httpFallback(address, e);
      if (!fallback) throw e;
      show('muted', t('popupTryingHttp'));
      result = await send('link.add', { url: fallback });
      overHttp = true;
    }
  } catch (e) {
    show('error', errorText(e));
    return;
  }
  const name = result.link.title || displayUrl(result.link.url);
  show('ok', overHttp ? t('popupAddedOverHttp', [name]) : t('popupAdded', [name]));
  $('add-url').value = '';
  loadTagChips();
  runSearch();
}

const STAGE_KEYS = { capturing: 'stageCapturing', sending: 'stageSending', processing: 'stageProcessing', storing: 'stageStoring' };

// The background reports the stages of a capture; show those of our tab while saving.
api.runtime.onMessage.addListener((msg) => {
  if (msg?.event !== 'capture' || msg.tabId !== state.tabId || !STAGE_KEYS[msg.stage]) return false;
  const el = $('page-state');
  if (el.classList.contains('muted') && $('save-page').disabled) el.textContent = t(STAGE_KEYS[msg.stage]);
  return false;
});

async function main() {
  localize();
  $('open-manager').addEventListener('click', () => {
    api.tabs.create({ url: api.runtime.getURL('src/pages/manager.html') });
  });
  $('search').addEventListener('input', (ev) => { state.query = ev.target.value.trim(); searchSoon(); });
  $('search').addEventListener('keydown', onSearchKey);
  $('save-page').addEventListener('click', capture);
  $('undo-save').addEventListener('click', undoSave);
  $('add-form').addEventListener('submit', addLink);
  try {
    await send('status');
  } catch (e) {
    showHostProblem(e);
    return;
  }
  state.tabId = await currentTab();
  $('search').focus();
  await Promise.all([loadTagChips(), runSearch(), loadPage()]);
  document.body.dataset.ready = 'true';
}

main();
