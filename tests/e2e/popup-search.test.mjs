// Issue 13: search as you type in the popup, in headless Chromium with the real host. Each
// key sends its query at once (no typing debounce), and an answer that comes back after a
// newer query's answer is never shown over it. The host answers in its own order; to make
// the order certain the test holds back the host's answer to one query in the background
// (the real host still answers it) and releases it after the newer answer was shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireBuilt } from './harness.mjs';

describe('popup search as you type', { timeout: 120_000 }, () => {
  let browser;
  let popup;

  before(async () => {
    requireBuilt();
    browser = await launch();
    await browser.worker.evaluate(async () => {
      for (const [i, title] of ['chrony NTS notes', 'chrony and ntpd', 'systemd-timesyncd', '密钥交换'].entries()) {
        await linksnap.host.request('save', { url: `https://example.com/${i}`, title,
          html: `<!DOCTYPE html><title>${title}</title><p>${title}</p>` });
      }
      // Holds back the answers to queries listed in globalThis.held until release(query).
      const real = linksnap.host.request.bind(linksnap.host);
      globalThis.held = new Map();
      globalThis.sentQueries = [];
      linksnap.host.request = async (cmd, args, opts) => {
        if (cmd === 'search') sentQueries.push(args.query);
        const answer = await real(cmd, args, opts);
        if (cmd !== 'search') return answer;
        if (!held.has(args.query)) return answer;
        await new Promise((resolve) => held.set(args.query, resolve));
        return answer;
      };
      globalThis.release = (q) => { const r = held.get(q); if (typeof r === 'function') r(); return typeof r === 'function'; };
    });
    popup = await browser.ctx.newPage();
    await popup.goto(browser.extUrl('src/pages/popup.html'));
    await popup.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
  });
  after(async () => {
    await browser?.worker.evaluate(() => { for (const r of held.values()) if (typeof r === 'function') r(); }).catch(() => {});
    await browser?.close();
  });

  const titles = () => popup.locator('#results .title').allTextContents();
  const holdBack = (q) => browser.worker.evaluate((x) => { held.set(x, true); }, q);
  const release = (q) => browser.worker.evaluate((x) => release(x), q);
  const waitHeld = (q) => popup.waitForFunction(() => true).then(() =>
    browser.worker.evaluate((x) => new Promise((resolve) => {
      const poll = () => (typeof held.get(x) === 'function' ? resolve(true) : setTimeout(poll, 10));
      poll();
    }), q));

  // Every query whose answer the list showed, in order.
  const shownQueries = () => popup.evaluate(() => [...globalThis.shown]);

  test('the answer to a query typed over is never shown, also when it arrives before the newer one', async () => {
    await popup.evaluate(() => {
      globalThis.shown = [];
      const list = document.getElementById('results');
      new MutationObserver(() => shown.push(list.dataset.query))
        .observe(list, { childList: true, attributes: true, attributeFilter: ['data-query'] });
    });
    await holdBack('chrony');
    await popup.locator('#search').fill('chrony');
    await waitHeld('chrony'); // the host answered; the answer waits in the background
    await popup.locator('#search').fill('timesyncd');
    assert.equal(await release('chrony'), true); // "chrony" is answered first, after "timesyncd" was typed
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === 'timesyncd');
    assert.deepEqual(await titles(), ['systemd-timesyncd']);
    await popup.waitForTimeout(300);
    assert.deepEqual(await titles(), ['systemd-timesyncd']);
    assert.ok(!(await shownQueries()).includes('chrony'), `shown: ${JSON.stringify(await shownQueries())}`);
    assert.equal(await popup.locator('#result-count').textContent(), '');
  });

  test('of several queries typed while one runs, only the last is searched and shown', async () => {
    await popup.evaluate(() => { shown.length = 0; });
    await browser.worker.evaluate(() => { sentQueries.length = 0; });
    await holdBack('ntpd');
    await popup.locator('#search').fill('ntpd');
    await waitHeld('ntpd');
    for (const q of ['密', '密钥x', '密钥']) await popup.locator('#search').fill(q);
    assert.equal(await release('ntpd'), true);
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === '密钥');
    assert.deepEqual(await titles(), ['密钥交换']);
    await popup.waitForTimeout(300);
    assert.deepEqual(await browser.worker.evaluate(() => [...sentQueries]), ['ntpd', '密钥'], 'the queries typed over were never sent');
    assert.deepEqual(await shownQueries(), ['密钥']);
  });

  test('a key sends its query at once, without waiting for a pause in typing', async () => {
    await popup.locator('#search').fill('');
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === '');
    await browser.worker.evaluate(() => { sentQueries.length = 0; });
    const started = Date.now();
    await popup.locator('#search').pressSequentially('chr', { delay: 150 });
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === 'chr');
    const sent = await browser.worker.evaluate(() => [...sentQueries]);
    // A typing debounce of 150 ms or more would send only "chr". One search runs at a time,
    // so "ch" is skipped only when "c" took the host longer than a key.
    assert.equal(sent[0], 'c', `the first key is searched at once: ${JSON.stringify(sent)}`);
    assert.equal(sent.at(-1), 'chr');
    assert.ok(sent.length >= 2 && sent.every((q, i) => ['c', 'ch', 'chr'].indexOf(q) > ['c', 'ch', 'chr'].indexOf(sent[i - 1] ?? '')),
      `in the order typed: ${JSON.stringify(sent)}`);
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual((await titles()).sort(), ['chrony NTS notes', 'chrony and ntpd']);
  });
});
