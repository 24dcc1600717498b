// Words for a link's history and health (viewer timeline, popup marks), with fixed data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  changeFromDiff, changeFromSizes, changeLabel, snapshotTimes, sourceKind, statusMark, statusSentence,
} from '../../extension/src/shared/snapshots.js';

const en = JSON.parse(readFileSync(new URL('../../extension/_locales/en/messages.json', import.meta.url), 'utf8'));
const zh = JSON.parse(readFileSync(new URL('../../extension/_locales/zh_CN/messages.json', import.meta.url), 'utf8'));
// i18n.getMessage's substitution of $1…$9.
const words = (messages, r) => messages[r.key].message.replace(/\$(\d)/g, (_, n) => r.subs[n - 1]);

test('how a snapshot was made', () => {
  assert.equal(sourceKind({ source: 'dom', media_type: 'text/html' }), 'dom');
  assert.equal(sourceKind({ source: 'capture' }), 'dom');
  assert.equal(sourceKind({ source: 'fetch', media_type: 'text/html' }), 'fetch');
  assert.equal(sourceKind({ source: 'render', media_type: 'text/html' }), 'render');
  assert.equal(sourceKind({ source: 'fetch', media_type: 'application/pdf' }), 'file');
});

test('changed from the previous one: a guess from sizes, then the diff\'s exact counts', () => {
  const a = { html_bytes: 100, total_bytes: 900, resource_count: 3, failed_count: 0 };
  assert.equal(changeFromSizes(undefined, a), 'first');
  assert.equal(changeFromSizes(a, { ...a }), 'same-size');
  assert.equal(changeFromSizes(a, { ...a, resource_count: 4 }), 'changed');
  const diff = { identical: false, inserted_chars: 19, deleted_chars: 0, resources: { added: ['x'], removed: [], changed: [] } };
  assert.deepEqual(changeFromDiff(diff), { changed: true, inserted: 19, deleted: 0, added: 1, removed: 0, modified: 0 });
  assert.equal(words(en, changeLabel(changeFromDiff(diff))), 'text changed: +19 −0 characters; 1 files differ');
  assert.equal(words(en, changeLabel(changeFromDiff({ ...diff, resources: {} }))), 'text changed: +19 −0 characters');
  assert.equal(words(en, changeLabel(changeFromDiff({ identical: true, resources: { added: [], removed: [], changed: [] } }))), 'no change');
  assert.equal(words(zh, changeLabel(changeFromDiff({ identical: true, resources: { changed: ['a', 'b'] } }))), '文字相同；2 个文件不同');
  assert.equal(words(en, changeLabel('first')), 'first snapshot');
});

test('timeline times: date and time in the reader\'s locale, seconds only where a minute repeats', () => {
  const snaps = [{ captured_at: '2026-12-02T14:03:05Z' }, { captured_at: '2026-12-02T14:03:50Z' }, { captured_at: '2026-11-30T09:00:00Z' }];
  assert.deepEqual(snapshotTimes(snaps, 'en-GB', 'UTC'),
    ['Wed, 2 Dec 2026, 14:03:05', 'Wed, 2 Dec 2026, 14:03:50', 'Mon, 30 Nov 2026, 09:00']);
  assert.deepEqual(snapshotTimes([snaps[0], snaps[2]], 'zh-CN', 'Asia/Shanghai'), ['2026年12月2日周三 22:03', '2026年11月30日周一 17:00']);
});

test('the popup marks broken and unreachable links only, in words', () => {
  assert.equal(statusMark(null), null);
  assert.equal(statusMark({ state: 'ok', checked_at: '2026-12-02T14:03:00Z' }), null);
  assert.equal(statusMark({ state: 'redirected', redirected_to: 'https://b/' }), null);
  assert.equal(words(en, statusMark({ state: 'broken', code: 404 })), 'Gone (404)');
  assert.equal(words(zh, statusMark({ state: 'broken', code: 410 })), '已失效（410）');
  assert.equal(words(en, statusMark({ state: 'error', detail: 'Could not resolve host: x' })), 'Unreachable');
});

test('the viewer says the page is gone and that the snapshot is the reader\'s copy', () => {
  const at = '2026-12-02T14:03:00Z';
  const say = (status, messages = en, locale = 'en-GB', tz = 'UTC') => words(messages, statusSentence(status, locale, tz));
  assert.equal(say({ state: 'broken', code: 404, detail: 'HTTP 404', checked_at: at }),
    'This page is gone (404 since 2 Dec 2026, 14:03); this snapshot is your copy.');
  assert.equal(say({ state: 'broken', code: 404, checked_at: at }, zh, 'zh-CN', 'Asia/Shanghai'),
    '此页面已失效（自 2026年12月2日 22:03 起返回 404）；这个快照就是你的副本。');
  assert.equal(say({ state: 'error', code: 503, checked_at: at }),
    'The site answers with an error (503 since 2 Dec 2026, 14:03); this snapshot is your copy.');
  // The host's detail is library text: only its kind shows, in our words.
  assert.equal(say({ state: 'error', code: null, detail: 'Could not resolve host: gone.example', checked_at: at }),
    'The site’s name no longer resolves (since 2 Dec 2026, 14:03); this snapshot is your copy.');
  assert.equal(say({ state: 'error', detail: 'error:0A00010B:SSL routines::wrong version number', checked_at: at }),
    'The site’s secure connection fails (since 2 Dec 2026, 14:03); this snapshot is your copy.');
  assert.equal(say({ state: 'error', detail: 'Operation timed out after 30000 ms', checked_at: at }),
    'The site does not answer in time (since 2 Dec 2026, 14:03); this snapshot is your copy.');
  assert.equal(say({ state: 'error', detail: '???', checked_at: at }),
    'The site cannot be reached (since 2 Dec 2026, 14:03); this snapshot is your copy.');
  assert.equal(say({ state: 'redirected', code: 301, redirected_to: 'https://new.example/a', checked_at: at }),
    'This page now redirects to https://new.example/a (checked 2 Dec 2026, 14:03).');
  assert.equal(statusSentence({ state: 'ok', checked_at: at }), null);
  assert.equal(statusSentence(null), null);
});
