// The end-to-end flow of issue 4 in headless Chromium: capture the chrony page with the
// popup's "Save page" → the popup finds it by 密钥 → the viewer shows it with its CSS and no script →
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

  test('the popup\'s "Save page" saves the current page in one click and reports it', async () => {
    const page = await browser.ctx.newPage();
    await page.goto(pageUrl);
    tabId = await tabIdOf(browser.worker, pageUrl);
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    await popup.locator('#save-page').click();
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

  test('menu: "Save link" and a tag on an unsaved link save the target, rendered in a background tab that closes again', async () => {
    const target = `${server.url}/e2e/fixtures/fidelity/frame.html`;
    const tabsBefore = browser.ctx.pages().length;
    const activeBefore = await browser.worker.evaluate(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }).then((t) => t[0]?.id));
    const saved = await browser.worker.evaluate(({ url, link, id }) => linksnap.onMenuClick(
      { menuItemId: 'linksnap-save-link', pageUrl: url, linkUrl: link }, { id, url }), { url: pageUrl, link: target, id: tabId });
    assert.equal(saved.snapshot.source, 'render');
    await waitFor(() => browser.ctx.pages().length === tabsBefore, 5000, 'the background tab to close');
    const activeAfter = await browser.worker.evaluate(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }).then((t) => t[0]?.id));
    assert.equal(activeAfter, activeBefore, 'the person\'s tab stayed in front');
    const other = `${server.url}/e2e/fixtures/fidelity/index.html`;
    const tagged = await browser.worker.evaluate(({ url, link, id }) => linksnap.onMenuClick(
      { menuItemId: 'linksnap-tag:学习/时间', pageUrl: url, linkUrl: link }, { id, url }), { url: pageUrl, link: other, id: tabId });
    assert.equal(tagged.created, true);
    assert.deepEqual(tagged.link.tags, ['学习/时间']);
  });

  test('menu: "New tag…" on a page not saved yet saves it with the tag', async () => {
    const url = `${server.url}/e2e/fixtures/fidelity/index.html?from=menu`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    const id = await tabIdOf(browser.worker, url);
    // The menu opens newtag.html in a popup window; the test opens the same URL in a tab.
    const windowUrl = await browser.worker.evaluate(async ({ url, id }) => {
      const win = await linksnap.onMenuClick({ menuItemId: 'linksnap-new-tag', pageUrl: url }, { id, url });
      const tab = win.tabs?.[0] ?? (await chrome.tabs.query({ windowId: win.id }))[0];
      await chrome.windows.remove(win.id);
      return tab.pendingUrl || tab.url;
    }, { url, id });
    assert.match(windowUrl, /src\/pages\/newtag\.html\?url=/);
    const dialog = await browser.ctx.newPage();
    await dialog.goto(windowUrl);
    await dialog.locator('#tags').fill('新标签，later');
    await dialog.locator('button[type=submit]').click();
    await waitFor(() => browser.worker.evaluate((u) => linksnap.host.request('lookup', { url: u })
      .then((r) => r.link?.tags.join() === 'later,新标签' || r.link?.tags.join() === '新标签,later'), url), 15_000, 'the page to be saved with its tags');
    await page.close();
    if (!dialog.isClosed()) await dialog.close();
  });

  test('the popup\'s "Add link" saves a typed address through the host', async () => {
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    await popup.locator('#add-url').fill('file:///etc/passwd');
    await popup.locator('#add-form button').click();
    await popup.locator('#add-status.error', { hasText: 'Only http and https' }).waitFor({ timeout: 10_000 });
    await popup.locator('#add-url').fill(`${server.url}/e2e/fixtures/fidelity/frame.html#again`);
    await popup.locator('#add-form button').click();
    await popup.locator('#add-status.ok', { hasText: 'Saved: frame' }).waitFor({ timeout: 10_000 });
    await popup.close();
  });

  test('the manager edits a title, tags several links, deletes one', async () => {
    const manager = await browser.ctx.newPage();
    await manager.goto(browser.extUrl('src/pages/manager.html'));
    await manager.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    const row = (title) => manager.locator('#rows tr', { hasText: title });
    await row('frame').locator('.title').dblclick();
    await manager.locator('.title input').fill('内嵌框架 frame');
    await manager.locator('.title input').press('Enter');
    await row('内嵌框架 frame').waitFor({ timeout: 5000 });

    const fidelity = manager.locator('#rows tr').filter({
      has: manager.locator(`.url a[href="${server.url}/e2e/fixtures/fidelity/index.html"]`) });
    await row('内嵌框架 frame').locator('input[type=checkbox]').check();
    await fidelity.locator('input[type=checkbox]').check();
    manager.once('dialog', (d) => d.accept('fixtures, 测试'));
    await manager.locator('#bulk-tag').click();
    await manager.locator('.node[data-tag="测试"]').waitFor({ timeout: 5000 });
    assert.equal(await row('内嵌框架 frame').locator('.chip', { hasText: '测试' }).count(), 1);
    assert.equal(await fidelity.locator('.chip', { hasText: 'fixtures' }).count(), 1);

    await fidelity.locator('input[type=checkbox]').uncheck();
    manager.once('dialog', (d) => d.accept());
    await manager.locator('#bulk-delete').click();
    await row('内嵌框架 frame').waitFor({ state: 'detached', timeout: 5000 });
    assert.equal(await manager.locator('#rows tr').count(), 3);
    await manager.close();
  });

  test('after the service worker is stopped, the next message starts it and a new host port', async () => {
    await browser.worker.evaluate(() => { globalThis.oldWorker = true; });
    const page = await browser.ctx.newPage();
    await page.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    const cdp = await browser.ctx.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const sw = targetInfos.find((t) => t.type === 'service_worker' && t.url.endsWith('/background.js'));
    await cdp.send('Target.closeTarget', { targetId: sw.targetId }); // what idling out does
    const reply = await page.evaluate((id) => chrome.runtime.sendMessage({ cmd: 'page.state', args: { tabId: id } }), tabId);
    assert.equal(reply.ok, true, JSON.stringify(reply.error));
    assert.equal(reply.result.link.title, 'chrony 时间同步与 NTS 配置笔记');
    browser.worker = browser.ctx.serviceWorkers()[0];
    assert.deepEqual(await browser.worker.evaluate(() => [globalThis.oldWorker, linksnap.host.connects]), [undefined, 1],
      'a fresh worker with a fresh port');
    await page.close();
  });
});
