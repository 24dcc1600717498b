// The host connection: a missing host is explained with the install command; the port
// reconnects after it closed; content scripts cannot send commands; a 10 MB DOM is saved
// through chunked frames (and its click→saved time is printed).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXTENSION_ID, launch, requireBuilt, startServer, tabIdOf } from './harness.mjs';

describe('without a registered host', { timeout: 60_000 }, () => {
  let browser;
  // In Chinese: the UI follows the browser's language.
  before(async () => { requireBuilt(); browser = await launch({ registerHost: false, locale: 'zh-CN' }); });
  after(async () => { await browser?.close(); });

  // One screen, the same in the popup and the manager: what is missing, the command, Copy, Try again.
  for (const [name, path] of [['popup', 'src/pages/popup.html'], ['manager', 'src/pages/manager.html']]) {
    test(`the ${name} says the host is missing and how to install it, on one screen`, async () => {
      const page = await browser.ctx.newPage();
      await page.goto(browser.extUrl(path));
      await page.locator('#host-problem').waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#host-problem h2').textContent(), '安装 LinkSnap 辅助程序');
      assert.match(await page.locator('#host-problem-text').textContent(), /尚未安装/);
      assert.equal(await page.locator('#host-problem-fix').textContent(), 'bash installer/install.sh');
      assert.equal(await page.locator('#host-problem button', { hasText: '复制' }).isVisible(), true);
      assert.equal(await page.locator('#host-problem button', { hasText: '重试' }).isVisible(), true);
      assert.equal(await page.locator('#search').isVisible(), false);
      if (name === 'manager') assert.equal(await page.locator('table.links').isVisible(), false, 'no empty table');
      await page.close();
    });
  }

  test('the background reports host_missing', async () => {
    const reply = await browser.worker.evaluate(() => linksnap.handlers.status().then(() => null, (e) => e.code));
    assert.equal(reply, 'host_missing');
  });
});

describe('with the host', { timeout: 240_000 }, () => {
  let browser;
  let server;
  let dir;
  before(async () => {
    requireBuilt();
    // A page whose DOM is about 10 MB: mixed English and Chinese paragraphs, with markup
    // characters (<, &, ") that JSON escaping inflates.
    dir = mkdtempSync(join(tmpdir(), 'linksnap-big-'));
    const para = '<p class="x">chrony &amp; NTS 使用 TLS 交换密钥 — "quoted" &lt;tag&gt; 😀 time sync notes 时间同步</p>\n';
    const count = Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(para));
    writeFileSync(join(dir, 'big.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big page</title></head><body>\n${para.repeat(count)}<p>the end 终点</p></body></html>`);
    server = await startServer(dir);
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the port reconnects after it was closed', async () => {
    const result = await browser.worker.evaluate(async () => {
      await linksnap.host.request('ping');
      const before = linksnap.host.connects;
      linksnap.host.disconnect(); // the host sees end of input and exits
      const pong = await linksnap.host.request('ping');
      return { before, after: linksnap.host.connects, version: pong.protocol_version };
    });
    assert.equal(result.after, result.before + 1);
    assert.equal(result.version, 1);
  });

  test('an unknown command and a content script are refused', async () => {
    const replies = await browser.worker.evaluate(async (id) => {
      const page = { id, url: `chrome-extension://${id}/src/pages/popup.html`, origin: `chrome-extension://${id}` };
      const content = { id, url: 'http://127.0.0.1:1/x.html', origin: 'http://127.0.0.1:1', tab: { id: 1 }, frameId: 0 };
      return [
        await linksnap.dispatch({ cmd: 'nope' }, page),
        await linksnap.dispatch({ cmd: 'host', args: { cmd: 'rm', args: { id: 1 } } }, content),
        await linksnap.dispatch({ cmd: 'host', args: { cmd: 'format_disk' } }, page),
        await linksnap.dispatch({ cmd: 'host', args: { cmd: 'ping' } }, page),
      ];
    }, EXTENSION_ID);
    assert.equal(replies[0].error.code, 'unknown_command');
    assert.equal(replies[1].error.code, 'forbidden');
    assert.equal(replies[2].error.code, 'bad_request');
    assert.equal(replies[3].ok, true);
  });

  test('a 10 MB DOM is captured and saved', async () => {
    const url = `${server.url}/big.html`;
    const page = await browser.ctx.newPage();
    let t0 = Date.now();
    await page.goto(url, { timeout: 120_000 }); // a 10 MB page, on a loaded machine
    console.log(`loading the 10 MB page in the tab: ${Date.now() - t0} ms`);
    const tabId = await tabIdOf(browser.worker, url);
    t0 = Date.now();
    const result = await browser.worker.evaluate((id) => linksnap.onCommand('capture-page', { id }), tabId);
    console.log(`capture call returned after ${Date.now() - t0} ms`);
    assert.equal(result.snapshot.source, 'dom');
    assert.ok(result.timing.bytes > 10_000_000, `captured ${result.timing.bytes} bytes`);
    console.log(`keyboard shortcut → saved (10 MB DOM: ${result.timing.bytes} UTF-8 bytes): ${result.timing.totalMs} ms ` +
      `(serialize ${result.timing.serializeMs} ms, hand-over ${result.timing.handoverMs} ms, host ${result.timing.hostMs} ms)`);
    const badge = await browser.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    assert.equal(badge, '✓');
    // By its title: a word of its text (交换密钥) occurs ~100,000 times in this one page, and
    // ranking and snippeting that many hits takes the host ~28 s (issue 13), near the
    // extension's 30 s request limit.
    const found = await browser.worker.evaluate(() => linksnap.host.request('search', { query: 'title:big' }));
    assert.equal(found.results[0]?.title, 'big page');
    // And the viewer gets it back through chunked replies.
    const view = await browser.worker.evaluate(async (id) => {
      const t0 = performance.now();
      const v = await linksnap.host.request('view', { id });
      return { length: v.html.length, ms: Math.round(performance.now() - t0) };
    }, result.link.id);
    assert.ok(view.length > 8_000_000);
    console.log(`view of the 10 MB snapshot (chunked reply): ${view.ms} ms`);
  });
});
