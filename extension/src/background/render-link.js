// "Add link" and "Save link" for a page that is not open: it is opened in an inactive, muted
// tab, left to load and go quiet (both bounded together), captured with the toolbar's
// serializer and closed — so a page whose text is written by script is saved as a reader
// sees it, and the person's own tab is never touched. What a tab cannot give as a DOM (a PDF,
// an image, a download, an error page, a tab that could not be opened) is fetched by the host
// instead (`add`), which keeps files as they are and says what went wrong in words.

import { api } from './api.js';
import { host } from './native-port.js';
import { serializeTab } from './capture.js';

export const RENDER_LIMIT_MS = 20_000;  // loading and the quiet after it, together
// No new resource and no DOM change for this long: more than the 1 s to which browsers
// throttle a background tab's timers, so a page's own setTimeout(…, 300) still counts.
const QUIET_MS = 1_500;
const HEAD_LIMIT_MS = 5_000;

/** Saves `url` rendered in a background tab, else fetched by the host. Resolves with the
 * host's save result (snapshot.source "render" or "fetch"); rejects with a HostError. */
export async function addLink(url, { tags } = {}) {
  const page = (await mayRender()) && (await looksLikeAPage(url)) ? await renderInTab(url).catch(() => null) : null;
  const args = page
    ? { url: page.url, html: page.html, title: page.title, source: 'render', requested_url: url }
    : { url };
  if (tags?.length) args.tags = tags;
  return host.request(page ? 'save' : 'add', args);
}

/** Scripting a tab the person did not open needs access to all sites: granted at install in
 * Chromium, but a Firefox user may withhold it (about:addons → LinkSnap → Permissions). */
async function mayRender() {
  try {
    return await api.permissions.contains({ origins: ['<all_urls>'] });
  } catch {
    return false;
  }
}

/** A HEAD request first, so that a PDF, an image or a download never opens in a tab (where
 * it would show a viewer or start a download) and an unreachable address is reported by the
 * host's fetch, in words. A server that refuses HEAD gets the tab. */
async function looksLikeAPage(url) {
  let response;
  try {
    response = await fetch(url, { method: 'HEAD', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(HEAD_LIMIT_MS) });
  } catch {
    return false;
  }
  if (response.status === 405 || response.status === 501) return true;
  if (!response.ok) return false;
  const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  return type === '' || type === 'text/html' || type === 'application/xhtml+xml';
}

async function renderInTab(url) {
  const deadline = Date.now() + RENDER_LIMIT_MS;
  const tab = await api.tabs.create({ url, active: false });
  try {
    api.tabs.update(tab.id, { muted: true }).catch(() => {});
    await loaded(tab.id, deadline);
    const [probe] = await api.scripting.executeScript({
      target: { tabId: tab.id },
      func: settle,
      args: [QUIET_MS, Math.max(0, deadline - Date.now())],
    });
    // An error page cannot be scripted (executeScript throws); a PDF or image is a file.
    const type = probe?.result?.contentType;
    if (type !== 'text/html' && type !== 'application/xhtml+xml') return null;
    return await serializeTab(tab.id);
  } finally {
    api.tabs.remove(tab.id).catch(() => {});
  }
}

/** Resolves when the tab finished loading, or at the deadline (what is there is taken). */
function loaded(tabId, deadline) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      api.tabs.onUpdated.removeListener(onUpdated);
      resolve();
    };
    // A new tab is first about:blank, "complete" (Firefox says so): wait for the page itself.
    const isPage = (tab) => tab.status === 'complete' && /^https?:/.test(tab.url ?? '');
    const onUpdated = (id, change, tab) => { if (id === tabId && isPage(tab)) done(); };
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    api.tabs.onUpdated.addListener(onUpdated);
    api.tabs.get(tabId).then((tab) => { if (isPage(tab)) done(); }, done);
  });
}

/** Runs in the page (isolated world): waits until no resource arrived and the DOM did not
 * change for `quietMs`, at most `limitMs`; reports the document's type. */
function settle(quietMs, limitMs) {
  return new Promise((resolve) => {
    const report = () => resolve({ contentType: document.contentType });
    if (document.contentType !== 'text/html' && document.contentType !== 'application/xhtml+xml') { report(); return; }
    const start = performance.now();
    let lastChange = start;
    let resources = performance.getEntriesByType('resource').length;
    const observer = new MutationObserver(() => { lastChange = performance.now(); });
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    const tick = () => {
      const now = performance.now();
      const seen = performance.getEntriesByType('resource').length;
      if (seen !== resources) { resources = seen; lastChange = now; }
      if (now - lastChange >= quietMs || now - start >= limitMs) {
        observer.disconnect();
        report();
      } else {
        setTimeout(tick, 100);
      }
    };
    tick();
  });
}
