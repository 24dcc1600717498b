// The manager in headless Chromium with the real host: every flow through in-page dialogs
// (window.prompt, confirm and alert throw in these pages, so a flow that still used one
// fails), delete with undo and delete committed after the toast (also with the manager
// closed), bookmark import from a file and from the browser's bookmark tree, paging with a
// selection across pages, plurals in English and Chinese, the empty state and the no-host
// screen.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, waitFor } from './harness.mjs';

const NO_BROWSER_DIALOGS = () => {
  for (const name of ['prompt', 'confirm', 'alert']) {
    window[name] = () => { throw new Error(`window.${name}() was called`); };
  }
};

/** Opens the manager with the browser's dialogs replaced by throwing functions; page errors are collected. */
async function openManager(browser, errors) {
  const page = await browser.ctx.newPage();
  await page.addInitScript(NO_BROWSER_DIALOGS);
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => { errors.push(`a browser dialog opened: ${d.type()}`); d.dismiss().catch(() => {}); });
  await page.goto(browser.extUrl('src/pages/manager.html'));
  await page.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  return page;
}

/** Waits up to ms for the locator's text to be `text`; then asserts it, so a failure shows what it was. */
async function expectText(locator, text, ms = 5000) {
  const end = Date.now() + ms;
  while (Date.now() < end && (await locator.textContent()) !== text) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await locator.textContent(), text);
}

function seed(browser, links) {
  return browser.worker.evaluate(async (items) => {
    for (const { url, title, tags } of items) {
      await linksnap.host.request('save', { url, title, tags, html: `<!DOCTYPE html><title>${title}</title><p>${title}</p>` });
    }
  }, links);
}

function bookmarkFile(n, extra = '') {
  const rows = Array.from({ length: n }, (_, i) =>
    `<DT><A HREF="https://site${i % 7}.example/p/${i}" ADD_DATE="${1600000000 + i}" TAGS="bulk">Bulk page ${i}</A>`).join('\n');
  return `<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n` +
    `<DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>\n<DL><p>\n<DT><H3>imported</H3>\n<DL><p>\n${rows}\n${extra}</DL><p>\n</DL><p>\n</DL><p>\n`;
}

describe('the manager without browser dialogs', { timeout: 180_000 }, () => {
  let browser;
  let page;
  const errors = [];
  const lookup = (url) => browser.worker.evaluate((u) => linksnap.host.request('lookup', { url: u }), url);
  const row = (text) => page.locator('#rows tr', { hasText: text });

  before(async () => {
    requireBuilt();
    browser = await launch();
    page = await openManager(browser, errors);
  });
  after(async () => {
    await browser?.close();
  });

  test('the browser dialogs really throw in the page under test', async () => {
    const thrown = await page.evaluate(() => ['prompt', 'confirm', 'alert'].map((n) => {
      try { window[n]('x'); return 'returned'; } catch (e) { return e.message; }
    }));
    assert.deepEqual(thrown, ['window.prompt() was called', 'window.confirm() was called', 'window.alert() was called']);
  });

  test('an empty store shows how to save a first page or import bookmarks', async () => {
    assert.equal(await page.locator('#empty').isVisible(), true);
    assert.equal(await page.locator('#list').isVisible(), false);
    assert.equal(await page.locator('#empty-title').textContent(), 'No links yet');
    const text = await page.locator('#empty').textContent();
    assert.match(text, /click the LinkSnap button in the toolbar, or press Alt\+Shift\+S/);
    assert.equal(await page.locator('#empty-import-bookmarks').textContent(), 'Import browser bookmarks');
    assert.equal(await page.locator('#empty-import-file').textContent(), 'Import file…');
  });

  test('counts say "1 link" and "3 links"; disabled bulk buttons look disabled', async () => {
    await seed(browser, [{ url: 'https://a.example/one', title: 'Alpha one', tags: ['dev/cpp'] }]);
    await page.reload();
    await page.locator('body[data-ready=true]').waitFor();
    assert.equal(await page.locator('#count').textContent(), '1 link');
    await seed(browser, [{ url: 'https://a.example/two', title: 'Beta two', tags: ['dev'] },
      { url: 'https://a.example/three', title: 'Gamma three', tags: ['reading'] }]);
    await page.reload();
    await page.locator('body[data-ready=true]').waitFor();
    assert.equal(await page.locator('#count').textContent(), '3 links');
    assert.equal(await page.locator('#empty').isVisible(), false);
    const look = (id) => page.locator(id).evaluate((el) => {
      const s = getComputedStyle(el);
      return { disabled: el.disabled, border: s.borderStyle, color: s.color, cursor: s.cursor };
    });
    const off = await look('#bulk-tag');
    assert.deepEqual([off.disabled, off.border, off.cursor], [true, 'dashed', 'not-allowed']);
    await row('Alpha one').locator('input[type=checkbox]').check();
    const on = await look('#bulk-tag');
    assert.deepEqual([on.disabled, on.border], [false, 'solid']);
    assert.notEqual(on.color, off.color);
    assert.equal(await page.locator('#count').textContent(), '1 link selected');
    await row('Alpha one').locator('input[type=checkbox]').uncheck();
  });

  test('rename a tag in a labelled modal dialog; Esc cancels without a change', async () => {
    const node = page.locator('.node[data-tag="dev"]');
    await node.hover();
    await node.locator('button.rename').click();
    const dialog = page.locator('#rename-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.evaluate((d) => d.open && d.matches(':modal')), true);
    const labelledBy = await dialog.getAttribute('aria-labelledby');
    assert.equal(await page.locator(`#${labelledBy}`).textContent(), 'Rename');
    assert.equal(await dialog.locator('input').inputValue(), 'dev');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'to', 'the field has the focus');
    // Tab from the last button wraps to the field.
    await dialog.locator('button.ok').focus();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.name), 'to');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await page.locator('.node[data-tag="dev"]').count(), 1);

    await node.hover();
    await node.locator('button.rename').click();
    await dialog.locator('input').fill('code');
    await dialog.locator('input').press('Enter');
    await page.locator('.node[data-tag="code/cpp"]').waitFor({ timeout: 5000 });
    assert.equal(await page.locator('.node[data-tag="dev"]').count(), 0);
  });

  test('merge a tag, completing the target from the existing tags', async () => {
    const node = page.locator('.node[data-tag="reading"]');
    await node.hover();
    await node.locator('button.merge').click();
    const dialog = page.locator('#merge-dialog');
    await dialog.waitFor();
    const input = dialog.locator('input');
    await input.fill('co');
    const options = await dialog.locator('datalist option').evaluateAll((os) => os.map((o) => o.value));
    assert.deepEqual(options.sort(), ['code', 'code/cpp']);
    await input.fill('code');
    await dialog.locator('button.ok').click();
    await page.locator('.node[data-tag="reading"]').waitFor({ state: 'detached', timeout: 5000 });
    assert.deepEqual(await row('Gamma three').locator('.chip').allTextContents(), ['code']);
  });

  test('edit a title and a note from the row\'s Edit action', async () => {
    await row('Beta two').locator('button.edit').click();
    const dialog = page.locator('#edit-dialog');
    await dialog.waitFor();
    await dialog.locator('input[name=title]').fill('Beta 二 edited');
    await dialog.locator('textarea[name=note]').fill('a note');
    await dialog.locator('button.ok').click();
    await row('Beta 二 edited').waitFor({ timeout: 5000 });
    const { link } = await lookup('https://a.example/two');
    assert.deepEqual([link.title, link.note], ['Beta 二 edited', 'a note']);
  });

  test('retag one link from its Tags action: added and removed in one dialog', async () => {
    await row('Alpha one').locator('button.tags').click();
    const dialog = page.locator('#tags-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.locator('input').inputValue(), 'code/cpp');
    await dialog.locator('input').fill('笔记, later');
    await dialog.locator('button.ok').click();
    await waitFor(async () => (await row('Alpha one').locator('.chip').allTextContents()).sort().join() === 'later,笔记', 5000, 'the new chips');
    const { link } = await lookup('https://a.example/one');
    assert.deepEqual(link.tags.sort(), ['later', '笔记']);
  });

  test('search: the results, and a retag shows in them at once', async () => {
    await page.locator('#search').fill('Alpha');
    await expectText(page.locator('#count'), '1 link');
    await row('Alpha one').locator('button.tags').click();
    await page.locator('#tags-dialog input').fill('笔记, later, found');
    await page.locator('#tags-dialog button.ok').click();
    await waitFor(async () => (await row('Alpha one').locator('.chip').allTextContents()).includes('found'), 5000, 'the chip in the results');
    assert.equal(await page.locator('#rows tr').count(), 1);
    await page.locator('#search').fill('');
    await expectText(page.locator('#count'), '3 links');
  });

  test('bulk tag two links; their chips stay visible in the selected rows', async () => {
    await row('Alpha one').locator('input[type=checkbox]').check();
    await row('Gamma three').locator('input[type=checkbox]').check();
    assert.equal(await page.locator('#count').textContent(), '2 links selected');
    await page.locator('#bulk-tag').click();
    const dialog = page.locator('#bulk-tag-dialog');
    await dialog.waitFor();
    assert.equal(await dialog.locator('p').first().textContent(), '2 links selected');
    await dialog.locator('input').fill('batch, 测试');
    await dialog.locator('button.ok').click();
    await page.locator('.node[data-tag="测试"]').waitFor({ timeout: 5000 });
    await waitFor(async () => (await row('Gamma three').locator('.chip').allTextContents()).includes('batch'), 5000, 'the chip');
    assert.equal(await row('Alpha one').getAttribute('class'), 'selected');
    const colours = await row('Alpha one').evaluate((tr) => {
      const chip = tr.querySelector('.chip');
      return { row: getComputedStyle(tr.cells[0]).backgroundColor, chip: getComputedStyle(chip).backgroundColor,
        border: getComputedStyle(chip).borderTopColor };
    });
    assert.notEqual(colours.chip, colours.row, 'a chip is not the colour of its selected row');
    for (const t of ['Alpha one', 'Gamma three']) await row(t).locator('input[type=checkbox]').uncheck();
  });

  test('delete, then Undo: the row goes at once and comes back; nothing is deleted', async () => {
    await row('Gamma three').locator('button.delete').click();
    await row('Gamma three').waitFor({ state: 'detached', timeout: 2000 });
    const toast = page.locator('.toast');
    assert.equal(await toast.locator('.toast-text').textContent(), 'Deleted 1 link');
    assert.equal(await page.locator('#count').textContent(), '2 links');
    await toast.locator('.toast-action', { hasText: 'Undo' }).click();
    await row('Gamma three').waitFor({ timeout: 5000 });
    await new Promise((r) => setTimeout(r, 9000)); // past the undo time
    assert.ok((await lookup('https://a.example/three')).link, 'still in the store');
    assert.deepEqual(await browser.worker.evaluate(() => linksnap.pendingDeletes()), []);
    assert.equal(await page.locator('#count').textContent(), '3 links');
  });

  test('a delete is committed after the toast, also when the manager was closed meanwhile', async () => {
    await row('Gamma three').locator('button.delete').click();
    await page.locator('.toast').waitFor();
    await page.close();
    assert.equal((await browser.worker.evaluate(() => linksnap.pendingDeletes())).length, 1);
    assert.ok((await lookup('https://a.example/three')).link, 'not yet deleted during the undo time');
    await waitFor(async () => !(await lookup('https://a.example/three')).link, 12_000, 'the delete to be committed');
    page = await openManager(browser, errors);
    assert.equal(await page.locator('#count').textContent(), '2 links');
  });

  test('import a bookmark file: progress, then the summary; paging and select-all across pages', async () => {
    const extra = '<DT><A HREF="javascript:void(0)">bookmarklet</A>\n<DT><A HREF="https://a.example/one">Alpha again</A>\n';
    await page.locator('#import-file-input').setInputFiles({ name: 'bookmarks.html', mimeType: 'text/html',
      buffer: Buffer.from(bookmarkFile(250, extra)) });
    await page.locator('#import-status.done').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('#import-status').textContent(),
      'Imported 250 new links · 1 merged into links already saved · skipped 1 (javascript: 1)');
    // Every link's count comes from probing `list` (it has no total): wait for it.
    await expectText(page.locator('#count'), '252 links');
    assert.equal(await page.locator('#rows tr').count(), 100);
    assert.equal(await page.locator('#page-of').textContent(), 'of 3');
    await page.locator('#page-last').click();
    await waitFor(async () => (await page.locator('#rows tr').count()) === 52, 5000, 'the last page');
    assert.equal(await page.locator('#page-input').inputValue(), '3');

    // The folder "imported" holds the 250 new links and Alpha one, merged from the file.
    await page.locator('.node[data-tag="imported"] button.name').click();
    await expectText(page.locator('#count'), '251 links');
    await page.locator('#select-all').check();
    assert.equal(await page.locator('#count').textContent(), '100 links selected');
    assert.equal(await page.locator('#select-matching').textContent(), 'Select all 251 matching links');
    await page.locator('#select-matching').click();
    assert.equal(await page.locator('#count').textContent(), '251 links selected');
    await page.locator('#page-next').click();
    await waitFor(async () => (await page.locator('#page-input').inputValue()) === '2', 5000, 'page 2');
    assert.equal(await page.locator('#rows tr input[type=checkbox]:checked').count(), 100, 'page 2 is selected too');
    await page.locator('#rows tr input[type=checkbox]').first().uncheck();
    assert.equal(await page.locator('#count').textContent(), '250 links selected');
    await page.locator('#bulk-delete').click();
    await page.locator('.toast-text', { hasText: 'Deleted 250 links' }).waitFor({ timeout: 10_000 });
    await expectText(page.locator('#count'), '1 link');
    await page.locator('.toast-action').click();
    await expectText(page.locator('#count'), '251 links');
  });

  test('import browser bookmarks from the chosen folders', async () => {
    await page.locator('.node button.name', { hasText: 'All links' }).click();
    const tree = [{ id: '0', title: '', children: [
      { id: '1', title: 'Bookmarks bar', children: [
        { id: '10', title: 'lang', children: [{ id: '100', title: 'Rust', url: 'https://www.rust-lang.org/', dateAdded: 1700000000000 }] },
        { id: '11', title: 'skip me', children: [{ id: '110', title: 'Nope', url: 'https://nope.example/' }] },
      ] },
    ] }];
    const done = page.evaluate((t) => globalThis.linksnapManager.chooseAndImport(t), tree);
    const dialog = page.locator('#import-dialog');
    await dialog.waitFor();
    assert.deepEqual(await dialog.locator('.folder-list li').allTextContents(), ['lang (1)', 'skip me (1)']);
    await dialog.locator('input[data-folder="11"]').uncheck();
    await dialog.locator('button.ok').click();
    await done;
    assert.equal(await page.locator('#import-status').textContent(), 'Imported 1 new link');
    const { link } = await lookup('https://www.rust-lang.org/');
    assert.deepEqual(link.tags, ['lang']);
    assert.equal((await lookup('https://nope.example/')).link, null);
  });

  test('a delete held while the service worker is stopped is committed when it starts again', async () => {
    await seed(browser, [{ url: 'https://a.example/sw', title: 'Held over a restart', tags: [] }]);
    const { link } = await lookup('https://a.example/sw');
    const held = await page.evaluate((id) => chrome.runtime.sendMessage({ cmd: 'delete.schedule', args: { ids: [id] } }), link.id);
    assert.equal(held.ok, true, JSON.stringify(held.error));
    const cdp = await browser.ctx.newCDPSession(page);
    const { targetInfos } = await cdp.send('Target.getTargets');
    const sw = targetInfos.find((x) => x.type === 'service_worker' && x.url.endsWith('/background.js'));
    await cdp.send('Target.closeTarget', { targetId: sw.targetId }); // what idling out does
    await page.evaluate(() => chrome.runtime.sendMessage({ cmd: 'status' })); // starts it again
    browser.worker = await waitFor(() => browser.ctx.serviceWorkers().find((w) => w !== sw) ?? browser.ctx.serviceWorkers()[0], 5000, 'the new worker');
    await waitFor(() => browser.worker.evaluate(() => !!globalThis.linksnap), 5000, 'the background');
    await waitFor(async () => !(await lookup('https://a.example/sw')).link, 15_000, 'the held delete to be committed');
  });

  test('no page error and no browser dialog in any of it', () => {
    assert.deepEqual(errors, []);
  });
});

describe('the manager in Chinese, and without its host', { timeout: 90_000 }, () => {
  test('zh_CN: the empty state and "1 个链接"', async () => {
    const browser = await launch({ locale: 'zh-CN' });
    try {
      const errors = [];
      let page = await openManager(browser, errors);
      assert.equal(await page.locator('#empty-title').textContent(), '还没有链接');
      assert.equal(await page.locator('#empty-import-bookmarks').textContent(), '导入浏览器书签');
      await seed(browser, [{ url: 'https://b.example/1', title: '第一', tags: ['笔记'] }]);
      await page.reload();
      await page.locator('body[data-ready=true]').waitFor();
      assert.equal(await page.locator('#count').textContent(), '1 个链接');
      await seed(browser, [{ url: 'https://b.example/2', title: '第二', tags: [] }]);
      await page.close();
      page = await openManager(browser, errors);
      assert.equal(await page.locator('#count').textContent(), '2 个链接');
      await page.locator('#rows tr', { hasText: '第二' }).locator('button.delete').click();
      assert.equal(await page.locator('.toast-text').textContent(), '已删除 1 个链接');
      assert.equal(await page.locator('.toast-action').textContent(), '撤销');
      await page.locator('.toast-action').click();
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

  test('no host: one friendly screen with the install command', async () => {
    const browser = await launch({ registerHost: false });
    try {
      const errors = [];
      const page = await openManager(browser, errors);
      const screen = page.locator('#host-problem');
      assert.equal(await screen.isVisible(), true);
      assert.match(await screen.locator('#host-problem-fix').textContent(), /installer\/install\.sh$/);
      assert.equal(await page.locator('.layout').isVisible(), false);
      assert.equal(await page.locator('#import-file').isVisible(), false);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});

// Issue 12: after a refresh found a page gone, the manager filters by that status and marks
// the row; the link and its snapshot stay.
describe('the manager filters links by what their last check found', { timeout: 90_000 }, () => {
  let browser;
  let server;
  let page;
  const errors = [];

  before(async () => {
    requireBuilt();
    server = await startServer(join(REPO, 'tests'));
    browser = await launch();
    const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);
    const gone = await host('save', { url: `${server.url}/no/such/page.html`, html: '<title>Gone page</title><p>once here</p>' });
    await host('save', { url: `${server.url}/fixtures/files/notes.txt?alive`, html: '<title>Alive page</title><p>still here</p>' });
    const refreshed = await host('refresh', { ids: [gone.link.id] });
    assert.deepEqual(refreshed.states, { ok: 0, redirected: 0, broken: 1, error: 0 });
    page = await openManager(browser, errors);
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  test('"Dead links" shows the 404 link with its mark; "Any status" shows both again', async () => {
    await expectText(page.locator('#count'), '2 links');
    await page.locator('#status-filter').selectOption('broken');
    await expectText(page.locator('#count'), '1 link');
    const rows = page.locator('#rows tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().textContent(), /Gone page/);
    assert.equal(await rows.first().locator('.link-status').textContent(), ' ⚠ Gone (404)');
    await page.locator('#status-filter').selectOption('ok');
    await expectText(page.locator('#count'), '0 links');
    await page.locator('#status-filter').selectOption('');
    await expectText(page.locator('#count'), '2 links');
    assert.deepEqual(errors, []);
  });
});
