// Every UI string exists in English and Simplified Chinese, every key the code uses is
// defined, and substitutions match between the two languages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessageKey } from '../../extension/src/shared/messages.js';

const EXT = new URL('../../extension/', import.meta.url).pathname;
const load = (lang) => JSON.parse(readFileSync(join(EXT, `_locales/${lang}/messages.json`), 'utf8'));
const en = load('en');
const zh = load('zh_CN');

function files(dir) {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

function usedKeys() {
  const keys = new Set();
  for (const f of [...files(join(EXT, 'src')), ...['base', 'chromium', 'firefox'].map((x) => join(EXT, `manifest.${x}.json`))]) {
    const text = readFileSync(f, 'utf8');
    for (const m of text.matchAll(/\bt\('([A-Za-z_]+)'/g)) keys.add(m[1]);
    for (const m of text.matchAll(/data-i18n(?:-placeholder|-title|-aria-label)?="([A-Za-z_]+)"/g)) keys.add(m[1]);
    for (const m of text.matchAll(/__MSG_([A-Za-z_]+)__/g)) keys.add(m[1]);
  }
  return keys;
}

test('the default locale is en and both locales exist', () => {
  const manifest = JSON.parse(readFileSync(join(EXT, 'manifest.base.json'), 'utf8'));
  assert.equal(manifest.default_locale, 'en');
  assert.deepEqual(readdirSync(join(EXT, '_locales')).sort(), ['en', 'zh_CN']);
});

test('English and Chinese define the same keys', () => {
  assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
});

test('every key the code uses is defined', () => {
  const missing = [...usedKeys()].filter((k) => !(k in en));
  assert.deepEqual(missing, []);
});

test('every error the pages can show has words', () => {
  for (const code of ['host_missing', 'host_forbidden', 'host_crashed', 'host_timeout', 'not_capturable',
    'capture_blocked', 'capture_failed', 'fetch_failed', 'http_error', 'io_error', 'database_error', 'x']) {
    assert.ok(errorMessageKey({ code }).key in en, code);
  }
});

test('no key is unused', () => {
  // Keys can also be named in tables ({capturing: 'stageCapturing'}): any quoted mention counts.
  const source = files(join(EXT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
  const used = usedKeys();
  assert.deepEqual(Object.keys(en).filter((k) => !used.has(k) && !source.includes(`'${k}'`)), []);
});

test('messages are non-empty and use the same substitutions in both languages', () => {
  for (const [key, { message }] of Object.entries(en)) {
    assert.ok(message.trim(), `en ${key} is empty`);
    assert.ok(zh[key].message.trim(), `zh_CN ${key} is empty`);
    const subs = (s) => [...s.matchAll(/\$\d/g)].map((m) => m[0]).sort().join();
    assert.equal(subs(zh[key].message), subs(message), key);
  }
});

test('the host-missing message names the installer command in both languages', () => {
  assert.match(en.errHostMissing.message, /bash installer\/install\.sh/);
  assert.match(zh.errHostMissing.message, /bash installer\/install\.sh/);
});
