// The manager's pure parts: counted phrases in English and Chinese, the selection over a
// paged list, counting a list by probing offsets, and the browser's bookmark tree turned
// into the host's import arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { PHRASES, formatCount, plural, pluralCategory } from '../../extension/src/shared/plural.js';
import { Selection, clampPage, countByProbing, pageCount } from '../../extension/src/shared/selection.js';
import { bookmarksToImport, folderList, withDescendants } from '../../extension/src/shared/bookmarks.js';

const EXT = new URL('../../extension/', import.meta.url).pathname;
const messages = (lang) => JSON.parse(readFileSync(`${EXT}_locales/${lang}/messages.json`, 'utf8'));
// chrome.i18n.getMessage's substitution of $1, $2 for one locale's messages.
const tFor = (lang) => { const m = messages(lang); return (key, subs = []) => m[key].message.replace(/\$(\d)/g, (_, i) => subs[i - 1]); };

test('English counts one link and two links', () => {
  const t = tFor('en');
  assert.equal(plural(t, 'links', 1, 'en-US'), '1 link');
  assert.equal(plural(t, 'links', 2, 'en-US'), '2 links');
  assert.equal(plural(t, 'links', 0, 'en-US'), '0 links');
  assert.equal(plural(t, 'links', 100000, 'en-US'), '100,000 links');
  assert.equal(plural(t, 'deleted', 1, 'en-US'), 'Deleted 1 link');
  assert.equal(plural(t, 'selectAll', 2345, 'en-US'), 'Select all 2,345 matching links');
});

test('Chinese has one form: 1 个链接, 2 个链接', () => {
  const t = tFor('zh_CN');
  assert.equal(pluralCategory(1, 'zh-CN'), 'other');
  assert.equal(plural(t, 'links', 1, 'zh-CN'), '1 个链接');
  assert.equal(plural(t, 'links', 2, 'zh-CN'), '2 个链接');
  assert.equal(plural(t, 'selected', 100000, 'zh-CN'), '已选择 100,000 个链接');
});

test('every counted phrase has its keys in both languages, and an unknown phrase throws', () => {
  for (const lang of ['en', 'zh_CN']) {
    const m = messages(lang);
    for (const [name, keys] of Object.entries(PHRASES)) for (const key of Object.values(keys)) assert.ok(m[key], `${lang} ${name} ${key}`);
  }
  assert.throws(() => plural(() => '', 'nope', 1, 'en'), /no counted phrase "nope"/);
  assert.equal(formatCount(1234, 'not a locale!'), '1234');
});

test('a selection of ids, and of everything matching but some', () => {
  const s = new Selection();
  s.set(1, true); s.set(2, true); s.set(2, false);
  assert.equal(s.has(1), true);
  assert.equal(s.has(2), false);
  assert.equal(s.count(500), 1);
  s.selectAll();
  s.set(7, false);
  assert.equal(s.has(1), true);
  assert.equal(s.has(7), false);
  assert.equal(s.count(100000), 99999);
  s.forget([7]);
  assert.equal(s.count(100000), 100000);
  s.clear();
  assert.equal(s.count(100000), 0);
});

test('pages and page numbers stay in range', () => {
  assert.equal(pageCount(0, 100), 1);
  assert.equal(pageCount(100, 100), 1);
  assert.equal(pageCount(100001, 100), 1001);
  assert.equal(clampPage(-3, 10), 0);
  assert.equal(clampPage(99, 10), 9);
  assert.equal(clampPage('abc', 10), 0);
  assert.equal(clampPage(Number.MAX_SAFE_INTEGER, 1001), 1000);
});

test('counting by probing finds the exact size in about 2·log2(n) questions', async () => {
  for (const n of [0, 1, 2, 99, 100, 101, 12345, 100000]) {
    let asked = 0;
    const got = await countByProbing(async (k) => { asked++; return k < n; }, Math.min(n, 100) - 1);
    assert.equal(got, n, `n=${n}`);
    assert.ok(asked <= 2 * Math.ceil(Math.log2(n + 2)) + 2, `n=${n}: ${asked} questions`);
  }
});

// A Chrome-shaped tree: root → Bookmarks bar, Other bookmarks (names in the UI language).
const TREE = [{ id: '0', title: '', children: [
  { id: '1', title: '书签栏', children: [
    { id: '10', title: 'dev', children: [
      { id: '100', title: 'cpp', children: [{ id: '1000', title: 'cppreference', url: 'https://en.cppreference.com/', dateAdded: 1700000000123 }] },
      { id: '101', title: 'ninja', url: 'https://ninja-build.org/', dateAdded: 1700000000000 },
      { id: '102', title: 'a script', url: 'javascript:alert(1)' },
    ] },
    { id: '11', title: 'loose', url: 'http://example.org/' },
  ] },
  { id: '2', title: 'Other bookmarks', children: [{ id: '20', title: 'sep', type: 'separator', url: 'data:' },
    { id: '21', title: 'places', url: 'place:sort=8' }] },
]}];

test('the folders of a bookmark tree, with their own bookmark counts', () => {
  const folders = folderList(TREE);
  assert.deepEqual(folders.map((f) => [f.id, f.path.join('/'), f.depth, f.links]),
    [['1', '', 0, 1], ['10', 'dev', 1, 2], ['100', 'dev/cpp', 2, 1], ['2', '', 0, 1]]);
  assert.deepEqual([...withDescendants(folders, '10')].sort(), ['10', '100']);
});

test('chosen folders become the import command\'s bookmarks, root names dropped, other schemes counted', () => {
  const { bookmarks, skipped } = bookmarksToImport(TREE, new Set(['1', '10', '100', '2']));
  assert.deepEqual(bookmarks, [
    { url: 'https://en.cppreference.com/', title: 'cppreference', folders: ['dev', 'cpp'], added_at: 1700000000123 },
    { url: 'https://ninja-build.org/', title: 'ninja', folders: ['dev'], added_at: 1700000000000 },
    { url: 'http://example.org/', title: 'loose', folders: [] },
  ]);
  assert.deepEqual(skipped, { 'javascript:': 1, 'place:': 1 });
  assert.deepEqual(bookmarksToImport(TREE, new Set(['100'])).bookmarks.map((b) => b.title), ['cppreference']);
});

test('the background checks the manager\'s delete and import messages', async () => {
  const { validateMessage } = await import('../../extension/src/shared/messages.js');
  assert.equal(validateMessage({ cmd: 'delete.schedule', args: { ids: [1, 2] } }), null);
  assert.deepEqual(validateMessage({ cmd: 'delete.schedule', args: { ids: [] } }),
    { code: 'bad_request', message: 'args.ids must be a non-empty array of link ids' });
  assert.deepEqual(validateMessage({ cmd: 'delete.schedule', args: { ids: ['1'] } }),
    { code: 'bad_request', message: 'args.ids must be a non-empty array of link ids' });
  assert.equal(validateMessage({ cmd: 'delete.cancel', args: { token: 'x-1' } }), null);
  assert.equal(validateMessage({ cmd: 'import', args: { html: '<DL>' } }), null);
  assert.equal(validateMessage({ cmd: 'import', args: { bookmarks: [], keep_root_folders: true } }), null);
  assert.deepEqual(validateMessage({ cmd: 'import', args: { html: 'a', bookmarks: [] } }),
    { code: 'bad_request', message: 'args needs either "html" (a string) or "bookmarks" (an array)' });
  assert.deepEqual(validateMessage({ cmd: 'import', args: { html: 'a', path: '/etc/passwd' } }),
    { code: 'bad_request', message: 'args.path is not an import option' });
});

test('the background checks the manager\'s "ids of every matching link" message', async () => {
  const { validateMessage } = await import('../../extension/src/shared/messages.js');
  assert.equal(validateMessage({ cmd: 'list.ids', args: {} }), null);
  assert.equal(validateMessage({ cmd: 'list.ids', args: { tags: ['t7'], status: 'broken' } }), null);
  assert.equal(validateMessage({ cmd: 'delete.matching', args: { tags: ['t7'], except: [3, 4], count: 1998 } }), null);
  assert.deepEqual(validateMessage({ cmd: 'delete.matching', args: { except: [], count: -1 } }),
    { code: 'bad_request', message: 'args.count must be a count' });
  assert.deepEqual(validateMessage({ cmd: 'delete.matching', args: { except: ['3'], count: 1 } }),
    { code: 'bad_request', message: 'args.except must be an array of link ids' });
  assert.deepEqual(validateMessage({ cmd: 'list.ids', args: { tags: [] } }),
    { code: 'bad_request', message: 'args.tags must be a non-empty array of tag names' });
  assert.deepEqual(validateMessage({ cmd: 'list.ids', args: { status: 3 } }),
    { code: 'bad_request', message: 'args.status must be a non-empty string' });
});
