// The one-source build: both manifests, the pinned Chromium ID, the Firefox gecko id the
// installer uses, and the unpacked trees build.mjs writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, manifestFor, merge } from '../../extension/build.mjs';

const REPO = new URL('../../', import.meta.url).pathname;

test('merge: objects merge key by key, arrays and scalars replace', () => {
  assert.deepEqual(merge({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2], e: 3 } }), { a: { b: 1, c: [2], e: 3 }, d: 1 });
});

test('the Chromium manifest keeps the pinned key, and the key gives EXTENSION_ID', () => {
  const m = manifestFor('chromium');
  assert.equal(m.manifest_version, 3);
  assert.equal(m.background.service_worker, 'src/background/background.js');
  assert.equal(m.background.type, 'module');
  const digest = createHash('sha256').update(Buffer.from(m.key, 'base64')).digest('hex').slice(0, 32);
  const id = [...digest].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
  assert.equal(id, readFileSync(join(REPO, 'extension/EXTENSION_ID'), 'utf8').trim());
});

test('the Firefox manifest has background scripts and the installer\'s gecko id, no key', () => {
  const m = manifestFor('firefox');
  assert.deepEqual(m.background.scripts, ['src/background/background.js']);
  assert.equal(m.background.service_worker, undefined);
  assert.equal(m.key, undefined);
  const lib = readFileSync(join(REPO, 'installer/lib.sh'), 'utf8');
  assert.equal(m.browser_specific_settings.gecko.id, /LINKSNAP_GECKO_ID=(\S+)/.exec(lib)[1]);
});

test('every file a manifest or page names exists in the build', () => {
  const out = mkdtempSync(join(tmpdir(), 'linksnap-build-'));
  try {
    build(out);
    for (const family of ['chromium', 'firefox']) {
      const dir = join(out, family);
      const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
      const named = [m.background.service_worker ?? m.background.scripts[0], m.action.default_popup,
        ...Object.values(m.icons), ...Object.values(m.action.default_icon)];
      for (const f of named) assert.ok(existsSync(join(dir, f)), `${family}: ${f}`);
      for (const page of ['popup', 'viewer', 'manager', 'newtag']) {
        const html = readFileSync(join(dir, `src/pages/${page}.html`), 'utf8');
        assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, `${page}.html has an inline script`);
        for (const [, ref] of html.matchAll(/(?:src|href)="([^"#]+)"/g)) {
          assert.ok(existsSync(join(dir, 'src/pages', ref)), `${page}.html names ${ref}`);
        }
      }
      assert.ok(existsSync(join(dir, '_locales/zh_CN/messages.json')));
      assert.equal(readFileSync(join(dir, 'icons/icon-16.png')).subarray(1, 4).toString(), 'PNG');
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
