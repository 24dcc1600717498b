// Where a search query matches a text, the way the host's search matches it: the viewer
// marks these places in a snapshot opened from a search hit, the omnibox in titles.
// Pure: tested under node.
//
// The host's query language (docs/protocol.md): words (Latin words match as prefixes),
// "exact phrase", -excluded, a OR b, and title:/url:/text:/tags: for one field. CJK text
// matches as a substring of any length. Excluded words, OR and the url:/tags: fields say
// nothing about the page text, so they mark nothing.

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MAX_TERMS = 32;
const MAX_TERM_CHARS = 200;

/** The positive terms of a query: [{text, phrase}] (phrases keep their words). */
export function queryTerms(query) {
  const terms = [];
  const re = /(-?)(?:([A-Za-z]+):)?(?:"([^"]*)"?|(\S+))/g;
  for (const m of String(query ?? '').matchAll(re)) {
    const [, minus, field, phrase, word] = m;
    if (minus) continue;
    if (field && !['title', 'text'].includes(field.toLowerCase())) continue;
    if (word === 'OR' || word === 'AND' || word === 'NOT') continue;
    // Query syntax around a word ("(a", "b*", "c)") is not part of it.
    const text = (phrase ?? word ?? '').replace(/^[("'*^]+|[)"'*^]+$/g, '').trim().slice(0, MAX_TERM_CHARS);
    if (!text) continue;
    if (!terms.some((t) => t.text.toLowerCase() === text.toLowerCase())) terms.push({ text, phrase: phrase !== undefined });
    if (terms.length >= MAX_TERMS) break;
  }
  return terms;
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// One term as a pattern: the words of a phrase may be separated by anything that is not a
// letter or digit (the tokenizer drops it); a Latin term starts at a word boundary (it
// matches as a prefix); CJK matches anywhere.
function termPattern(text) {
  const words = text.split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean);
  if (!words.length) return null;
  const body = words.map(escapeRegExp).join('[^\\p{L}\\p{N}]*');
  return CJK.test(words[0][0]) ? body : `(?<![\\p{L}\\p{N}\\p{M}])${body}`;
}

/** A global, case-insensitive RegExp for the query's terms (longest first), or null. */
export function matcherFor(query) {
  const patterns = queryTerms(query).map((t) => termPattern(t.text)).filter(Boolean)
    .sort((a, b) => b.length - a.length);
  return patterns.length ? new RegExp(patterns.join('|'), 'giu') : null;
}

/** The matches of `matcher` in `text`: [{start, end}] in UTF-16 offsets, at most `limit`. */
export function findMatches(text, matcher, limit = Infinity) {
  const out = [];
  if (!matcher || !text) return out;
  matcher.lastIndex = 0;
  for (const m of String(text).matchAll(matcher)) {
    if (!m[0]) continue;
    out.push({ start: m.index, end: m.index + m[0].length });
    if (out.length >= limit) break;
  }
  return out;
}

/** `text` as runs [{text, mark}] with the query's matches marked. */
export function markRuns(text, query) {
  const s = String(text ?? '');
  const runs = [];
  let at = 0;
  for (const { start, end } of findMatches(s, matcherFor(query))) {
    if (start > at) runs.push({ text: s.slice(at, start), mark: false });
    runs.push({ text: s.slice(start, end), mark: true });
    at = end;
  }
  if (at < s.length) runs.push({ text: s.slice(at), mark: false });
  return runs;
}
