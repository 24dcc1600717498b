// The viewer in headless Chromium with the real host (issues 12 and 16): a link saved twice
// from a loopback page whose text changed in between (a Chinese sentence inserted). The
// timeline labels each snapshot with its date and time, how it was made and what changed;
// opened with a search query it scrolls to the first match and marks every match, with no
// script in the frame; "Compare with previous" shows the inserted sentence as an insertion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch, requireBuilt, startServer, tabIdOf, waitFor } from './harness.mjs';
import { formatWhen, snapshotTimes } from '../../extension/src/shared/snapshots.js';

const INSERTED = '新版本支持硬件时间戳，精度可达微秒。';
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

describe('the viewer: timeline, marks, compare', { timeout: 120_000 }, () => {
  let browser;
  let server;
  let root;
  let linkId;
  let snapshots;

  const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);

  async function openViewer(query) {
    const viewer = await browser.ctx.newPage();
    await viewer.goto(browser.extUrl(`src/pages/viewer.html?${query}`));
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    return viewer;
  }

  before(async () => {
    requireBuilt();
    root = mkdtempSync(join(tmpdir(), 'linksnap-viewer-'));
    writeFileSync(join(root, 'page.html'), page(''));
    server = await startServer(root);
    browser = await launch();
    const url = `${server.url}/page.html`;
    const first = await host('add', { url });
    linkId = first.link.id;
    // The page changes on the server; the second add is a second snapshot of the same link.
    writeFileSync(join(root, 'page.html'), page(`<p>${INSERTED}</p>\n`));
    await new Promise((r) => setTimeout(r, 1100)); // another second: the timeline shows seconds only when needed
    const second = await host('add', { url });
    assert.equal(second.link.id, linkId);
    snapshots = (await host('show', { id: linkId })).snapshots;
    assert.equal(snapshots.length, 2);
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the timeline labels each snapshot with date and time, how it was made and what changed', async () => {
    const viewer = await openViewer(`id=${linkId}`);
    const items = viewer.locator('#timeline-list li');
    assert.equal(await items.count(), 2);
    assert.equal(await viewer.locator('#timeline').isVisible(), true);
    assert.equal(await viewer.locator('#toggle-timeline').textContent(), 'Timeline (2)');
    // Newest first, the shown one current; times in the browser's locale (en-US) and zone.
    const times = snapshotTimes(snapshots, 'en-US');
    assert.deepEqual(await items.locator('time').allTextContents(), times);
    assert.equal(await items.nth(0).locator('.tl-open').getAttribute('aria-current'), 'page');
    assert.equal(await items.nth(1).locator('.tl-open').getAttribute('aria-current'), null);
    assert.deepEqual(await items.locator('.tl-source').allTextContents(), ['fetched by LinkSnap', 'fetched by LinkSnap']);
    // The size guess is replaced by the host's diff: the inserted sentence, nothing deleted.
    await viewer.locator('body[data-timeline=exact]').waitFor({ timeout: 10_000 });
    const diff = await host('diff', { id: linkId });
    assert.ok(diff.inserted_chars >= INSERTED.length, `inserted ${diff.inserted_chars}`);
    assert.deepEqual(await items.locator('.tl-change').allTextContents(),
      [`text changed: +${diff.inserted_chars} −0 characters`, 'first snapshot']);
    assert.equal(await viewer.locator('#captured').textContent(), `Saved ${formatWhen(snapshots[0].captured_at, 'en-US')} · fetched by LinkSnap`);
    assert.equal(await viewer.locator('#sandbox-note').textContent(), 'Archived scripts are disabled');
    // The older snapshot opens from its entry, and then it is the current one.
    await items.nth(1).locator('.tl-open').click();
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    assert.equal(new URL(viewer.url()).searchParams.get('snapshot'), String(snapshots[1].id));
    assert.equal(await viewer.locator('#timeline-list li').nth(1).locator('.tl-open').getAttribute('aria-current'), 'page');
    assert.equal(await viewer.frameLocator('#frame').getByText(INSERTED).count(), 0);
    await viewer.close();
  });

  test('opened from a search hit it scrolls to the first match and marks every match, with no script in the frame', async () => {
    const viewer = await openViewer(`id=${linkId}&q=${encodeURIComponent('密钥')}`);
    // The title has 密钥 too, but a title is not page text: three marks in the body.
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 1 of 3 for “密钥”');
    const frame = viewer.frames().find((f) => f.parentFrame() && f.url().startsWith('blob:'));
    assert.ok(frame, 'the snapshot is in a blob: frame');
    assert.match(frame.url(), /#linksnap-match-0$/);
    assert.equal(await viewer.locator('#frame').getAttribute('sandbox'), '');
    const marks = await frame.evaluate(() => [...document.querySelectorAll('mark[data-linksnap-match]')].map((m) => [m.id, m.textContent, m.closest('p').id]));
    assert.deepEqual(marks, [['linksnap-match-0', '密钥', 'first'], ['linksnap-match-1', '密钥', 'first'], ['linksnap-match-2', '密钥', '']]);
    // Scrolled: the first match is in view, 2,500 px down the page.
    await waitFor(() => frame.evaluate(() => {
      const r = document.getElementById('linksnap-match-0').getBoundingClientRect();
      return scrollY > 2000 && r.top > -1 && r.bottom <= innerHeight; // -1: the top may sit a subpixel above
    }), 5000, 'the frame to scroll to the first match');
    // Still the page as saved: its own styles, no script, an opaque origin, the CSP kept.
    assert.equal(await frame.evaluate(() => getComputedStyle(document.getElementById('first')).color), 'rgb(0, 0, 128)');
    assert.equal(await frame.evaluate(() => document.scripts.length), 0);
    assert.equal(await frame.evaluate(() => window.origin), 'null');
    assert.match(await frame.evaluate(() => document.querySelector('meta[http-equiv=Content-Security-Policy]').content), /script-src 'none'/);
    assert.equal(await frame.evaluate(() => document.compatMode), 'CSS1Compat');
    // Next: the second match becomes the target (outlined), the document is not reloaded.
    await frame.evaluate(() => { document.body.dataset.same = 'yes'; });
    await viewer.locator('#find-next').click();
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 2 of 3 for “密钥”');
    await waitFor(() => frame.evaluate(() => document.querySelector(':target')?.id === 'linksnap-match-1'), 5000, 'match 2 to be the target');
    assert.equal(await frame.evaluate(() => document.body.dataset.same), 'yes');
    await viewer.locator('#find-prev').click();
    await viewer.locator('#find-prev').click();
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 3 of 3 for “密钥”');
    await viewer.close();
  });

  test('a query that is not in the text says so and marks nothing', async () => {
    const viewer = await openViewer(`id=${linkId}&q=${encodeURIComponent('轮换笔记 zzz')}`);
    // 轮换笔记 is in the <h1>, zzz nowhere: each term is marked where it occurs.
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 1 of 1 for “轮换笔记 zzz”');
    await viewer.close();
    const none = await openViewer(`id=${linkId}&q=zzz`);
    assert.equal(await none.locator('#find-count').textContent(), '“zzz” is not in this snapshot’s text (it may be in the title, address or tags).');
    assert.equal(await none.locator('#find-next').isVisible(), false);
    assert.equal(await none.frameLocator('#frame').locator('mark').count(), 0);
    await none.close();
  });

  test('"Compare with previous" shows the inserted Chinese sentence as an insertion', async () => {
    const viewer = await openViewer(`id=${linkId}`);
    await viewer.locator('#compare-link').click();
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    assert.equal(new URL(viewer.url()).searchParams.get('compare'), '1');
    assert.equal(await viewer.locator('#frame').isVisible(), false);
    const times = snapshotTimes(snapshots, 'en-US');
    assert.equal(await viewer.locator('#compare-title').textContent(), `Changes from ${times[1]} to ${times[0]}`);
    const diff = await host('diff', { id: linkId });
    assert.equal(await viewer.locator('#compare-summary').textContent(), `text changed: +${diff.inserted_chars} −0 characters`);
    const inserted = (await viewer.locator('#hunks ins').allTextContents()).join('');
    assert.equal(inserted.replace(/^inserted: /, '').trim(), INSERTED);
    assert.equal(await viewer.locator('#hunks del').count(), 0);
    // The context around it is plain text from both snapshots.
    assert.match(await viewer.locator('#hunks .hunk').first().textContent(), /chrony 是一个时间同步程序。/);
    assert.equal(await viewer.locator('#timeline-list li').first().locator('.tl-compare').getAttribute('aria-current'), 'page');
    // Back to the page.
    await viewer.locator('#back-link').click();
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    await viewer.frameLocator('#frame').getByText(INSERTED).waitFor();
    await viewer.close();
  });

  test('the oldest snapshot has nothing to compare with', async () => {
    const viewer = await openViewer(`id=${linkId}&snapshot=${snapshots[1].id}`);
    assert.equal(await viewer.locator('#compare-link').isVisible(), false);
    await viewer.close();
    const compare = await openViewer(`id=${linkId}&snapshot=${snapshots[1].id}&compare=1`);
    assert.equal(await compare.locator('#compare-title').textContent(), 'This is the first snapshot: there is nothing before it to compare with.');
    await compare.close();
  });

  test('a search hit opened from the popup passes the query, and the viewer marks it', async () => {
    const tab = await browser.ctx.newPage();
    await tab.goto(`${server.url}/page.html`);
    const tabId = await tabIdOf(browser.worker, `${server.url}/page.html`);
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    await popup.locator('#search').fill('密钥');
    await popup.locator('#results li[aria-selected=true] .snippet mark').first().waitFor({ timeout: 5000 });
    const opened = browser.ctx.waitForEvent('page');
    await popup.locator('#search').press('Enter');
    const viewer = await opened;
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    const params = new URL(viewer.url()).searchParams;
    assert.equal(params.get('id'), String(linkId));
    assert.equal(params.get('q'), '密钥');
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 1 of 3 for “密钥”');
    await viewer.close();
    await popup.close();
    await tab.close();
  });
});
