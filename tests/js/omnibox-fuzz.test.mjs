// Random titles, snippets, addresses and queries (a fixed seed, so a failure repeats): the
// query matcher never throws, and every Chromium description is well-formed XML made of
// escaped text and the three tags the address bar knows, properly nested. A stored page
// chooses its own title and text, so this is the surface a hostile page reaches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMatches, markRuns, matcherFor } from '../../extension/src/shared/find.js';
import { suggestionFor } from '../../extension/src/shared/omnibox.js';

let seed = 0x5eed1234;
const rand = (n) => { seed = (seed * 1103515245 + 12345) >>> 0; return seed % n; };
const PIECES = ['<', '>', '&', '"', "'", '<mark>', '</mark>', '<match>', '</url>', '&lt;', '&amp;', '&#39;', ']]>', '\u0000',
  '\u0001', '\uFFFF', '\uD83D', '\uDE00', '😀', '密钥', '時間', 'ß', 'é', 'a', 'NTS', ' ', '\n', '\t', '"', '-', ':', 'title:',
  'OR', '*', '(', ')', '\\', '.*', '[', '$', '^', '?', '+', '{2}', '|'];
const junk = (max) => Array.from({ length: rand(max) }, () => PIECES[rand(PIECES.length)]).join('');

function wellFormed(xml) {
  const stack = [];
  for (const m of xml.matchAll(/<(\/?)([^>]*)>/g)) {
    assert.ok(['match', 'url', 'dim'].includes(m[2]), `unknown tag <${m[1]}${m[2]}> in ${JSON.stringify(xml)}`);
    if (m[1]) assert.equal(stack.pop(), m[2], `unbalanced in ${JSON.stringify(xml)}`);
    else stack.push(m[2]);
  }
  assert.deepEqual(stack, [], `unclosed in ${JSON.stringify(xml)}`);
  const text = xml.replace(/<\/?(match|url|dim)>/g, '');
  assert.doesNotMatch(text, /[<>]|&(?!(amp|lt|gt|quot|apos);)/, JSON.stringify(xml));
  assert.doesNotMatch(text, /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/, JSON.stringify(xml));
  assert.ok(text.isWellFormed(), `a half surrogate pair in ${JSON.stringify(xml)}`);
}

test('5,000 random results and queries: the matcher holds and descriptions are well-formed XML', () => {
  for (let i = 0; i < 5000; i++) {
    const query = junk(8);
    const result = { id: i, title: junk(20), url: `https://e/${junk(6)}`, snippet: junk(30) };
    const matcher = matcherFor(query);
    const text = junk(40);
    for (const { start, end } of findMatches(text, matcher)) assert.ok(start < end && end <= text.length);
    assert.equal(markRuns(text, query).map((r) => r.text).join(''), text);
    wellFormed(suggestionFor(result, query).description);
  }
});
