// The manager at 100,000 links, in headless Chromium with the real host: fills a store
// through the host's `import` of generated bookmarks (folders and tags),
// then opens the manager and prints the time to the first rows and to the count, to
// page 100 and to the last page, to filter by a tag and to search, to select every link
// and delete them (then Undo), and the number of DOM nodes on the page.
//   LINKSNAP_BUILD_DIR=build node tests/e2e/bench/manager-scale.mjs [links]
import { launch, requireBuilt } from '../harness.mjs';

const N = Number(process.argv[2] ?? 100_000);
requireBuilt();

const ms = (t0) => Math.round(performance.now() - t0);
const browser = await launch();
try {
  // The host's import of a bookmarks-API list (the manager's "Import browser bookmarks"
  // path). A bookmark FILE of 100,000 entries (13 MB) is refused by this host as
  // "truncated": its HTML parse stops at gumbo's memory budget somewhere past 20,000.
  let t0 = performance.now();
  const summary = await browser.worker.evaluate(async (n) => {
    const bookmarks = [];
    for (let i = 0; i < n; i++) {
      const folder = Math.floor(i / 500);
      bookmarks.push({ url: `https://site${i % 997}.example/path/${i}`, title: `Page ${i} about topic ${folder} 第${i}页`,
        folders: [`area${folder % 20}`, `topic${folder}`], tags: [`t${i % 50}`, `u${i % 7}`], added_at: 1600000000 + i });
    }
    const r = await linksnap.host.request('import', { bookmarks, keep_root_folders: true }, { timeoutMs: 600_000 });
    return { imported: r.imported, merged: r.merged };
  }, N);
  console.log(`store filled: ${summary.imported.toLocaleString('en')} links by the host's import (one request) in ${ms(t0)} ms`);

  const page = await browser.ctx.newPage();
  const count = () => page.locator('#count').textContent();
  const firstId = () => page.locator('#rows tr').first().getAttribute('data-id');
  const until = async (fn, what, limit = 120_000) => {
    const end = Date.now() + limit;
    while (!(await fn())) {
      if (Date.now() > end) throw new Error(`timed out: ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  t0 = performance.now();
  await page.goto(browser.extUrl('src/pages/manager.html'));
  await page.locator('#rows tr').first().waitFor({ timeout: 60_000 });
  console.log(`open → first rows: ${ms(t0)} ms (${await page.locator('#rows tr').count()} rows)`);
  await until(async () => /links$/.test(await count()), 'the count');
  console.log(`open → count "${await count()}": ${ms(t0)} ms`);
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`DOM nodes on the page: ${nodes.toLocaleString('en')}`);

  let before = await firstId();
  t0 = performance.now();
  await page.locator('#page-input').fill('100');
  await page.locator('#page-input').press('Enter');
  await until(async () => (await firstId()) !== before, 'page 100');
  console.log(`go to page 100: ${ms(t0)} ms (page ${await page.locator('#page-input').inputValue()} ${await page.locator('#page-of').textContent()})`);

  before = await firstId();
  await page.locator('#page-first').click();
  await until(async () => (await firstId()) !== before, 'page 1');
  before = await firstId();
  t0 = performance.now();
  await page.locator('#page-last').click();
  await until(async () => (await firstId()) !== before, 'the last page');
  console.log(`go to the last page: ${ms(t0)} ms (page ${await page.locator('#page-input').inputValue()}, ${await page.locator('#rows tr').count()} rows)`);

  t0 = performance.now();
  await page.locator('.node[data-tag="t7"] button.name').click();
  const perTag = Math.ceil((N - 7) / 50);
  await until(async () => (await count()) === `${perTag.toLocaleString('en')} links` &&
    (await page.locator('#rows tr').count()) === Math.min(100, perTag), 'the tag filter');
  console.log(`filter by tag t7 → "${await count()}": ${ms(t0)} ms`);

  t0 = performance.now();
  await page.locator('.node button.name', { hasText: 'All links' }).click();
  await until(async () => (await count()) === `${N.toLocaleString('en')} links`, 'all links again');
  console.log(`back to all links → "${await count()}": ${ms(t0)} ms`);

  t0 = performance.now();
  const query = `第${Math.floor(N * 0.04242)}页`;
  await page.locator('#search').fill(query);
  await until(async () => (await page.locator('#rows tr').count()) === 1 && /^1 link$/.test(await count()), 'the search');
  console.log(`search "${query}" → 1 row (incl. 200 ms typing debounce): ${ms(t0)} ms`);
  await page.locator('#search').fill('');
  await until(async () => (await page.locator('#rows tr').count()) === 100 && /links$/.test(await count()) && (await count()) !== '1 link', 'the list again');

  await page.locator('#select-all').check();
  await page.locator('#select-matching').click();
  console.log(`select all matching → "${await count()}"`);
  t0 = performance.now();
  await page.locator('#bulk-delete').click();
  await page.locator('.toast').waitFor({ timeout: 120_000 });
  console.log(`delete all selected → rows gone, Undo offered ("${await page.locator('.toast-text').textContent()}"): ${ms(t0)} ms`);
  t0 = performance.now();
  await page.locator('.toast-action').click();
  await until(async () => (await page.locator('#rows tr').count()) === 100, 'the undo');
  console.log(`Undo → rows back ("${await count()}"): ${ms(t0)} ms`);
  const nodesAfter = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`DOM nodes after all of it: ${nodesAfter.toLocaleString('en')}`);
} finally {
  await browser.close();
}
