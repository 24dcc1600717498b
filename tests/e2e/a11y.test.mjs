// Accessibility (issue 16): axe-core run in headless Chromium on every screen of the real
// extension — the popup (a page not saved, then saved with search results), the manager, the
// viewer (a snapshot with its timeline and marked matches, and the compare view) — in light
// and dark, English and Chinese. No serious or critical violation may remain; each failing
// page prints its rules, elements and the contrast figures axe measured.
// The archived page inside the viewer's frame is not ours and is left out (iframes: false).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, tabIdOf } from './harness.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SERIOUS = new Set(['serious', 'critical']);

/** The serious and critical violations on `page`, as printable lines. */
async function violations(page) {
  // Through the debugger protocol, so the extension page's CSP (script-src 'self') does not apply.
  await page.evaluate(AXE);
  const found = await page.evaluate(() => globalThis.axe.run(document, {
    iframes: false, resultTypes: ['violations'],
  }).then((r) => r.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => `${n.target.join(' ')}${n.any[0]?.message ? ` — ${n.any[0].message}` : ''}`),
  }))));
  return found.filter((v) => SERIOUS.has(v.impact))
    .map((v) => `${v.impact} ${v.id} (${v.help}):\n      ${v.nodes.slice(0, 6).join('\n      ')}`);
}

for (const lang of ['en-US', 'zh-CN']) {
  describe(`axe-core, ${lang}`, { timeout: 180_000 }, () => {
    let browser;
    let server;
    let tabId;
    let linkId;
    const report = new Map(); // "page, scheme" → violations

    before(async () => {
      requireBuilt();
      server = await startServer(join(REPO, 'tests'));
      browser = await launch({ locale: lang });
      const url = `${server.url}/fixtures/chrony/chrony-nts.html`;
      const tab = await browser.ctx.newPage();
      await tab.goto(url);
      tabId = await tabIdOf(browser.worker, url);
      // Two snapshots of one link (a timeline and a compare view), and other links with tags.
      const saved = await browser.worker.evaluate(async (u) => {
        const html = (extra) => `<!DOCTYPE html><title>chrony 时间同步</title><p>chrony 是一个时间同步程序。${extra}</p><p>NTS 使用 TLS 交换密钥。</p>`;
        const a = await linksnap.host.request('save', { url: `${u}?saved`, html: html(''), tags: ['笔记/时间'] });
        await linksnap.host.request('save', { url: `${u}?saved`, html: html('新版本支持硬件时间戳。') });
        for (let i = 0; i < 5; i++) {
          await linksnap.host.request('save', { url: `https://example.org/a11y/${i}`, title: `Note ${i} 笔记`,
            tags: [i % 2 ? 'linux' : '数据库'], html: `<!DOCTYPE html><title>Note ${i}</title><p>密钥 key ${i}</p>` });
        }
        return a.link.id;
      }, url);
      linkId = saved;
    });
    after(async () => {
      await browser?.close();
      server?.stop();
    });

    async function check(name, path, ready, act) {
      for (const scheme of ['light', 'dark']) {
        const page = await browser.ctx.newPage();
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(browser.extUrl(path));
        await page.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
        if (ready) await page.locator(ready).first().waitFor({ timeout: 10_000 });
        if (act) await act(page);
        report.set(`${name}, ${scheme}`, await violations(page));
        await page.close();
      }
    }

    test('the popup, a page not saved yet', () => check('popup', `src/pages/popup.html?tab=${tabId}`, '#results li'));
    test('the popup, saved, with search results', () => check('popup (search)', `src/pages/popup.html?tab=${tabId}`, '#results li', async (p) => {
      await p.locator('#save-page').click(); // the second time (dark) it saves again
      await p.locator('#page-state.ok').waitFor({ timeout: 20_000 });
      await p.locator('#search').fill('密钥');
      await p.locator('#results li[aria-selected=true] .snippet mark').first().waitFor({ timeout: 5000 });
    }));
    test('the manager', () => check('manager', 'src/pages/manager.html', null));
    test('the viewer with its timeline and marked matches', () =>
      check('viewer', `src/pages/viewer.html?id=${linkId}&q=${encodeURIComponent('密钥')}`, '#timeline-list li'));
    test('the compare view', () => check('viewer (compare)', `src/pages/viewer.html?id=${linkId}&compare=1`, '#hunks ins'));

    test('no serious or critical violations on any of them', () => {
      const failing = [...report].filter(([, v]) => v.length);
      for (const [where, list] of report) console.log(`${lang} ${where}: ${list.length ? `\n    ${list.join('\n    ')}` : 'no serious or critical violations'}`);
      assert.equal(report.size, 10, 'every page was checked');
      assert.deepEqual(failing.map(([where, v]) => `${where}: ${v.length}`), []);
    });
  });
}
