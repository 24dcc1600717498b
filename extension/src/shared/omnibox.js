// Address-bar suggestions (keyword "ls") from the host's search results. Pure: tested
// under node. Chromium reads a suggestion's description as XML (<match>, <url>, <dim>), so
// every text from a stored page is escaped and matches are wrapped in <match>; Firefox
// shows the description as plain text, so there it is plain.

import { snippetParts } from './format.js';
import { markRuns } from './find.js';

const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/**
 * Text for an XML description: escaped, and without characters XML 1.0 forbids (controls,
 * U+FFFE/FFFF, and half surrogate pairs, which a cut to one line can also make).
 */
export function escapeXml(text) {
  return String(text ?? '')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);
}

// Descriptions are one line in the dropdown: longer text is cut, whitespace folded.
const TITLE_CHARS = 90;
const SNIPPET_CHARS = 110;
function fold(text, max) {
  const s = String(text ?? '').replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function runsToDescription(runs, markup) {
  return runs.map((r) => (markup && r.mark ? `<match>${escapeXml(r.text)}</match>` : markup ? escapeXml(r.text) : r.text)).join('');
}

// Cuts runs to `max` characters in all.
function cutRuns(runs, max) {
  const out = [];
  let left = max;
  for (const r of runs) {
    if (left <= 0) break;
    const text = r.text.length > left ? `${r.text.slice(0, Math.max(0, left - 1))}…` : r.text;
    out.push({ text, mark: r.mark });
    left -= r.text.length;
  }
  return out;
}

/**
 * One suggestion for a search result: {content, description}. `content` (what the address
 * bar shows when it is chosen, and what onInputEntered receives) is the link's address;
 * the description is its title with the query's words marked, then the snippet's match.
 */
export function suggestionFor(result, query, { markup = true } = {}) {
  const title = fold(result.title || result.url, TITLE_CHARS);
  const titlePart = runsToDescription(markRuns(title, query), markup);
  let snippetRuns = snippetParts(result.snippet).map((r) => ({ text: r.text.replace(/\s+/g, ' '), mark: r.mark }));
  // The host snippets the title when the match is there: no need to say it twice.
  if (snippetRuns.map((r) => r.text).join('').trim() === title) snippetRuns = [];
  const snippet = runsToDescription(cutRuns(snippetRuns, SNIPPET_CHARS), markup);
  const url = markup ? `<url>${escapeXml(fold(result.url, 80))}</url>` : fold(result.url, 80);
  const parts = [titlePart, url];
  if (snippet.trim()) parts.push(markup ? `<dim>${snippet}</dim>` : snippet);
  return { content: String(result.url), description: parts.join(markup ? ' <dim>—</dim> ' : ' — ') };
}

/** Suggestions for the host's results; each address once (the address bar drops duplicates anyway). */
export function suggestionsFor(results, query, options) {
  const seen = new Set();
  const out = [];
  for (const r of results ?? []) {
    if (!r?.url || seen.has(r.url)) continue;
    seen.add(r.url);
    out.push(suggestionFor(r, query, options));
  }
  return out;
}

/**
 * What Enter does with the text in the address bar: a chosen suggestion's content is a
 * result's address ({linkId} from the results shown), anything else is a query.
 */
export function enteredTarget(text, shown) {
  const s = String(text ?? '').trim();
  const hit = (shown ?? []).find((r) => r.url === s);
  if (hit) return { linkId: hit.id };
  return { query: s };
}

/** tabs.create/update options for a disposition (Enter, Alt+Enter, Shift+Enter…). */
export function openOptions(disposition) {
  if (disposition === 'newForegroundTab') return { how: 'create', active: true };
  if (disposition === 'newBackgroundTab') return { how: 'create', active: false };
  return { how: 'update' }; // currentTab
}
