// The manager at 100,000 links, in headless Chromium with the real host: fills a store
// through `linksnap import` of a generated bookmark file (folders and TAGS become tags),
// then opens the manager and prints the time to the first rows and to the count, to
// page 100 and to the last page, to filter by a tag and to search, to select every link
// and delete them (then Undo), and the number of DOM nodes on the page.
//   LINKSNAP_BUILD_DIR=build node tests/e2e/bench/manager-scale.mjs [links]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, launch, requireBuilt } from '../harness.mjs';

const N = Number(process.argv[2] ?? 100_000);
requireBuilt();

// Folders area0-19/topicN of 500 links each, TAGS t0-t49 and u0-u6, a Chinese word per title.
function bookmarkFile(path) {
  const out = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n',
    '<DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>\n<DL><p>\n'];
  for (let start = 0; start < N; start += 500) {
    const folder = start / 500;
    out.push(`<DT><H3>area${folder % 20}</H3>\n<DL><p>\n<DT><H3>topic${folder}</H3>\n<DL><p>\n`);
    for (let i = start; i < Math.min(N, start + 500); i++) {
      out.push(`<DT><A HREF="https://site${i % 997}.example/path/${i}" ADD_DATE="${1600000000 + i}" TAGS="t${i % 50},u${i % 7}">` +
        `Page ${i} about topic ${folder} 第${i}页</A>\n`);
    }
    out.push('</DL><p>\n</DL><p>\n');
  }
  out.push('</DL><p>\n</DL><p>\n');
  writeFileSync(path, out.join(''));
}

const ms = (t0) => Math.round(performance.now() - t0);
const tmp = mkdtempSync(join(tmpdir(), 'linksnap-manager-scale-'));
const browser = await launch();
try {
  const file = join(tmp, 'bookmarks.html');
  bookmarkFile(file);
  let t0 = performance.now();
  execFileSync(join(BUILD, 'native-host/linksnap'), ['--home', browser.home, 'import', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`store filled: ${N.toLocaleString('en')} links by linksnap import of a bookmark file in ${ms(t0)} ms`);

  // The host's share of each step: the background records every request's time.
  await browser.worker.evaluate(() => {
    const real = linksnap.host.request.bind(linksnap.host);
    globalThis.hostLog = [];
    linksnap.host.request = async (cmd, args, opts) => {
      const t = performance.now();
      try { return await real(cmd, args, opts); } finally { hostLog.push({ cmd, ms: performance.now() - t, end: performance.now() }); }
    };
  });
  const hostShare = async () => {
    const log = await browser.worker.evaluate(() => hostLog.splice(0));
    if (!log.length) return '';
    const by = new Map();
    for (const { cmd, ms } of log) { const x = by.get(cmd) ?? { n: 0, ms: 0, max: 0 }; x.n++; x.ms += ms; x.max = Math.max(x.max, ms); by.set(cmd, x); }
    const { renderMs, renderedAt, actAt } = await page.evaluate(() => ({ ...document.getElementById('rows').dataset, actAt: globalThis.actAt }));
    // In the page's own clock: from the click or Enter to the rows built (without the
    // bench's polling through the driver).
    const inPage = actAt && Number(renderedAt) > actAt ? ` ${Math.round(renderedAt - actAt)} ms in the page from the click to the rows built,` : '';
    await page.evaluate(() => { globalThis.actAt = 0; });
    return `  ${inPage} rows built in ${renderMs} ms; host requests: ${[...by].map(([c, x]) => `${c}×${x.n} ${Math.round(x.ms)} ms${x.n > 1 ? ` (longest ${Math.round(x.max)})` : ''}`).join(', ')}`;
  };
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
  console.log(`open → first rows: ${ms(t0)} ms (${await page.locator('#rows tr').count()} rows; in the page's clock ${await page.evaluate(() => document.getElementById('rows').dataset.firstAt)} ms after navigation start)`);
  await until(async () => /links$/.test(await count()), 'the count');
  console.log(`open → count "${await count()}": ${ms(t0)} ms`);
  console.log(await hostShare());
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`DOM nodes on the page: ${nodes.toLocaleString('en')}`);
  await page.evaluate(() => {
    for (const type of ['click', 'change']) document.addEventListener(type, () => { globalThis.actAt = performance.now(); }, true);
  });

  let before = await firstId();
  t0 = performance.now();
  await page.locator('#page-input').fill('100');
  await page.locator('#page-input').press('Enter');
  await until(async () => (await firstId()) !== before, 'page 100');
  console.log(`go to page 100: ${ms(t0)} ms (page ${await page.locator('#page-input').inputValue()} ${await page.locator('#page-of').textContent()})`);
  console.log(await hostShare());

  before = await firstId();
  await page.locator('#page-first').click();
  await until(async () => (await firstId()) !== before, 'page 1');
  before = await firstId();
  t0 = performance.now();
  await page.locator('#page-last').click();
  await until(async () => (await firstId()) !== before, 'the last page');
  console.log(`go to the last page: ${ms(t0)} ms (page ${await page.locator('#page-input').inputValue()}, ${await page.locator('#rows tr').count()} rows)`);
  console.log(await hostShare());

  t0 = performance.now();
  await page.locator('.node[data-tag="t7"] button.name').click();
  const perTag = Math.ceil((N - 7) / 50);
  await until(async () => (await count()) === `${perTag.toLocaleString('en')} links` &&
    (await page.locator('#rows tr').count()) === Math.min(100, perTag), 'the tag filter');
  console.log(`filter by tag t7 → "${await count()}": ${ms(t0)} ms`);
  console.log(await hostShare());

  t0 = performance.now();
  await page.locator('.node button.name', { hasText: 'All links' }).click();
  await until(async () => (await count()) === `${N.toLocaleString('en')} links`, 'all links again');
  console.log(`back to all links → "${await count()}": ${ms(t0)} ms`);
  console.log(await hostShare());

  t0 = performance.now();
  const query = `第${Math.floor(N * 0.04242)}页`;
  await page.locator('#search').fill(query);
  await until(async () => (await page.locator('#rows tr').count()) === 1 && /^1 link$/.test(await count()), 'the search');
  console.log(`search "${query}" → 1 row (incl. 200 ms typing debounce): ${ms(t0)} ms`);
  console.log(await hostShare());
  await page.locator('#search').fill('');
  await until(async () => (await page.locator('#rows tr').count()) === 100 && /links$/.test(await count()) && (await count()) !== '1 link', 'the list again');

  await page.locator('#select-all').check();
  await page.locator('#select-matching').click();
  console.log(`select all matching → "${await count()}"`);
  // What "every matching link" costs to resolve to ids (the background lists them in
  // batches of 10,000; the delete below does this while its Undo is already offered).
  t0 = performance.now();
  const collected = await browser.worker.evaluate(() => linksnap.handlers['list.ids']({}).then((r) => r.ids.length));
  console.log(`collect the ids of every link (background, list in batches of 10,000, two at a time): ${collected.toLocaleString('en')} ids in ${ms(t0)} ms`);
  console.log(await hostShare());
  t0 = performance.now();
  await page.locator('#bulk-delete').click();
  await page.locator('.toast').waitFor({ timeout: 120_000 });
  console.log(`delete all selected → rows gone, Undo offered ("${await page.locator('.toast-text').textContent()}"): ${ms(t0)} ms`);
  console.log(await hostShare());
  t0 = performance.now();
  await page.locator('.toast-action').click();
  await until(async () => (await page.locator('#rows tr').count()) === 100, 'the undo');
  console.log(`Undo → rows back ("${await count()}"): ${ms(t0)} ms`);
  console.log(await hostShare());
  const nodesAfter = await page.evaluate(() => document.getElementsByTagName('*').length);
  console.log(`DOM nodes after all of it: ${nodesAfter.toLocaleString('en')}`);
} finally {
  await browser.close();
  rmSync(tmp, { recursive: true, force: true });
}
