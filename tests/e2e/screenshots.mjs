#!/usr/bin/env node
// Screenshots of the popup (a page not saved, just saved with a search, a blank tab, a dead
// link's mark, no host), the manager (empty, a list with a row selected, a dialog, the Undo
// toast, no host) and the viewer (timeline with a search's matches marked, compare with
// previous, a dead link's notice), from the real extension and host, light and dark,
// English and Chinese, into docs/screenshots/ (so the pictures stay true to the code):
//   LINKSNAP_BUILD_DIR=build node tests/e2e/screenshots.mjs
// Each language/scheme gets a fresh profile and store, seeded through the host.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, tabIdOf } from './harness.mjs';

const OUT = join(REPO, 'docs/screenshots');
const POPUP = { width: 400, height: 560 };
const MANAGER = { width: 1100, height: 640 };
const VIEWER = { width: 1100, height: 640 };
const INSERTED = '新版本支持硬件时间戳，精度可达微秒。';

const SEED = {
  en: { titles: ['Configuring chrony with NTS', 'SQLite FTS5 tokenizers', 'Reading a libcurl multi loop',
    'Declarative shadow DOM', 'Notes on WebExtension messaging', 'Gumbo HTML parser internals'],
    tags: [['linux', 'time'], ['database'], ['network', 'c'], ['web'], ['web', 'extensions'], ['c', 'parsing']] },
  zh: { titles: ['chrony 与 NTS 配置', 'SQLite FTS5 分词器', '阅读 libcurl 多路循环', '声明式影子 DOM',
    'WebExtension 消息机制笔记', 'Gumbo HTML 解析器内部'],
    tags: [['笔记/时间', 'linux'], ['数据库'], ['网络', 'c'], ['网页'], ['网页', '扩展'], ['c', '解析']] },
};

async function shoot({ lang, scheme, server }) {
  const browser = await launch({ locale: lang === 'zh' ? 'zh-CN' : 'en-US', colorScheme: scheme });
  try {
    const seed = SEED[lang];
    // 0. The manager of an empty store: how to save a first page or import bookmarks.
    const empty = await browser.ctx.newPage();
    await empty.setViewportSize(MANAGER);
    await empty.goto(browser.extUrl('src/pages/manager.html'));
    await empty.locator('#empty').waitFor({ timeout: 15_000 });
    await save(empty, `manager-empty-${lang}-${scheme}.png`);
    await empty.close();
    await browser.worker.evaluate(async ({ titles, tags }) => {
      for (let i = 0; i < titles.length; i++) {
        await linksnap.host.request('save', { url: `https://example.org/notes/${i}`, title: titles[i], tags: tags[i],
          html: `<!DOCTYPE html><title>${titles[i]}</title><p>${titles[i]} — chrony NTS 密钥 notes</p>` });
      }
    }, seed);
    // 1. A page not saved yet: the state, "Save page", search and the newest links.
    const url = `${server.url}/fixtures/chrony/chrony-nts.html`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(browser.worker, url);
    const popup = await browser.ctx.newPage();
    await popup.setViewportSize(POPUP);
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    await popup.locator('#results li').first().waitFor();
    await save(popup, `popup-unsaved-${lang}-${scheme}.png`);
    // 2. Just saved: Undo offered; a search with a result chosen by keyboard.
    await popup.locator('#save-page').click();
    await popup.locator('#undo-save').waitFor({ timeout: 20_000 });
    await popup.locator('#search').fill(lang === 'zh' ? '密钥' : 'chrony');
    await popup.locator('#results li[aria-selected=true] .snippet mark').first().waitFor({ timeout: 5000 });
    await popup.locator('#search').press('ArrowDown');
    await save(popup, `popup-saved-search-${lang}-${scheme}.png`);
    // 3. A blank tab: what to do next.
    const blank = await browser.ctx.newPage();
    await blank.goto('about:blank');
    const blankId = await browser.worker.evaluate(async () => Math.max(...(await chrome.tabs.query({})).filter((t) => !t.url).map((t) => t.id)));
    await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${blankId}`));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    await save(popup, `popup-blank-tab-${lang}-${scheme}.png`);
    await popup.close();
    await blank.close();
    await page.close();
    await shootManager(browser, lang, scheme);
    await shootViewer(browser, { lang, scheme, server, url });
  } finally {
    await browser.close();
  }
  // 4. No host: the install screen, in the popup and the manager.
  const bare = await launch({ registerHost: false, locale: lang === 'zh' ? 'zh-CN' : 'en-US', colorScheme: scheme });
  try {
    const popup = await bare.ctx.newPage();
    await popup.setViewportSize(POPUP);
    await popup.goto(bare.extUrl('src/pages/popup.html'));
    await popup.locator('#host-problem').waitFor({ timeout: 10_000 });
    await save(popup, `popup-no-host-${lang}-${scheme}.png`);
    const manager = await bare.ctx.newPage();
    await manager.setViewportSize({ width: 1000, height: 520 });
    await manager.goto(bare.extUrl('src/pages/manager.html'));
    await manager.locator('#host-problem').waitFor({ timeout: 10_000 });
    await save(manager, `manager-no-host-${lang}-${scheme}.png`);
  } finally {
    await bare.close();
  }
}

// The manager with links: a row selected (its chips stay visible), the tags dialog with
// completion, and the toast that offers Undo after a delete.
async function shootManager(browser, lang, scheme) {
  const manager = await browser.ctx.newPage();
  await manager.setViewportSize(MANAGER);
  await manager.goto(browser.extUrl('src/pages/manager.html'));
  await manager.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  await manager.locator('#rows tr').first().waitFor();
  const rows = manager.locator('#rows tr');
  await rows.nth(1).locator('input[type=checkbox]').check();
  await rows.nth(2).locator('input[type=checkbox]').check();
  await manager.mouse.move(0, 0);
  await save(manager, `manager-list-${lang}-${scheme}.png`);
  await rows.nth(1).locator('button.tags').click();
  const input = manager.locator('#tags-dialog input');
  await input.fill(`${await input.inputValue()}, ${lang === 'zh' ? '网' : 'web'}`);
  await save(manager, `manager-dialog-${lang}-${scheme}.png`);
  await manager.keyboard.press('Escape');
  await manager.locator('#tags-dialog').waitFor({ state: 'detached' });
  await rows.nth(3).locator('button.delete').click();
  await manager.locator('.toast').waitFor();
  await save(manager, `manager-toast-${lang}-${scheme}.png`);
  await manager.locator('.toast-action').click();
  await manager.close();
}

// The viewer: the chrony page saved twice, a Chinese sentence inserted the second time.
async function shootViewer(browser, { lang, scheme, server, url }) {
  const html = readFileSync(join(REPO, 'tests/fixtures/chrony/chrony-nts.html'), 'utf8');
  const changed = html.replace('<p>NTS 是一种', `<p>${INSERTED}</p>\n<p>NTS 是一种`);
  const linkId = await browser.worker.evaluate(async ({ url, html, changed }) => {
    await linksnap.host.request('save', { url: `${url}?v`, html });
    return (await linksnap.host.request('save', { url: `${url}?v`, html: changed })).link.id;
  }, { url, html, changed });
  const viewer = await browser.ctx.newPage();
  await viewer.setViewportSize(VIEWER);
  // 1. Opened from a search hit: the timeline, the first match scrolled to, every match marked.
  await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${linkId}&q=${encodeURIComponent('密钥')}`));
  await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  await viewer.locator('body[data-timeline=exact]').waitFor({ timeout: 15_000 });
  await viewer.waitForTimeout(300); // the scroll to the match
  await save(viewer, `viewer-timeline-marks-${lang}-${scheme}.png`);
  // 2. Compare with previous.
  await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${linkId}&compare=1`));
  await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  await save(viewer, `viewer-compare-${lang}-${scheme}.png`);
  // 3. A dead link. Until the host reports link status (issue 12, on its way), the answers
  // get the status the host will send — a test double of the host's reply, here only.
  await browser.worker.evaluate(({ deadUrl, checkedAt }) => {
    const real = linksnap.host.request.bind(linksnap.host);
    const status = { state: 'broken', code: 404, detail: 'HTTP 404', checked_at: checkedAt, redirected_to: null };
    const mark = (l) => (l && l.url === deadUrl ? { ...l, status } : l);
    linksnap.host.request = async (cmd, args, opts) => {
      const r = await real(cmd, args, opts);
      if (cmd === 'search') return { ...r, results: r.results.map(mark) };
      if (cmd === 'show' || cmd === 'lookup') return { ...r, link: mark(r.link) };
      return r;
    };
  }, { deadUrl: `${url}?v`, checkedAt: '2026-11-30T08:15:00Z' });
  await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${linkId}`));
  await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  await save(viewer, `viewer-dead-link-${lang}-${scheme}.png`);
  await viewer.close();
  const tab = await browser.ctx.newPage();
  await tab.goto(`${url}?v`);
  const tabId = await tabIdOf(browser.worker, `${url}?v`);
  const popup = await browser.ctx.newPage();
  await popup.setViewportSize(POPUP);
  await popup.goto(browser.extUrl(`src/pages/popup.html?tab=${tabId}`));
  await popup.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  await popup.locator('#search').fill('NTS');
  await popup.locator('#results .link-status').first().waitFor({ timeout: 5000 });
  await save(popup, `popup-dead-link-${lang}-${scheme}.png`);
  await popup.close();
  await tab.close();
}

async function save(page, name) {
  await page.screenshot({ path: join(OUT, name) });
  console.log(join('docs/screenshots', name));
}

requireBuilt();
mkdirSync(OUT, { recursive: true });
const server = await startServer(join(REPO, 'tests'));
try {
  for (const lang of ['en', 'zh']) for (const scheme of ['light', 'dark']) await shoot({ lang, scheme, server });
} finally {
  server.stop();
}
