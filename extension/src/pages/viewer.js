// The snapshot viewer: viewer.html?id=<link>[&snapshot=<snapshot>][&q=<query>][&compare=1].
// The stored document is shown in a sandbox="" frame: it gets an opaque origin and no
// script, so an archived page can neither run nor reach the extension. The frame inherits
// this page's CSP (script-src 'self'), a second lock on the same door.
// Beside it, the link's snapshots as a timeline (date and time in the reader's locale, how
// each was made, what changed from the one before), the live page's last known state, and
// with q= the search's matches marked (mark-page.js says how, without script in the frame).
// compare=1 shows what changed from the previous snapshot instead of the page.

import { errorText, h, hostCall, localize, t, tagEditor } from './common.js';
import { markDocument, MARK_PREFIX } from './mark-page.js';
import { displayUrl } from '../shared/url.js';
import {
  changeFromDiff, changeFromSizes, changeLabel, formatWhen, snapshotTimes, SOURCE_KEYS, sourceKind, statusSentence,
} from '../shared/snapshots.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
// Diffs asked for the timeline's change labels: the newest pairs, one at a time (each
// reads two stored documents; the host runs three requests at once and others wait).
const TIMELINE_DIFFS = 12;

function fail(e) {
  $('message').hidden = false;
  $('message').textContent = errorText(e);
  document.body.dataset.ready = 'true';
}

function pageUrl({ id, snapshot, q, compare }) {
  const p = new URLSearchParams({ id: String(id) });
  if (snapshot) p.set('snapshot', String(snapshot));
  if (q) p.set('q', q);
  if (compare) p.set('compare', '1');
  return `viewer.html?${p}`;
}

const sourceText = (s) => t(SOURCE_KEYS[sourceKind(s)]);
const changeText = (change) => { const { key, subs } = changeLabel(change); return t(key, subs); };

// --- Timeline ---------------------------------------------------------------------------
function renderTimeline(link, snapshots, currentId, query, compare) {
  const times = snapshotTimes(snapshots);
  const items = snapshots.map((s, i) => {
    const previous = snapshots[i + 1];
    const current = s.id === currentId;
    const change = h('span', { class: 'tl-change small', id: `tl-change-${s.id}` }, changeText(changeFromSizes(previous, s)));
    return h('li', { class: current ? 'tl-item current' : 'tl-item', dataset: { snapshot: String(s.id) } },
      h('a', { class: 'tl-open', href: pageUrl({ id: link.id, snapshot: s.id, q: query }),
        'aria-current': current && !compare ? 'page' : undefined },
      h('time', { class: 'tl-time', datetime: s.captured_at }, times[i]),
      h('span', { class: 'tl-source small' }, sourceText(s)),
      change),
      previous ? h('a', { class: 'tl-compare small', href: pageUrl({ id: link.id, snapshot: s.id, compare: true }),
        'aria-current': current && compare ? 'page' : undefined,
        'aria-label': t('viewerCompareWith', [times[i]]) }, t('viewerCompareShort')) : null);
  });
  $('timeline-list').replaceChildren(...items);
  const nav = $('timeline');
  const toggle = $('toggle-timeline');
  if (snapshots.length < 2) return; // one snapshot: the bar says all there is
  nav.hidden = false;
  toggle.hidden = false;
  toggle.textContent = t('viewerTimelineToggle', [String(snapshots.length)]);
  toggle.addEventListener('click', () => {
    nav.hidden = !nav.hidden;
    toggle.setAttribute('aria-expanded', String(!nav.hidden));
  });
  exactChanges(link, snapshots);
}

// The size comparison is a guess; the host's diff says exactly what changed.
async function exactChanges(link, snapshots) {
  for (let i = 0; i < Math.min(snapshots.length - 1, TIMELINE_DIFFS); i++) {
    const to = snapshots[i];
    const from = snapshots[i + 1];
    try {
      const diff = await hostCall('diff', { id: link.id, from: from.id, to: to.id });
      const el = $(`tl-change-${to.id}`);
      const change = changeFromDiff(diff);
      el.textContent = changeText(change);
      el.classList.toggle('changed', change.changed);
      el.dataset.exact = 'true';
    } catch { /* the guess stays */ }
  }
  document.body.dataset.timeline = 'exact';
}

// --- The live page's state --------------------------------------------------------------
function renderStatus(link) {
  const sentence = statusSentence(link.status);
  const el = $('link-status');
  if (!sentence) return;
  el.hidden = false;
  el.className = `status-line ${sentence.state}`;
  el.dataset.state = sentence.state;
  el.replaceChildren(h('span', { class: 'status-icon', 'aria-hidden': 'true' }, sentence.state === 'redirected' ? '↪' : '⚠'),
    ' ', t(sentence.key, sentence.subs));
}

// --- Matches of a search ----------------------------------------------------------------
function showMatches(frame, blobUrl, marked, query) {
  const bar = $('find-bar');
  bar.hidden = false;
  const count = $('find-count');
  if (marked.tooLarge) { count.textContent = t('viewerFindTooLarge'); $('find-prev').hidden = $('find-next').hidden = true; return; }
  if (!marked.count) { count.textContent = t('viewerFindNone', [query]); $('find-prev').hidden = $('find-next').hidden = true; return; }
  let at = 0;
  const total = marked.count;
  const go = (i) => {
    at = (i + total) % total;
    // Only the fragment changes: the frame scrolls to the mark, the document stays.
    frame.src = `${blobUrl}#${MARK_PREFIX}${at}`;
    count.textContent = t('viewerFindCount', [String(at + 1), String(total), query]) + (marked.truncated ? ` ${t('viewerFindTruncated')}` : '');
    count.dataset.at = String(at);
    count.dataset.total = String(total);
  };
  $('find-next').addEventListener('click', () => go(at + 1));
  $('find-prev').addEventListener('click', () => go(at - 1));
  go(0);
}

// A PDF is shown by the browser's own PDF viewer, which a sandbox="" frame refuses to run:
// this frame alone is not sandboxed. The viewer is the browser's (its own process, in
// Firefox pdf.js); the document gets a blob: URL and no access to this page or LinkSnap.
async function showPdf(view) {
  const frame = $('frame');
  const { file_base64: base64 } = await hostCall('export', { snapshot: view.snapshot.id, file: true });
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const blobUrl = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
  addEventListener('pagehide', () => URL.revokeObjectURL(blobUrl));
  frame.removeAttribute('sandbox');
  frame.addEventListener('load', () => { document.body.dataset.ready = 'true'; }, { once: true });
  frame.src = blobUrl;
}

async function showSnapshot(view, query) {
  if (view.snapshot.media_type === 'application/pdf') { await showPdf(view); return; }
  const frame = $('frame');
  let html = view.html;
  let marked = null;
  if (query) {
    marked = markDocument(html, query);
    html = marked.html;
  }
  // A blob: URL rather than srcdoc, so a #fragment can scroll the script-less frame.
  const blobUrl = URL.createObjectURL(new Blob([html], { type: 'text/html;charset=utf-8' }));
  addEventListener('pagehide', () => URL.revokeObjectURL(blobUrl));
  frame.addEventListener('load', () => { document.body.dataset.ready = 'true'; }, { once: true });
  if (marked?.count) showMatches(frame, blobUrl, marked, query);
  else {
    frame.src = blobUrl;
    if (marked) showMatches(frame, blobUrl, marked, query);
  }
}

// --- Compare with previous --------------------------------------------------------------
function segmentElement(seg) {
  if (seg.op === 'insert') return h('ins', {}, h('span', { class: 'sr-only' }, t('compareInsertedSr')), seg.text);
  if (seg.op === 'delete') return h('del', {}, h('span', { class: 'sr-only' }, t('compareDeletedSr')), seg.text);
  return document.createTextNode(seg.text);
}

function resourceList(key, urls) {
  if (!urls?.length) return null;
  return h('details', { class: 'compare-files' }, h('summary', {}, t(key, [String(urls.length)])),
    h('ul', {}, ...urls.map((u) => h('li', { class: 'small' }, displayUrl(u)))));
}

// A hunk's context starts and ends mid-text, often on a line break: blank lines at its
// edges are dropped (only from unchanged text).
function trimContext(segments) {
  const out = segments.map((seg) => ({ ...seg }));
  if (out[0]?.op === 'equal') out[0].text = out[0].text.replace(/^\s*\n/, '');
  const last = out.at(-1);
  if (last?.op === 'equal') last.text = last.text.replace(/\n\s*$/, '');
  return out;
}

async function showCompare(link, snapshots, current) {
  $('frame').hidden = true;
  const view = $('compare-view');
  view.hidden = false;
  const index = snapshots.findIndex((s) => s.id === current.id);
  const previous = snapshots[index + 1];
  const times = snapshotTimes(snapshots);
  if (!previous) {
    $('compare-title').textContent = t('compareNoPrevious');
    document.body.dataset.ready = 'true';
    return;
  }
  $('compare-title').textContent = t('compareTitle', [times[index + 1], times[index]]);
  let diff;
  try {
    diff = await hostCall('diff', { id: link.id, from: previous.id, to: current.id });
  } catch (e) { fail(e); return; }
  const change = changeFromDiff(diff);
  $('compare-summary').textContent = changeText(change);
  $('compare-legend').textContent = diff.hunks.length ? t('compareLegend') : '';
  $('hunks').replaceChildren(...diff.hunks.map((hunk) => h('div', { class: 'hunk' },
    h('p', { class: 'hunk-text' }, ...trimContext(hunk.segments).map(segmentElement)))));
  $('compare-resources').replaceChildren(...[
    resourceList('compareFilesAdded', diff.resources?.added),
    resourceList('compareFilesRemoved', diff.resources?.removed),
    resourceList('compareFilesChanged', diff.resources?.changed),
  ].filter(Boolean));
  document.body.dataset.ready = 'true';
}

async function main() {
  localize();
  const linkId = Number(params.get('id'));
  const snapshotId = params.has('snapshot') ? Number(params.get('snapshot')) : undefined;
  const query = (params.get('q') ?? '').trim();
  const compare = params.get('compare') === '1';
  if (!Number.isInteger(linkId) || linkId <= 0) { fail({ code: 'not_found', message: location.search }); return; }
  let shown;
  let view = null;
  try {
    [shown, view] = await Promise.all([
      hostCall('show', { id: linkId }),
      compare ? null : hostCall('view', snapshotId ? { id: linkId, snapshot: snapshotId } : { id: linkId }),
    ]);
  } catch (e) { fail(e); return; }
  const { link, snapshots } = shown;
  const snap = view?.snapshot ?? snapshots.find((s) => s.id === snapshotId) ?? snapshots[0];
  if (!snap) { fail({ code: 'not_found', message: `snapshot ${snapshotId}` }); return; }
  document.title = `${link.title || displayUrl(link.url)} — LinkSnap`;
  $('title').textContent = link.title || displayUrl(link.url);
  $('original').href = snap.url || link.url;
  $('original').textContent = displayUrl(snap.url || link.url);
  $('captured').textContent = t('viewerCapturedHow', [formatWhen(snap.captured_at), sourceText(snap)]);
  $('captured').title = snap.captured_at;
  $('tags').replaceChildren(tagEditor(link, null, fail));
  renderStatus(link);
  renderTimeline(link, snapshots, snap.id, query, compare);
  const index = snapshots.findIndex((s) => s.id === snap.id);
  if (compare) {
    $('back-link').hidden = false;
    $('back-link').href = pageUrl({ id: link.id, snapshot: snap.id, q: query });
    await showCompare(link, snapshots, snap);
    return;
  }
  if (snapshots[index + 1]) {
    $('compare-link').hidden = false;
    $('compare-link').href = pageUrl({ id: link.id, snapshot: snap.id, compare: true });
  }
  await showSnapshot(view, query);
}

main();
