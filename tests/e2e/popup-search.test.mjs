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
        const answer = await real(cmd, args, opts);
        if (cmd !== 'search') return answer;
        sentQueries.push(args.query);
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

  test('a late answer to an earlier query is not shown over the newer one', async () => {
    await holdBack('chrony');
    await popup.locator('#search').fill('chrony');
    await waitHeld('chrony'); // the host answered; the answer waits in the background
    await popup.locator('#search').fill('timesyncd');
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === 'timesyncd');
    assert.deepEqual(await titles(), ['systemd-timesyncd']);
    assert.equal(await release('chrony'), true);
    await popup.waitForTimeout(300); // the late answer has reached the popup
    assert.deepEqual(await titles(), ['systemd-timesyncd'], 'the answer to "chrony" came last and was dropped');
    assert.equal(await popup.evaluate(() => document.getElementById('results').dataset.query), 'timesyncd');
    assert.equal(await popup.locator('#result-count').textContent(), '');
  });

  test('an earlier answer that arrives first is not shown while a newer query runs', async () => {
    await holdBack('ntpd');
    await holdBack('密钥');
    await popup.locator('#search').fill('ntpd');
    await waitHeld('ntpd');
    await popup.locator('#search').fill('密钥');
    await waitHeld('密钥');
    const before = await titles();
    assert.equal(await release('ntpd'), true);
    await popup.waitForTimeout(300); // the answer to "ntpd" has reached the popup
    assert.deepEqual(await titles(), before, 'the answer to "ntpd" was already superseded by "密钥"');
    assert.equal(await release('密钥'), true);
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === '密钥');
    assert.deepEqual(await titles(), ['密钥交换']);
  });

  test('every key sends its query at once, without waiting for a pause in typing', async () => {
    await popup.locator('#search').fill('');
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === '');
    await browser.worker.evaluate(() => { sentQueries.length = 0; });
    const started = Date.now();
    await popup.locator('#search').pressSequentially('chr', { delay: 60 });
    await popup.waitForFunction(() => document.getElementById('results').dataset.query === 'chr');
    const sent = await browser.worker.evaluate(() => [...sentQueries]);
    assert.deepEqual(sent, ['c', 'ch', 'chr'], 'a query per key (60 ms apart: each answered before the next key)');
    assert.ok(Date.now() - started < 5000);
    assert.deepEqual((await titles()).sort(), ['chrony NTS notes', 'chrony and ntpd']);
  });
});
