// The snapshot viewer: viewer.html?id=<link>[&snapshot=<snapshot>]. The stored document
// goes into a sandbox="" frame through srcdoc: the frame gets an opaque origin and no
// script, so an archived page can neither run nor reach the extension. The frame inherits
// this page's CSP (script-src 'self'), a second lock on the same door.

import { errorText, hostCall, localize, t, tagEditor, viewerUrl } from './common.js';
import { formatLocalTime } from '../shared/format.js';
import { displayUrl } from '../shared/url.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function fail(e) {
  $('message').hidden = false;
  $('message').textContent = errorText(e);
}

async function main() {
  localize();
  const linkId = Number(params.get('id'));
  const snapshotId = params.has('snapshot') ? Number(params.get('snapshot')) : undefined;
  if (!Number.isInteger(linkId) || linkId <= 0) { fail({ code: 'not_found', message: location.search }); return; }
  let shown;
  let view;
  try {
    [shown, view] = await Promise.all([
      hostCall('show', { id: linkId }),
      hostCall('view', snapshotId ? { snapshot: snapshotId } : { id: linkId }),
    ]);
  } catch (e) { fail(e); return; }
  const { link, snapshots } = shown;
  const snap = view.snapshot;
  document.title = `${link.title || displayUrl(link.url)} — LinkSnap`;
  $('title').textContent = link.title || displayUrl(link.url);
  $('original').href = snap.url || link.url;
  $('original').textContent = displayUrl(snap.url || link.url);
  $('captured').textContent = t('viewerCaptured', [formatLocalTime(snap.captured_at)]);
  $('captured').title = snap.captured_at;
  $('tags').replaceChildren(tagEditor(link, null, fail));
  const select = $('snapshots');
  select.replaceChildren(...snapshots.map((s) => {
    const o = document.createElement('option');
    o.value = String(s.id);
    o.textContent = `${formatLocalTime(s.captured_at)} · ${s.source === 'fetch' ? t('sourceFetch') : t('sourceDom')}`;
    o.selected = s.id === snap.id;
    return o;
  }));
  select.addEventListener('change', () => { location.href = viewerUrl(link.id, Number(select.value)); });
  const frame = $('frame');
  frame.addEventListener('load', () => { document.body.dataset.ready = 'true'; }, { once: true });
  frame.srcdoc = view.html;
}

main();
