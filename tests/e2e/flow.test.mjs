// The end-to-end flow of issue 4 in headless Chromium: capture the chrony page from the
// popup → the popup finds it by 密钥 → the viewer shows it with its CSS and no script →
// a context-menu tag (through the exported click handler) → the tag renamed in the
// manager shows up in the popup and in the menu.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, isChronyAsset, launch, requireBuilt, startServer, tabIdOf, waitFor } from './harness.mjs';

describe('capture, search, view, tag, rename', { timeout: 90_000 }, () => {
  let browser;
  let server;
  let pageUrl;
  let tabId;
  let linkId;

  before(async () => {
    requireBuilt();
    server = await startServer(join(REPO, 'tests'));
    browser = await launch();
    pageUrl = `${server.url}/fixtures/chrony/chrony-nts.html`;
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('the popup saves the current page in one click and reports it', async () => {
    const page = await browser.ctx.newPage();
    await page.goto(pageUrl);
    tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('#page-state.ok').waitFor({ timeout: 20_000 });
    const stateText = await popup.locator('#page-state').textContent();
    assert.match(stateText, /^Saved .*\d{2}:\d{2}/);
    assert.equal(await popup.locator('#page-title').textContent(), 'chrony 时间同步与 NTS 配置笔记');
    const { link } = await browser.worker.evaluate((u) => linksnap.host.request('lookup', { url: u }), pageUrl);
    assert.ok(link, 'the host has the link');
    linkId = link.id;
    console.log(`popup click → saved (chrony page): ${await popup.locator('#page-state').getAttribute('data-ms')} ms`);
    await popup.close();
  });

  test('the popup finds the page by 密钥, with the match marked', async () => {
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    await popup.locator('#search').fill('密钥');
    const item = popup.locator('#results li').first();
    await item.locator('.snippet mark', { hasText: '密钥' }).waitFor({ timeout: 5000 });
    assert.equal(await item.locator('.title').textContent(), 'chrony 时间同步与 NTS 配置笔记');
    assert.equal(await item.locator('.url a').getAttribute('href'), pageUrl);
    assert.match(await item.locator('time').textContent(), /\d{2}:\d{2}/);
    await popup.close();
  });

  test('the viewer shows the snapshot with its CSS, sandboxed, without script', async () => {
    const viewer = await browser.ctx.newPage();
    const consoleLines = [];
    viewer.on('console', (m) => consoleLines.push(m.text()));
    await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${linkId}`));
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    assert.equal(await viewer.locator('#frame').getAttribute('sandbox'), '');
    assert.equal(await viewer.locator('#original').getAttribute('href'), pageUrl);
    const frame = viewer.frameLocator('#frame');
    await frame.locator('h1').waitFor();
    // style.css: h1 has banner.png as background, pre a grey background.
    const h1 = await frame.locator('h1').evaluate((el) => getComputedStyle(el).backgroundImage);
    assert.ok(isChronyAsset(h1, 'banner.png'), `h1 background is ${h1.slice(0, 80)}`);
    const pre = await frame.locator('pre').first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.equal(pre, 'rgb(244, 244, 244)');
    // No script: the frame has none, and its document cannot run any (sandbox="").
    assert.equal(await frame.locator('script').count(), 0);
    const origin = await frame.locator('body').evaluate(() => window.origin);
    assert.equal(origin, 'null', 'an opaque origin, not the extension');
    await viewer.close();
  });

  test('a context-menu tag lands on the link and in the menu', async () => {
    const result = await browser.worker.evaluate(({ url, id }) => linksnap.onMenuClick(
      { menuItemId: 'linksnap-tag:笔记/时间', pageUrl: url }, { id, url }), { url: pageUrl, id: tabId });
    assert.deepEqual(result.link.tags, ['笔记/时间']);
    await waitFor(() => browser.worker.evaluate(() => linksnap.currentMenuTags().includes('笔记/时间')), 5000, 'the menu to list the tag');
  });

  test('a tag renamed in the manager shows up in the popup and the menu', async () => {
    const manager = await browser.ctx.newPage();
    await manager.goto(browser.extUrl('src/pages/manager.html'));
    await manager.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    assert.equal(await manager.locator('#rows tr').count(), 1);
    const node = manager.locator('.node[data-tag="笔记"]');
    manager.once('dialog', (d) => d.accept('学习'));
    await node.hover();
    await node.locator('button.rename').click();
    await manager.locator('.node[data-tag="学习/时间"]').waitFor({ timeout: 5000 });
    await manager.close();

    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('#page-tags .chip', { hasText: '学习/时间' }).waitFor({ timeout: 10_000 });
    await popup.locator('#search').fill('密钥');
    await popup.locator('#results li .chip', { hasText: '学习/时间' }).waitFor({ timeout: 5000 });
    await popup.close();
    await waitFor(() => browser.worker.evaluate(() => linksnap.currentMenuTags().includes('学习/时间')), 5000, 'the menu to follow the rename');
  });
});
