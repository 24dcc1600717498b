// The toolbar popup. Opening it stores nothing (issue 16: searching from a new page must not
// archive it, typed drafts included): it shows whether the page is saved and when, a
// "Save page" button that Enter in the empty search box also presses, and after a save an
// Undo. A saved page shows its tags (editable) and "Save again". Below: search as you type,
// tag filter chips, "Add link".
// Tests open popup.html?tab=<tabId> in a tab of their own, so the page it speaks about is
// given rather than "the active tab".

import { api, errorText, h, hostCall, isHostProblem, localize, renderHostProblem, send, snippetElement, t, tagEditor, viewerUrl } from './common.js';
import { formatLocalTime, menuTags, nextIndex } from '../shared/format.js';
import { LiveSearch } from '../shared/live-search.js';
import { addressFromInput, displayUrl, httpFallback, isBlankPage } from '../shared/url.js';
import { statusMark } from '../shared/snapshots.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// lastSave: what the save made in this popup did ({created, linkId}), for Undo.
// results: those shown; active: the one ↑/↓ chose (-1: none, Enter in the box saves).
// tagNames: every tag, most used first (chips, completion).
const state = { tabId: null, page: null, filter: new Set(), query: '', lastSave: null, busy: false,
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
  // The live page was found gone by the last check: the saved copy is what is left.
  $('page-link-status').replaceChildren((!busy && !error && statusElement(page.link?.status)) || '');
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

// A dead link's mark: an icon and a word, not colour alone (issue 12). Its snapshot is now
// the reader's copy, so the result still opens it.
function statusElement(status) {
  const mark = statusMark(status);
  if (!mark) return null;
  return h('span', { class: `link-status ${mark.state}`, dataset: { state: mark.state } },
    h('span', { 'aria-hidden': 'true' }, '⚠ '), t(mark.key, mark.subs));
}

// An option of the listbox may hold no links or buttons (axe: nested-interactive), so the
// row itself opens: a click opens the snapshot, a click on the address (or Shift+click) the
// live page, as Enter and Shift+Enter do.
function resultItem(r, index, query) {
  return h('li', { id: `result-${index}`, role: 'option', 'aria-selected': 'false',
    onclick: (ev) => openResult(index, ev.shiftKey || !!ev.target.closest('.url')) },
    h('span', { class: 'title', title: t('openSnapshot') }, r.title || displayUrl(r.url)),
    h('div', { class: 'url', title: `${t('openLive')}: ${r.url}`, dataset: { href: r.url } }, displayUrl(r.url)),
    r.snippet ? snippetElement(r.snippet) : null,
    h('div', { class: 'meta' },
      statusElement(r.status),
      ...(r.tags ?? []).map((tag) => h('span', { class: 'chip' }, tag)),
      h('time', { datetime: r.last_captured_at ?? r.updated_at ?? '' }, formatLocalTime(r.last_captured_at ?? r.updated_at))));
}

// Search as you type (issue 13): each change is sent at once (no typing debounce: the
// answer to the last key is what counts, and waiting for a pause would add its whole length
// to it); live-search.js shows only the newest query's answer. One search at a time: the
// host cannot abandon a superseded search, and on two cores one running beside the newest
// slowed it (popup-latency.mjs at 100,000 links, keys 20 ms apart: p95 last key → painted
// 3.8 s with two at a time, 1.9 s with one; medians 143 and 170 ms). The newest query
// typed meanwhile is sent as soon as the running one is answered.
let firstAnswer;
const firstShown = new Promise((resolve) => { firstAnswer = resolve; }); // the popup is ready after it
const live = new LiveSearch({
  run: (args) => { performance.mark('search-sent', { detail: args.query }); return hostCall('search', args); },
  show: (result, args) => { showResults(result.results ?? [], args); firstAnswer(); },
  fail: (e) => {
    firstAnswer();
    if (isHostProblem(e)) { showHostProblem(e); return; }
    $('result-count').textContent = errorText(e);
    $('results').replaceChildren();
  },
});

function searchArgs() {
  const args = { query: state.query, limit: 30 };
  if (state.filter.size) args.tags = [...state.filter];
  return args;
}

/** Searches for what the box and the chips say now; `force` also when that was asked already. */
function runSearch({ force = true } = {}) {
  live.update(searchArgs(), { force });
}

function showResults(results, args) {
  const started = performance.now();
  $('result-count').textContent = results.length ? ''
    : args.query || args.tags ? t('popupNoResults') : t('popupNothingSaved');
  state.results = results;
  state.resultsQuery = args.query; // the viewer marks its matches
  $('results').replaceChildren(...results.map((r, i) => resultItem(r, i, args.query)));
  $('results').scrollTop = 0;
  // With a query, Enter opens the best match; without one it saves the page.
  setActive(args.query && results.length ? 0 : -1, { scroll: false }); // the list starts at its top
  $('search').setAttribute('aria-expanded', String(results.length > 0));
  // For the bench: what the query was and what building the list cost.
  $('results').dataset.query = args.query;
  $('results').dataset.renderMs = (performance.now() - started).toFixed(2);
}

// scroll: bring the chosen row into view (↑/↓); a new list is at its top already, and
// asking would make the browser lay the whole list out at once.
function setActive(index, { scroll = true } = {}) {
  state.active = index;
  for (const li of $('results').querySelectorAll('[aria-selected=true]')) li.setAttribute('aria-selected', 'false');
  const li = index >= 0 ? $(`result-${index}`) : null;
  if (li) {
    li.setAttribute('aria-selected', 'true');
    if (scroll) li.scrollIntoView({ block: 'nearest' });
    $('search').setAttribute('aria-activedescendant', li.id);
  } else $('search').removeAttribute('aria-activedescendant');
}

/** Opens a result in a new tab: its snapshot, or with `live` the page itself. */
function openResult(index, live) {
  const r = state.results[index];
  if (!r) return;
  api.tabs.create({ url: live ? r.url : viewerUrl(r.id, undefined, state.resultsQuery) });
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
  $('search').addEventListener('input', (ev) => { state.query = ev.target.value.trim(); runSearch({ force: false }); });
  $('search').addEventListener('keydown', onSearchKey);
  $('save-page').addEventListener('click', capture);
  $('undo-save').addEventListener('click', undoSave);
  $('add-form').addEventListener('submit', addLink);
  $('search').focus();
  // The newest links are asked for at once, beside the host check: no round trip waits
  // for another before the list can show. A missing host fails both the same way.
  runSearch();
  try {
    await send('status');
  } catch (e) {
    showHostProblem(e);
    return;
  }
  state.tabId = await currentTab();
  await Promise.all([loadTagChips(), firstShown, loadPage()]);
  document.body.dataset.ready = 'true';
}

// For the bench (tests/e2e/bench/popup-latency.mjs): how many searches were sent.
globalThis.linksnapPopup = { live };

main();
