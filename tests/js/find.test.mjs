// Where a query matches a page's text: the viewer marks these, the omnibox marks titles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findMatches, markRuns, matcherFor, queryTerms } from '../../extension/src/shared/find.js';

test('a query\'s positive terms: words, phrases, title:/text:, not -excluded, OR, url: or tags:', () => {
  assert.deepEqual(queryTerms('密钥 "exact phrase" -excluded title:chrony url:x tags:dev a OR b (c* text:"NTS 密"'), [
    { text: '密钥', phrase: false }, { text: 'exact phrase', phrase: true }, { text: 'chrony', phrase: false },
    { text: 'a', phrase: false }, { text: 'b', phrase: false }, { text: 'c', phrase: false }, { text: 'NTS 密', phrase: true },
  ]);
  assert.deepEqual(queryTerms('  '), []);
  assert.deepEqual(queryTerms('Chrony chrony CHRONY'), [{ text: 'Chrony', phrase: false }]);
  assert.equal(matcherFor('-only url:excluded'), null);
});

test('Latin words match as prefixes at a word start, case-insensitively; CJK anywhere', () => {
  const runs = markRuns('Chrony uses NTS. 交换密钥和密钥; unchrony; chrony-nts; Exact, phrase!', 'chrony 密钥 "exact phrase"');
  assert.deepEqual(runs.filter((r) => r.mark).map((r) => r.text), ['Chrony', '密钥', '密钥', 'chrony', 'Exact, phrase']);
  assert.equal(runs.map((r) => r.text).join(''), 'Chrony uses NTS. 交换密钥和密钥; unchrony; chrony-nts; Exact, phrase!');
  assert.deepEqual(markRuns('Straße STRASSE', 'straße').filter((r) => r.mark).map((r) => r.text), ['Straße']);
});

test('the longest term wins where two overlap; regex characters are literal', () => {
  assert.deepEqual(findMatches('密钥交换 a.b+c', matcherFor('密 密钥交换 a.b+c')), [{ start: 0, end: 4 }, { start: 5, end: 10 }]);
  assert.deepEqual(findMatches('aXb', matcherFor('a.b')), []);
});

test('matches are bounded', () => {
  assert.equal(findMatches('密'.repeat(10000), matcherFor('密'), 2000).length, 2000);
});
