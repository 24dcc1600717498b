// Issue 16's fidelity suite, in headless Chromium with the real host: each fixture page in
// tests/e2e/fixtures/pixels is shown live, saved with the toolbar's capture, then shown from
// the snapshot twice — the exported single file (file://) and the viewer's sandboxed frame —
// at the same 1280 px width and the page's full height. The fraction of pixels that differ
// from the live page is printed for every page and asserted ≤ 1%.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO, launch, requireBuilt, startServer, tabIdOf } from './harness.mjs';

const WIDTH = 1280;
const MAX_DIFFERING = 0.01;
const PAGES = ['sprites', 'canvas', 'scroll', 'fonts', 'grid', 'frames'];

describe('pixel fidelity: live page against its snapshot', { timeout: 240_000 }, () => {
  let browser;
  let server;
  let dir;
  const table = [];

  before(async () => {
    requireBuilt();
    server = await startServer(join(REPO, 'tests'));
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), 'linksnap-pixels-'));
  });
  after(async () => {
    console.log(['page       export   viewer', ...table].join('\n'));
    await browser?.close();
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);

  // Loaded, fonts ready, images decoded; with `walk`, scrolled through and back first (what a
  // reader who scrolled the page has seen: the reference for scroll-triggered content).
  async function settle(page, walk) {
    await page.waitForLoadState('load');
    if (walk) {
      await page.evaluate(async () => {
        const pause = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 50)));
        for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) { scrollTo(0, y); await pause(); }
        scrollTo(0, 0);
        await pause();
      });
    }
    await page.evaluate(async () => {
      await document.fonts.ready;
      // A lazy image out of view never decodes: bounded.
      await Promise.race([Promise.allSettled([...document.images].map((img) => img.decode())),
        new Promise((r) => setTimeout(r, 3000))]);
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    });
  }

  async function fullPage(page) {
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    await page.setViewportSize({ width: WIDTH, height });
    return { png: await page.screenshot({ clip: { x: 0, y: 0, width: WIDTH, height } }), height };
  }

  // The fraction of pixels of the larger image at which the two differ at all.
  async function differing(a, b) {
    const page = await browser.ctx.newPage();
    try {
      return await page.evaluate(async ([x, y]) => {
        const load = async (b64) => { const img = new Image(); img.src = `data:image/png;base64,${b64}`; await img.decode(); return img; };
        const [ia, ib] = await Promise.all([load(x), load(y)]);
        const w = Math.max(ia.width, ib.width);
        const h = Math.max(ia.height, ib.height);
        const pixels = (img) => {
          const c = new OffscreenCanvas(w, h);
          const g = c.getContext('2d');
          g.fillStyle = '#ff00ff'; // outside the smaller image: differs from anything real
          g.fillRect(0, 0, w, h);
          g.drawImage(img, 0, 0);
          return g.getImageData(0, 0, w, h).data;
        };
        const pa = pixels(ia);
        const pb = pixels(ib);
        let diff = 0;
        for (let i = 0; i < pa.length; i += 4) {
          if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2]) diff++;
        }
        return diff / (w * h);
      }, [a.toString('base64'), b.toString('base64')]);
    } finally {
      await page.close();
    }
  }

  for (const name of PAGES) {
    test(`${name}: the export and the viewer differ from the live page in ≤ 1% of pixels`, async () => {
      const url = `${server.url}/e2e/fixtures/pixels/${name}.html`;
      const live = await browser.ctx.newPage();
      await live.setViewportSize({ width: WIDTH, height: 900 });
      await live.goto(url);
      await settle(live, false);
      // Saved as a person would save it, without scrolling first; the reference is the page
      // as a reader who scrolled through it has seen it.
      const saved = await browser.worker.evaluate((id) => linksnap.captureTab(id), await tabIdOf(browser.worker, url));
      await settle(live, true);
      const reference = await fullPage(live);
      await live.close();

      const { html } = await host('export', { id: saved.link.id });
      const file = join(dir, `${name}.html`);
      writeFileSync(file, html);
      const exported = await browser.ctx.newPage();
      await exported.setViewportSize({ width: WIDTH, height: 900 });
      await exported.goto(pathToFileURL(file).href);
      await settle(exported, false);
      const fromExport = await fullPage(exported);
      await exported.close();

      const viewer = await browser.ctx.newPage();
      await viewer.setViewportSize({ width: WIDTH, height: reference.height });
      await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${saved.link.id}`));
      await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
      // The snapshot's frame alone, at the live page's size, over the viewer's own bar.
      await viewer.evaluate((height) => {
        const f = document.getElementById('frame');
        f.style.cssText = `position:fixed;left:0;top:0;width:${innerWidth}px;height:${height}px;border:0;margin:0;z-index:2147483647;background:#fff`;
      }, reference.height);
      const frame = viewer.frames().find((f) => f !== viewer.mainFrame());
      await frame.evaluate(async () => {
        await document.fonts.ready;
        await Promise.allSettled([...document.images].map((img) => img.decode()));
      }).catch(() => {}); // a sandboxed frame without script: nothing to wait for there
      await viewer.waitForTimeout(200);
      const fromViewer = await viewer.screenshot({ clip: { x: 0, y: 0, width: WIDTH, height: reference.height } });
      await viewer.close();

      const inExport = await differing(reference.png, fromExport.png);
      const inViewer = await differing(reference.png, fromViewer);
      table.push(`${name.padEnd(10)} ${(inExport * 100).toFixed(2).padStart(6)}%  ${(inViewer * 100).toFixed(2).padStart(6)}%`);
      if (process.env.LINKSNAP_PIXELS_DIR) {
        for (const [what, png] of [['live', reference.png], ['export', fromExport.png], ['viewer', fromViewer]]) {
          writeFileSync(join(process.env.LINKSNAP_PIXELS_DIR, `${name}-${what}.png`), png);
        }
      }
      assert.ok(inExport <= MAX_DIFFERING, `${name}: the export differs in ${(inExport * 100).toFixed(2)}% of pixels`);
      assert.ok(inViewer <= MAX_DIFFERING, `${name}: the viewer differs in ${(inViewer * 100).toFixed(2)}% of pixels`);
      await host('rm', { id: saved.link.id });
    });
  }
});
