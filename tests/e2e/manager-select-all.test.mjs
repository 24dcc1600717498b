// Issue 13: "select all matching" then Delete in the manager, in headless Chromium with the
// real host. The background resolves the filter to ids while the Undo toast is already
// shown (delete.matching); Undo cancels it, also while the ids are still being collected;
// otherwise every matching link but the unticked one is deleted after the undo time, and
// links of other tags stay. Every assertion about what is stored asks the host itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireBuilt, waitFor } from './harness.mjs';

function bookmarkFile(n) {
  const rows = Array.from({ length: n }, (_, i) =>
    `<DT><A HREF="https://bulk.example/p/${i}" ADD_DATE="${1600000000 + i}" TAGS="bulk">Bulk page ${i}</A>`);
  rows.push('<DT><A HREF="https://other.example/one" TAGS="other">Other one</A>');
  rows.push('<DT><A HREF="https://other.example/two" TAGS="other">Other two</A>');
  return `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n${rows.join('\n')}\n</DL><p>\n`;
}

async function expectText(locator, text, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end && (await locator.textContent()) !== text) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await locator.textContent(), text);
}

describe('delete every matching link', { timeout: 120_000 }, () => {
  let browser;
  let page;
  const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);
  const ids = async (tag) => (await host('list', { tags: [tag], limit: 1000 })).links.map((l) => l.id).sort((a, b) => a - b);

  before(async () => {
    requireBuilt();
    browser = await launch();
    await host('import', { html: bookmarkFile(250) });
    page = await browser.ctx.newPage();
    await page.goto(browser.extUrl('src/pages/manager.html'));
    await page.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  });
  after(async () => { await browser?.close(); });

  async function selectAllOfBulkButOne() {
    await page.locator('.node[data-tag="bulk"] button.name').click();
    await expectText(page.locator('#count'), '250 links');
    await page.locator('#select-all').check();
    await page.locator('#select-matching').click();
    await expectText(page.locator('#count'), '250 links selected');
    const keep = page.locator('#rows tr').nth(1);
    const kept = Number(await keep.getAttribute('data-id'));
    await keep.locator('input[type=checkbox]').uncheck();
    await expectText(page.locator('#count'), '249 links selected');
    return kept;
  }

  test('Undo at once: nothing is deleted, also after the undo time', async () => {
    const before = await ids('bulk');
    await selectAllOfBulkButOne();
    await page.locator('#bulk-delete').click();
    await page.locator('.toast-text', { hasText: 'Deleted 249 links' }).waitFor({ timeout: 5000 });
    await expectText(page.locator('#count'), '1 link');
    assert.equal(await page.locator('#rows tr').count(), 1, 'only the unticked link is left in view');
    await page.locator('.toast-action').click();
    await expectText(page.locator('#count'), '250 links');
    await new Promise((r) => setTimeout(r, 9000)); // past the undo time
    assert.deepEqual(await browser.worker.evaluate(() => linksnap.pendingDeletes()), []);
    assert.deepEqual(await ids('bulk'), before);
    assert.equal(await page.locator('#count').textContent(), '250 links');
  });

  test('without Undo: every matching link but the unticked one is deleted after the toast; other tags stay', async () => {
    const others = await ids('other');
    const kept = await selectAllOfBulkButOne();
    await page.locator('#bulk-delete').click();
    await page.locator('.toast-text', { hasText: 'Deleted 249 links' }).waitFor({ timeout: 5000 });
    assert.equal((await ids('bulk')).length, 250, 'nothing is deleted during the undo time');
    await waitFor(async () => (await ids('bulk')).length === 1, 30_000, 'the delete to be committed');
    assert.deepEqual(await ids('bulk'), [kept]);
    assert.deepEqual(await ids('other'), others);
    await expectText(page.locator('#count'), '1 link');
    assert.deepEqual(await browser.worker.evaluate(() => linksnap.pendingDeletes()), []);
  });
});
