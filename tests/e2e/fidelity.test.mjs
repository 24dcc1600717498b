// What the serializer keeps of a live page, checked in the viewer's sandboxed frame: an
// open shadow root (declarative shadow DOM, with its adopted sheet), a canvas's pixels (as its background),
// typed form values when "Keep text typed into forms" is on (never a password), a lazy srcset image not loaded yet, CSSOM-only
// rules, adopted sheets, a same-origin iframe, UTF-8 text on a windows-1252 page — and no
// script runs in the snapshot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, isChronyAsset, launch, requireBuilt, startServer, tabIdOf } from './harness.mjs';

describe('capture fidelity', { timeout: 90_000 }, () => {
  let browser;
  let server;
  let frame;

  before(async () => {
    requireBuilt();
    server = await startServer(join(REPO, 'tests'));
    browser = await launch();
    const url = `${server.url}/e2e/fixtures/fidelity/index.html`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    await page.fill('#text', 'typed value');
    await page.fill('#secret', 'hunter2');
    await page.check('#check');
    await page.selectOption('#select', 'b');
    await page.fill('#area', 'typed\nlines');
    const tabId = await tabIdOf(browser.worker, url);
    // Off by default (tests/e2e/popup.test.mjs checks that); on here to check it works.
    await browser.worker.evaluate(() => chrome.storage.local.set({ keepFormText: true }));
    const result = await browser.worker.evaluate((id) => linksnap.captureTab(id), tabId);
    const viewer = await browser.ctx.newPage();
    await viewer.goto(browser.extUrl(`src/pages/viewer.html?id=${result.link.id}`));
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    frame = viewer.frameLocator('#frame');
    await frame.locator('h1').waitFor();
  });
  after(async () => {
    await browser?.close();
    server?.stop();
  });

  const color = (locator) => locator.evaluate((el) => getComputedStyle(el).color);

  test('an open shadow root is shown, with its adopted style sheet', async () => {
    const p = frame.locator('x-card #shadow-p'); // playwright pierces open shadow roots
    assert.equal(await p.textContent(), 'SHADOW-TEXT');
    assert.equal(await color(p), 'rgb(255, 0, 0)');
    assert.equal(await frame.locator('x-card').evaluate((el) => !!el.shadowRoot), true);
  });

  test('a canvas stays a canvas (its CSS still applies), its pixels its background image', async () => {
    const canvas = frame.locator('canvas[data-linksnap=canvas]');
    assert.equal(await canvas.getAttribute('id'), 'canvas');
    const pixel = await canvas.evaluate(async (box) => {
      const el = new Image();
      el.src = getComputedStyle(box).backgroundImage.replace(/^url\("?|"?\)$/g, '');
      await el.decode();
      const c = document.createElement('canvas');
      c.width = el.naturalWidth; c.height = el.naturalHeight;
      const g = c.getContext('2d');
      g.drawImage(el, 0, 0);
      return [el.naturalWidth, el.naturalHeight, ...g.getImageData(10, 10, 1, 1).data];
    });
    assert.deepEqual(pixel, [120, 60, 255, 0, 0, 255]);
  });

  test('with the setting on, form fields show what was typed, except the password', async () => {
    assert.equal(await frame.locator('#text').inputValue(), 'typed value');
    assert.equal(await frame.locator('#secret').inputValue(), '');
    assert.equal(await frame.locator('#check').isChecked(), true);
    assert.equal(await frame.locator('#select').inputValue(), 'b');
    assert.equal(await frame.locator('#area').inputValue(), 'typed\nlines');
  });

  test('a lazy srcset image that was never loaded is shown', async () => {
    const img = frame.locator('#lazy');
    const src = await img.getAttribute('src');
    // Never loaded when captured (3000 px below the fold), so the browser chose nothing
    // yet: the serializer keeps the largest candidate.
    assert.ok(isChronyAsset(src, 'banner.png') || isChronyAsset(src, 'clock.png'), `lazy image src is ${src.slice(0, 80)}`);
    assert.equal(await img.getAttribute('srcset'), null);
    await img.scrollIntoViewIfNeeded();
    const loaded = await img.evaluate(async (el) => { await el.decode(); return el.naturalWidth; });
    assert.ok(loaded > 1, 'the image loaded in the viewer');
  });

  test('a responsive image keeps the source the browser chose (currentSrc)', async () => {
    const src = await frame.locator('#responsive').getAttribute('src');
    assert.ok(isChronyAsset(src, 'clock.png'), `responsive image src is ${src.slice(0, 80)}`); // 1x at DPR 1
  });

  test('CSSOM-only rules and adopted sheets are kept', async () => {
    assert.equal(await color(frame.locator('.plain')), 'rgb(0, 0, 255)');
    assert.equal(await color(frame.locator('.cssom')), 'rgb(0, 128, 0)');
    assert.equal(await color(frame.locator('.adopted')), 'rgb(128, 0, 128)');
  });

  test('a same-origin iframe keeps its document', async () => {
    assert.equal(await frame.frameLocator('#inner').locator('#in-frame').textContent(), 'IFRAME-TEXT');
  });

  test('text is UTF-8 whatever the page declared, and no script ran', async () => {
    assert.equal(await frame.locator('#unicode').textContent(), 'café 密钥 😀');
    assert.equal(await frame.locator('#scripted').textContent(), 'ran on the live page');
    assert.equal(await frame.locator('script').count(), 0);
  });
});
