// Address-bar search: type "ls", a space and words; suggestions come from the host's search
// as you type. Typing is debounced and an answer to an older input is dropped, so a slow
// search never overwrites newer suggestions. Enter opens the chosen snapshot in the viewer
// (with the query, so the viewer marks the matches), in the tab or a new one as the
// disposition says; Enter on typed words opens the best match.
// The address bar itself cannot be driven in a headless browser: tests call onInputChanged
// and onInputEntered (exported on globalThis.linksnap) as the browser would.

import { api, t } from './api.js';
import { host } from './native-port.js';
import { enteredTarget, escapeXml, openOptions, suggestionsFor } from '../shared/omnibox.js';

const DEBOUNCE_MS = 120;
const LIMIT = 6;
// Chromium reads descriptions as XML; Firefox (which has runtime.getBrowserInfo) as text.
const MARKUP = typeof api.runtime.getBrowserInfo !== 'function';

let seq = 0;
let timer = null;
let pending = null; // resolve of the debounced call still waiting, so it can report "stale"
let lastQuery = '';
let shown = []; // the results behind the current suggestions

function setDefault(key, text) {
  const words = MARKUP ? `<match>${escapeXml(text)}</match>` : text;
  api.omnibox.setDefaultSuggestion({ description: t(key, [words]) });
}

/**
 * omnibox.onInputChanged. Resolves with the suggestions given to `suggest`, or 'stale' when
 * a newer input replaced this one (then `suggest` is not called).
 */
export function onInputChanged(text, suggest) {
  const mine = ++seq;
  clearTimeout(timer);
  pending?.('stale');
  const query = String(text ?? '').trim();
  lastQuery = query;
  return new Promise((resolve) => {
    pending = resolve;
    timer = setTimeout(async () => {
      pending = null;
      if (!query) {
        shown = [];
        api.omnibox.setDefaultSuggestion({ description: t('omniboxEmpty') });
        suggest([]);
        resolve([]);
        return;
      }
      let results;
      try {
        results = (await host.request('search', { query, limit: LIMIT })).results ?? [];
      } catch (e) {
        if (mine !== seq) { resolve('stale'); return; }
        shown = [];
        api.omnibox.setDefaultSuggestion({ description: t('omniboxFailed') });
        suggest([]);
        resolve({ error: e.code });
        return;
      }
      if (mine !== seq) { resolve('stale'); return; } // typed on meanwhile
      shown = results;
      setDefault(results.length ? 'omniboxOpenBest' : 'omniboxNoResults', query);
      const suggestions = suggestionsFor(results, query, { markup: MARKUP });
      // The first result is what Enter on the typed words opens (the default row).
      suggest(suggestions);
      resolve(suggestions);
    }, DEBOUNCE_MS);
  });
}

function viewerUrl(linkId, query) {
  const q = new URLSearchParams({ id: String(linkId) });
  if (query) q.set('q', query);
  return api.runtime.getURL(`src/pages/viewer.html?${q}`);
}

/** omnibox.onInputEntered: opens the snapshot; resolves with the URL opened (or null). */
export async function onInputEntered(text, disposition) {
  const target = enteredTarget(text, shown);
  let url;
  if (target.linkId) {
    url = viewerUrl(target.linkId, lastQuery);
  } else if (target.query) {
    let results = [];
    try { results = (await host.request('search', { query: target.query, limit: 1 })).results ?? []; } catch { /* below */ }
    url = results.length ? viewerUrl(results[0].id, target.query) : api.runtime.getURL('src/pages/manager.html');
  } else {
    url = api.runtime.getURL('src/pages/manager.html');
  }
  const how = openOptions(disposition);
  if (how.how === 'create') await api.tabs.create({ url, active: how.active });
  else await api.tabs.update({ url });
  return url;
}

export function installOmnibox() {
  if (!api.omnibox) return;
  api.omnibox.setDefaultSuggestion({ description: t('omniboxEmpty') });
  api.omnibox.onInputChanged.addListener((text, suggest) => { onInputChanged(text, suggest); });
  api.omnibox.onInputEntered.addListener((text, disposition) => {
    onInputEntered(text, disposition).catch((e) => console.warn('LinkSnap omnibox:', e.message));
  });
}
