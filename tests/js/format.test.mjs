import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildTagTree, debounce, formatBytes, formatLocalTime, menuTags, nextIndex, parseTags, safeSnippet, snippetParts, splitLastTag } from '../../extension/src/shared/format.js';

test('times are shown in the given time zone', () => {
  assert.equal(formatLocalTime('2026-11-27T16:04:05.123Z', 'en-GB', 'Asia/Shanghai'), '28/11/2026, 00:04');
  assert.equal(formatLocalTime('2026-11-27T16:04:05.123Z', 'zh-CN', 'UTC'), '2026/11/27 16:04');
  assert.equal(formatLocalTime('not a time'), '');
});

test('snippets keep only <mark>, decoded once', () => {
  assert.deepEqual(snippetParts('…NTS 使用 TLS 交换<mark>密钥</mark>…'),
    [{ text: '…NTS 使用 TLS 交换', mark: false }, { text: '密钥', mark: true }, { text: '…', mark: false }]);
  assert.equal(safeSnippet('a &lt;b&gt; <mark>c</mark>'), 'a &lt;b&gt; <mark>c</mark>');
  assert.equal(safeSnippet('<img src=x onerror=alert(1)><mark>x'), '&lt;img src=x onerror=alert(1)&gt;<mark>x</mark>');
  assert.equal(safeSnippet('</mark>&amp;lt;'), '&lt;/mark&gt;&amp;lt;');
});

test('typed tags split on ASCII and Chinese commas, trimmed, unique', () => {
  assert.deepEqual(parseTags(' linux, 笔记 / 时间 ，Linux、dev/cpp/ ,, '), ['linux', '笔记/时间', 'dev/cpp']);
  assert.deepEqual(parseTags(''), []);
});

test('the tag tree nests by / with parents the host did not list', () => {
  const tree = buildTagTree([
    { name: '笔记/时间', links: 2, links_below: 2 },
    { name: 'dev/cpp', links: 1, links_below: 1 },
    { name: 'dev', links: 1, links_below: 3 },
    { name: 'dev/js', links: 1, links_below: 1 },
  ]);
  assert.deepEqual(tree.map((n) => [n.path, n.links_below]), [['dev', 3], ['笔记', 0]]);
  assert.deepEqual(tree[0].children.map((n) => n.path), ['dev/cpp', 'dev/js']);
  assert.deepEqual(tree[1].children.map((n) => [n.path, n.links]), [['笔记/时间', 2]]);
});

test('menu tags: most used first, unused ones left out', () => {
  assert.deepEqual(menuTags([
    { name: 'a', links: 1, links_below: 1 }, { name: 'b', links: 5, links_below: 5 },
    { name: 'p', links: 0, links_below: 2 }, { name: 'empty', links: 0, links_below: 0 },
  ], 3), ['b', 'a', 'p']);
});

test('debounce runs once after the last call', async () => {
  let calls = [];
  const f = debounce((x) => calls.push(x), 20);
  f(1); f(2); f(3);
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(calls, [3]);
});

test('formatBytes', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(10 * 1024 * 1024), '10 MB');
});

test('splitLastTag: the tags typed so far and the one being typed', () => {
  assert.deepEqual(splitLastTag(''), { prefix: '', partial: '' });
  assert.deepEqual(splitLastTag('li'), { prefix: '', partial: 'li' });
  assert.deepEqual(splitLastTag('a, b,li'), { prefix: 'a, b, ', partial: 'li' });
  assert.deepEqual(splitLastTag('笔记，时'), { prefix: '笔记， ', partial: '时' });
  assert.deepEqual(splitLastTag('a、 '), { prefix: 'a、 ', partial: '' });
});

test('nextIndex: ↑/↓ through the results, back to the box above the first', () => {
  assert.equal(nextIndex(-1, 1, 3), 0);
  assert.equal(nextIndex(2, 1, 3), 2);
  assert.equal(nextIndex(0, -1, 3), -1);
  assert.equal(nextIndex(-1, -1, 3), -1);
  assert.equal(nextIndex(5, 1, 0), -1);
});
