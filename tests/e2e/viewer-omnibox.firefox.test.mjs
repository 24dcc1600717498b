// The viewer and the address bar in Firefox ESR with the real host (puppeteer-core over
// WebDriver BiDi, tests/e2e/harness.mjs): the search's matches marked and scrolled to in a
// blob: document of a sandbox="" frame, and plain-text omnibox suggestions. Run by the
// firefox suite of tests/run.sh, with firefox.test.mjs.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchFirefox, requireBuilt, startServer, waitFor } from './harness.mjs';

const page = (extra) => `<!DOCTYPE html>
<html lang="zh"><head><meta charset="utf-8"><title>密钥轮换笔记</title>
<style>body { font: 16px/1.5 sans-serif; margin: 0 20px; } .tall { height: 2500px; } p.k { color: rgb(0, 0, 128); }</style>
</head><body>
<h1>轮换笔记</h1>
<p>chrony 是一个时间同步程序。</p>
${extra}<div class="tall">…</div>
<p class="k" id="first">NTS 使用 TLS 交换密钥，然后用这些密钥保护 NTP 包。</p>
<p>It can use NTS to authenticate its servers.</p>
<div class="tall"></div>
<p class="k">最后一次提到密钥。</p>
</body></html>`;

// The same marks and scroll in Firefox ESR: a blob: document in a sandbox="" frame there too.
describe('the viewer in Firefox: marks and scroll', { timeout: 90_000 }, () => {
  test('the first match is scrolled to and every match marked, in an opaque origin', async () => {
    requireBuilt();
    const root = mkdtempSync(join(tmpdir(), 'linksnap-viewer-ff-'));
    writeFileSync(join(root, 'page.html'), page(''));
    const server = await startServer(root);
    const ff = await launchFirefox();
    try {
      const saved = await ff.background(async (u) => bg.host.request('add', { url: u }), `${server.url}/page.html`);
      const url = ff.extUrl(`src/pages/viewer.html?id=${saved.link.id}&q=${encodeURIComponent('密钥')}`);
      const viewer = await ff.open(url);
      await waitFor(() => viewer.evaluate(() => document.body.dataset.ready === 'true'), 15_000, 'the viewer');
      assert.equal(await viewer.evaluate(() => document.getElementById('find-count').textContent), 'Match 1 of 3 for “密钥”');
      const seen = await waitFor(async () => {
        const s = await ff.evalInChildFrame(url, `({ y: scrollY, marks: [...document.querySelectorAll('mark[data-linksnap-match]')].map((m) => m.id),
          origin: window.origin, scripts: document.scripts.length, blob: location.protocol === 'blob:', hash: location.hash })`);
        return s.y > 2000 ? s : null;
      }, 5000, 'the frame to scroll to the first match');
      assert.deepEqual(seen, { y: seen.y, marks: ['linksnap-match-0', 'linksnap-match-1', 'linksnap-match-2'],
        origin: 'null', scripts: 0, blob: true, hash: '#linksnap-match-0' });
    } finally {
      await ff.close();
      server.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// Firefox shows a description as plain text: no markup there, the same suggestions.
describe('omnibox in Firefox', { timeout: 60_000 }, () => {
  test('plain-text suggestions from the host, and Enter opens the viewer', async () => {
    requireBuilt();
    const ff = await launchFirefox();
    try {
      const got = await ff.background(async () => {
        const saved = await bg.host.request('save', { url: 'https://example.org/ff/1', title: 'Gumbo <parser> & notes',
          html: '<!DOCTYPE html><title>Gumbo</title><p>an HTML5 parser, 密钥</p>' });
        const suggestions = await bg.omnibox.onInputChanged('HTML5', () => {});
        const opened = await bg.omnibox.onInputEntered('https://example.org/ff/1', 'newBackgroundTab');
        return { id: saved.link.id, suggestions, opened };
      });
      assert.deepEqual(got.suggestions, [{ content: 'https://example.org/ff/1',
        description: 'Gumbo <parser> & notes — https://example.org/ff/1 — an HTML5 parser, 密钥' }]);
      assert.equal(got.opened, ff.extUrl(`src/pages/viewer.html?id=${got.id}&q=HTML5`));
    } finally {
      await ff.close();
    }
  });
});
