// Address-bar suggestions: escaped XML with the matches marked for Chromium, plain text
// for Firefox; Enter's target and tab.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enteredTarget, escapeXml, openOptions, suggestionFor, suggestionsFor } from '../../extension/src/shared/omnibox.js';

const result = { id: 7, title: 'chrony <时间> & NTS', url: 'http://127.0.0.1:8000/a.html?x=1&y=2',
  snippet: '…NTS 使用 TLS 交换<mark>密钥</mark>… a &lt;b&gt;' };

test('Chromium: the stored page\'s text is escaped, the query\'s matches are <match>', () => {
  assert.deepEqual(suggestionFor(result, '密钥 chrony'), {
    content: 'http://127.0.0.1:8000/a.html?x=1&y=2',
    description: '<match>chrony</match> &lt;时间&gt; &amp; NTS <dim>—</dim> <url>http://127.0.0.1:8000/a.html?x=1&amp;y=2</url>' +
      ' <dim>—</dim> <dim>…NTS 使用 TLS 交换<match>密钥</match>… a &lt;b&gt;</dim>',
  });
});

test('Firefox: plain text', () => {
  assert.equal(suggestionFor(result, '密钥', { markup: false }).description,
    'chrony <时间> & NTS — http://127.0.0.1:8000/a.html?x=1&y=2 — …NTS 使用 TLS 交换密钥… a <b>');
});

test('a page cannot put markup into the dropdown, nor characters XML forbids', () => {
  const evil = { id: 1, url: 'https://e/', title: '</match><url>x</url>\u0001', snippet: '<mark><img src=x></mark>' };
  const { description } = suggestionFor(evil, 'x');
  assert.equal(description, '&lt;/match&gt;&lt;url&gt;<match>x</match>&lt;/url&gt; <dim>—</dim> <url>https://e/</url> <dim>—</dim> <dim><match>&lt;img src=x&gt;</match></dim>');
  assert.equal(escapeXml('a\u0000b\uFFFFc"\''), 'abc&quot;&apos;');
  assert.equal(escapeXml('\uD83D😀x\uDE00'), '😀x');
});

test('long titles and snippets are cut to one line; one suggestion per address', () => {
  const long = { id: 2, url: 'https://e/2', title: 'x'.repeat(300), snippet: `a\n\n${'y'.repeat(300)}` };
  const { description } = suggestionFor(long, '', { markup: false });
  assert.equal(description, `${'x'.repeat(89)}… — https://e/2 — a ${'y'.repeat(107)}…`);
  assert.equal(suggestionsFor([result, { ...result, id: 8 }, long], 'q').length, 2);
});

test('a snippet that is the title is not repeated', () => {
  assert.equal(suggestionFor({ id: 3, url: 'https://e/3', title: 'chrony 时间', snippet: '<mark>chrony</mark> 时间' }, 'chrony').description,
    '<match>chrony</match> 时间 <dim>—</dim> <url>https://e/3</url>');
});

test('Enter: a chosen suggestion opens its link; typed words are a query', () => {
  assert.deepEqual(enteredTarget('http://127.0.0.1:8000/a.html?x=1&y=2', [result]), { linkId: 7 });
  assert.deepEqual(enteredTarget(' 密钥 ', [result]), { query: '密钥' });
  assert.deepEqual(openOptions('currentTab'), { how: 'update' });
  assert.deepEqual(openOptions('newForegroundTab'), { how: 'create', active: true });
  assert.deepEqual(openOptions('newBackgroundTab'), { how: 'create', active: false });
});
