// Issue 16, in headless Chromium with the real host: opening the popup stores nothing; the
// page is saved only by "Save page" (a click or Enter), the toolbar button when the setting
// says so, the keyboard shortcut or the page's context menu; a save can be undone.
// Text typed into forms is stored only when the setting is on; a password never.
// Every assertion about what is stored asks the host itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, tabIdOf, waitFor } from './harness.mjs';

describe('the popup saves only when asked', { timeout: 120_000 }, () => {
  let browser;
  let server;

  before(async () => {
    requireBuilt();
    server = await startServer(join(REPO, 'tests'));
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);
  const storedUrls = async () => (await host('list', { limit: 10000 })).links.map((l) => l.url);

  async function openPage(name) {
    const url = `${server.url}/e2e/fixtures/${name}`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    return { page, url, tabId: await tabIdOf(browser.worker, url) };
  }

  async function openPopup(tabId) {
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    return popup;
  }

  test('opening the popup and searching store nothing', async () => {
    const { page, tabId } = await openPage('popup/form.html?open');
    const popup = await openPopup(tabId);
    assert.equal(await popup.locator('#page-state').textContent(), 'Not saved yet');
    assert.equal(await popup.locator('#save-page').isVisible(), true);
    assert.equal(await popup.evaluate(() => document.activeElement.id), 'search');
    await popup.locator('#search').fill('write');
    await popup.waitForTimeout(400); // past the search debounce
    await popup.reload();
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    assert.deepEqual(await storedUrls(), []);
    await popup.close();
    await page.close();
  });

  test('on a blank tab the popup says what to do next, and an empty store says how to save a first page', async () => {
    const page = await browser.ctx.newPage();
    await page.goto('about:blank');
    // Without the "tabs" permission a blank tab shows no URL at all: the newest such tab.
    const tabId = await browser.worker.evaluate(async () => Math.max(...(await chrome.tabs.query({})).filter((t) => !t.url).map((t) => t.id)));
    const popup = await openPopup(tabId);
    assert.equal(await popup.locator('#page-title').textContent(), 'A new tab');
    assert.match(await popup.locator('#page-state').textContent(), /^Nothing to save here\. Open a web page/);
    assert.equal(await popup.locator('#save-page').isVisible(), false);
    assert.match(await popup.locator('#result-count').textContent(), /^Nothing saved yet\. On a web page, press Save page/);
    await popup.locator('#search').press('Enter');
    assert.deepEqual(await storedUrls(), []);
    await popup.close();
    await page.close();
  });

  test('Enter in the empty search box saves; Undo removes the link it created', async () => {
    const { page, url, tabId } = await openPage('popup/form.html?undo');
    const popup = await openPopup(tabId);
    await popup.locator('#search').press('Enter');
    await popup.locator('#page-state.ok').waitFor({ timeout: 20_000 });
    assert.match(await popup.locator('#page-state').textContent(), /^Saved .*\d{2}:\d{2}/);
    assert.deepEqual(await storedUrls(), [url]);
    await popup.locator('#undo-save').click();
    await popup.locator('#page-note', { hasText: 'Undone' }).waitFor({ timeout: 10_000 });
    assert.equal(await popup.locator('#page-state').textContent(), 'Not saved yet');
    assert.equal(await popup.locator('#undo-save').isVisible(), false);
    assert.deepEqual(await storedUrls(), []);
    await popup.close();
    await page.close();
  });

  test('"Save again" on a saved page adds a snapshot and says why it offers no Undo', async () => {
    const { page, url, tabId } = await openPage('popup/form.html?again');
    const popup = await openPopup(tabId);
    await popup.locator('#save-page').click();
    await popup.locator('#undo-save').waitFor({ timeout: 20_000 });
    await popup.reload();
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    assert.equal(await popup.locator('#save-label').textContent(), 'Save again');
    assert.equal(await popup.locator('#undo-save').isVisible(), false, 'no Undo for a save made earlier');
    await popup.locator('#save-page').click();
    await popup.locator('#page-note', { hasText: 'cannot remove a single snapshot' }).waitFor({ timeout: 20_000 });
    assert.equal(await popup.locator('#undo-save').isVisible(), false);
    const { link } = await host('lookup', { url });
    assert.equal(link.snapshot_count, 2);
    await host('rm', { id: link.id });
    await popup.close();
    await page.close();
  });

  test('the setting turns the toolbar button into one-click saving, with the result on the badge', async () => {
    assert.equal(await browser.worker.evaluate(async () => { await linksnap.toolbarReady; return chrome.action.getPopup({}); }),
      browser.extUrl('src/pages/popup.html'), 'a popup by default');
    const manager = await browser.ctx.newPage();
    await manager.goto(browser.extUrl('src/pages/manager.html'));
    await manager.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    const box = manager.locator('#setting-saveOnToolbarClick');
    assert.equal(await box.isChecked(), false);
    await manager.getByLabel('Save when I click the toolbar button').check();
    await waitFor(() => browser.worker.evaluate(() => chrome.action.getPopup({}).then((p) => p === '')), 5000, 'the popup to be removed');

    const { page, url, tabId } = await openPage('popup/form.html?toolbar');
    // A click on a button without a popup fires action.onClicked; headless cannot click the
    // toolbar, so the test calls the listener's function with the tab, as the browser would.
    await browser.worker.evaluate((id) => chrome.tabs.get(id).then((tab) => linksnap.onActionClicked(tab)), tabId);
    assert.equal(await browser.worker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId), '✓');
    assert.deepEqual(await storedUrls(), [url]);
    // Without a popup the manager (and this setting) is still reachable: it is the options
    // page (right-click the button → Options).
    assert.equal(await browser.worker.evaluate(() => chrome.runtime.getManifest().options_ui.page), 'src/pages/manager.html');

    await box.uncheck();
    await waitFor(() => browser.worker.evaluate(() => chrome.action.getPopup({}).then((p) => p.endsWith('/src/pages/popup.html'))),
      5000, 'the popup to come back');
    await host('rm', { id: (await host('lookup', { url })).link.id });
    await manager.close();
    await page.close();
  });

  test('the keyboard shortcut and the page context menu save the page', async () => {
    const a = await openPage('popup/form.html?shortcut');
    await browser.worker.evaluate((id) => chrome.tabs.get(id).then((tab) => linksnap.onCommand('capture-page', tab)), a.tabId);
    const b = await openPage('popup/form.html?menu');
    const menus = await browser.worker.evaluate(async () => { await linksnap.refreshMenus(); return true; });
    assert.ok(menus);
    await browser.worker.evaluate(({ id, url }) => linksnap.onMenuClick({ menuItemId: 'linksnap-save-page', pageUrl: url }, { id, url }),
      { id: b.tabId, url: b.url });
    assert.deepEqual((await storedUrls()).sort(), [a.url, b.url].sort());
    for (const url of [a.url, b.url]) await host('rm', { id: (await host('lookup', { url })).link.id });
    await a.page.close();
    await b.page.close();
  });

  test('"Add link" without a scheme tries https, then http for the loopback server, and says so', async () => {
    const { page, tabId } = await openPage('popup/form.html?addlink');
    const popup = await openPopup(tabId);
    const typed = `${server.url.replace('http://', '')}/e2e/fixtures/fidelity/frame.html?typed`;
    await popup.locator('#add-url').fill(typed);
    await popup.locator('#add-url').press('Enter');
    await popup.locator('#add-status.ok').waitFor({ timeout: 20_000 });
    assert.match(await popup.locator('#add-status').textContent(), /^Saved over plain http, since the site did not answer over https: /);
    const { link } = await host('lookup', { url: `http://${typed}` });
    assert.ok(link, 'the http address was saved');
    await host('rm', { id: link.id });

    // Nothing listens on port 1: both tries fail, and the sentence has no library text.
    await popup.locator('#add-url').fill('127.0.0.1:1/nothing');
    await popup.locator('#add-form button').click();
    await popup.locator('#add-status.error').waitFor({ timeout: 20_000 });
    assert.equal(await popup.locator('#add-status').textContent(),
      'Nothing answered at 127.0.0.1 (port 1). Is the address right and the server running?');
    assert.deepEqual(await storedUrls(), []);
    await popup.close();
    await page.close();
  });

  describe('form text', () => {
    const TYPED = { '#name': 'Jane Q. Private', '#q': 'my secret search', '#pw': 'hunter2-pass', '#msg': 'Dear Bob, a draft' };

    async function captureTyped(query) {
      const { page, url, tabId } = await openPage(`popup/form.html?${query}`);
      for (const [selector, text] of Object.entries(TYPED)) await page.fill(selector, text);
      await page.check('#news');
      const saved = await browser.worker.evaluate((id) => chrome.tabs.get(id).then((tab) => linksnap.onCommand('capture-page', tab)), tabId);
      const { html } = await host('view', { id: saved.link.id });
      await host('rm', { id: saved.link.id });
      await page.close();
      return html;
    }

    test('is not stored by default; checked boxes and button labels are', async () => {
      const html = await captureTyped('formdefault');
      for (const text of Object.values(TYPED)) assert.equal(html.includes(text), false, `"${text}" was stored`);
      assert.equal(html.includes('prefilled by the page'), false, 'a text field\'s value attribute is dropped too');
      assert.match(html, /<input[^>]*id="news"[^>]*checked/);
      assert.match(html, /value="Send now"/);
    });

    test('is stored when the setting is on, the password still not', async () => {
      const manager = await browser.ctx.newPage();
      await manager.goto(browser.extUrl('src/pages/manager.html'));
      await manager.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
      await manager.getByLabel('Keep text typed into forms').check();
      await waitFor(() => browser.worker.evaluate(() => chrome.storage.local.get('keepFormText').then((s) => s.keepFormText)), 5000, 'the setting');
      const html = await captureTyped('formon');
      for (const key of ['#name', '#q', '#msg']) assert.ok(html.includes(TYPED[key]), `"${TYPED[key]}" was not stored`);
      assert.equal(html.includes(TYPED['#pw']), false, 'the password was stored');
      await manager.getByLabel('Keep text typed into forms').uncheck();
      await manager.close();
    });
  });
});
