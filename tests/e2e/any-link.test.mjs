// Issue 10 in headless Chromium with the real host: "Add link" and "Save link" of a page that
// is not open render it in a background tab (so text written by script is saved and found),
// close that tab again and leave the person's tab alone; a link to a PDF is kept as the file
// and found by a Chinese word inside it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, waitFor } from './harness.mjs';

describe('any link becomes a snapshot', { timeout: 180_000 }, () => {
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
  const fileUrl = (name) => `${server.url}/fixtures/files/${name}`;

  async function openPopup() {
    const popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl('src/pages/popup.html'));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
    return popup;
  }

  async function addFromPopup(popup, url) {
    await popup.locator('#add-url').fill(url);
    await popup.locator('#add-url').press('Enter');
    await popup.locator('#add-status.ok, #add-status.error').waitFor({ timeout: 40_000 });
    return popup.locator('#add-status').textContent();
  }

  async function searchFromPopup(popup, query) {
    await popup.locator('#search').fill(query);
    // The list shows the newest links until the search answers: wait for a snippet with the word.
    await popup.locator('#results li', { hasText: query }).first().waitFor({ timeout: 10_000 });
    return popup.locator('#results li').allTextContents();
  }

  test('"Add link" renders a page whose text is written by script, and the popup finds that text', async () => {
    const popup = await openPopup();
    const pagesBefore = browser.ctx.pages().length;
    assert.equal(await addFromPopup(popup, fileUrl('script-written.html')), 'Saved: App shell');
    assert.equal(await addFromPopup(popup, fileUrl('fetch-later.html')), 'Saved: Fetching shell');
    await waitFor(() => browser.ctx.pages().length === pagesBefore, 5000, 'the background tabs to close');

    const zeppelin = await searchFromPopup(popup, 'zeppelin');
    assert.equal(zeppelin.length, 1);
    assert.match(zeppelin[0], /App shell/);
    const astrolabe = await searchFromPopup(popup, 'astrolabe');
    assert.match(astrolabe[0], /Fetching shell/);

    const { link } = await host('lookup', { url: fileUrl('fetch-later.html') });
    const shown = await host('show', { id: link.id });
    assert.equal(shown.snapshots[0].source, 'render');
    await popup.close();
  });

  test('"Save link" on a link to a PDF keeps the file, found by a Chinese word inside it', async () => {
    const saved = await browser.worker.evaluate((url) => linksnap.onMenuClick(
      { menuItemId: 'linksnap-save-link', pageUrl: url, linkUrl: url }, { id: -1, url }), fileUrl('report.pdf'));
    assert.equal(saved.snapshot.source, 'fetch');
    assert.equal(saved.snapshot.media_type, 'application/pdf');
    assert.equal(saved.snapshot.page_count, 2);
    const popup = await openPopup();
    const hits = await searchFromPopup(popup, '光谱仪');
    assert.equal(hits.length, 1);
    assert.match(hits[0], /量子纠缠/);
    await popup.close();
  });
});
