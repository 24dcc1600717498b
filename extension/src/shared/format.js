// Formatting and parsing helpers for the pages. Pure: tested under node.

/** An ISO 8601 UTC time in the reader's time zone, e.g. "2026-11-27 17:04". */
export function formatLocalTime(iso, locale = undefined, timeZone = undefined) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return timeFormat(locale, timeZone).format(d);
}

// Making an Intl.DateTimeFormat costs far more than using one (a list of 100 rows spent
// most of its time here): one per locale and time zone.
const timeFormats = new Map();
function timeFormat(locale, timeZone) {
  const key = `${locale ?? ''}|${timeZone ?? ''}`;
  let f = timeFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      hour12: false, timeZone,
    });
    timeFormats.set(key, f);
  }
  return f;
}

const HTML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(text) {
  return String(text ?? '').replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * The host's snippet is "HTML: the page text escaped, matches in <mark>". Trusting that
 * would let a stored page put markup into our pages, so the snippet is read as text runs:
 * [{text, mark}], where only exactly `<mark>` and `</mark>` count as markup and the
 * entities the host wrote are decoded. Pages build text nodes from the runs (no innerHTML).
 */
export function snippetParts(snippet) {
  const runs = [];
  let open = false;
  for (const part of String(snippet ?? '').split(/(<\/?mark>)/)) {
    if (part === '<mark>' && !open) open = true;
    else if (part === '</mark>' && open) open = false;
    else if (part) runs.push({ text: decodeEntities(part), mark: open });
  }
  return runs;
}

/** The snippet as safe HTML (escaped text, only <mark> kept). */
export function safeSnippet(snippet) {
  return snippetParts(snippet)
    .map((r) => (r.mark ? `<mark>${escapeHtml(r.text)}</mark>` : escapeHtml(r.text))).join('');
}

function decodeEntities(s) {
  return s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_, e) =>
    ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e]);
}

/** Tag names typed by a person: split on commas (also the Chinese ，、), trimmed, unique. */
export function parseTags(text) {
  const seen = new Set();
  const tags = [];
  for (const raw of String(text ?? '').split(/[,，、]/)) {
    const tag = raw.trim().replace(/\s*\/\s*/g, '/').replace(/^\/+|\/+$/g, '');
    const key = tag.toLowerCase();
    if (tag && !seen.has(key)) { seen.add(key); tags.push(tag); }
  }
  return tags;
}

/**
 * The host's flat tag list as a tree by '/': [{name, path, links, links_below, children}],
 * siblings ordered by use (links_below) then name. Parents the host does not list get
 * zero counts.
 */
export function buildTagTree(tags) {
  const root = { children: new Map() };
  for (const tag of tags) {
    let node = root;
    const parts = tag.name.split('/');
    parts.forEach((name, i) => {
      const path = parts.slice(0, i + 1).join('/');
      if (!node.children.has(name.toLowerCase())) {
        node.children.set(name.toLowerCase(), { name, path, links: 0, links_below: 0, children: new Map() });
      }
      node = node.children.get(name.toLowerCase());
    });
    node.links = tag.links ?? 0;
    node.links_below = Math.max(node.links_below, tag.links_below ?? tag.links ?? 0);
  }
  const finish = (map) => [...map.values()]
    .map((n) => ({ ...n, children: finish(n.children) }))
    .sort((a, b) => b.links_below - a.links_below || a.name.localeCompare(b.name));
  return finish(root.children);
}

/** The first `limit` tags for a menu: most used first (the host's order), leaves included. */
export function menuTags(tags, limit = 20) {
  return [...tags]
    .filter((t) => (t.links ?? 0) > 0 || (t.links_below ?? 0) > 0)
    .sort((a, b) => (b.links ?? 0) - (a.links ?? 0) || (b.links_below ?? 0) - (a.links_below ?? 0))
    .slice(0, limit)
    .map((t) => t.name);
}

/** Debounces fn by `ms`; the returned function has .cancel(). */
export function debounce(fn, ms) {
  let timer = null;
  const wrapped = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => { timer = null; fn(...args); }, ms);
  };
  wrapped.cancel = () => clearTimeout(timer);
  return wrapped;
}

/** Bytes for people: 1.2 MB. */
export function formatBytes(n) {
  if (!(n >= 0)) return '';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "a, b, li" → {prefix: "a, b, ", partial: "li"}: the tags typed so far and the one being typed. */
export function splitLastTag(text) {
  const s = String(text ?? '');
  const at = Math.max(s.lastIndexOf(','), s.lastIndexOf('，'), s.lastIndexOf('、'));
  const prefix = at < 0 ? '' : `${s.slice(0, at + 1).trimEnd()} `;
  return { prefix, partial: s.slice(at + 1).trim() };
}

/**
 * Keyboard movement through `count` results: from `index` (-1: the search box) by `step`
 * (±1), stopping at the last one and going back to the box (-1) above the first.
 */
export function nextIndex(index, step, count) {
  if (count <= 0) return -1;
  return Math.max(-1, Math.min(count - 1, index + step));
}
