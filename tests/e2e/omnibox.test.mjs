// Address-bar search (keyword "ls") and the hourly due-refresh alarm, in headless Chromium
// with the real host. A headless browser has no address bar to type into, so the tests call
// the listeners the background registered (globalThis.linksnap.omnibox), as the browser
// would: onInputChanged(text, suggest) and onInputEntered(text, disposition).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, requireBuilt, waitFor } from './harness.mjs';

describe('omnibox and alarms', { timeout: 90_000 }, () => {
  let browser;
  let ids;

  const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);

  before(async () => {
    requireBuilt();
    browser = await launch();
    ids = [];
    for (const [i, title, text] of [[1, 'chrony 时间同步', 'NTS 使用 TLS 交换密钥。'], [2, 'Gumbo <parser> & notes', 'an HTML5 parser']]) {
      const r = await host('save', { url: `https://example.org/omni/${i}`, title, html: `<!DOCTYPE html><title>${title}</title><p>${text}</p>` });
      ids.push(r.link.id);
    }
    // Record what the background gives the address bar.
    await browser.worker.evaluate(() => {
      const original = chrome.omnibox.setDefaultSuggestion.bind(chrome.omnibox);
      globalThis.defaults = [];
      chrome.omnibox.setDefaultSuggestion = (s) => { globalThis.defaults.push(s.description); return original(s); };
    });
  });
  after(async () => { await browser?.close(); });

  test('the keyword is "ls"', async () => {
    assert.equal(await browser.worker.evaluate(() => chrome.runtime.getManifest().omnibox.keyword), 'ls');
  });

  test('typing gives the host\'s results, escaped, with the match marked; an older answer is dropped', async () => {
    const calls = await browser.worker.evaluate(async () => {
      const seen = [];
      const suggest = (s) => seen.push(s);
      // Three keystrokes in a row: only the last one is answered.
      const answers = await Promise.all(['密', '密钥', '密钥 chrony'].map((q) => linksnap.omnibox.onInputChanged(q, suggest)));
      return { answers, seen, last: globalThis.defaults.at(-1) };
    });
    assert.deepEqual(calls.answers.slice(0, 2), ['stale', 'stale']);
    assert.equal(calls.seen.length, 1, 'suggest was called once');
    assert.deepEqual(calls.seen[0], [{
      content: 'https://example.org/omni/1',
      // The host's snippet for this query is the title: it is not repeated.
      description: '<match>chrony</match> 时间同步 <dim>—</dim> <url>https://example.org/omni/1</url>',
    }]);
    assert.equal(calls.last, 'Open the best LinkSnap match for <match>密钥 chrony</match>');

    const markup = await browser.worker.evaluate(() => linksnap.omnibox.onInputChanged('parser', () => {}));
    assert.match(markup[0].description, /^Gumbo &lt;<match>parser<\/match>&gt; &amp; notes <dim>/);
  });

  test('no results: the default suggestion says so', async () => {
    const answer = await browser.worker.evaluate(async () => ({
      s: await linksnap.omnibox.onInputChanged('zzzq <b>', () => {}), last: globalThis.defaults.at(-1) }));
    assert.deepEqual(answer.s, []);
    assert.equal(answer.last, 'No saved page matches <match>zzzq &lt;b&gt;</match> — Enter opens the LinkSnap manager');
  });

  test('Enter opens the chosen snapshot in the viewer with the query, in a new tab or this one', async () => {
    await browser.worker.evaluate(() => linksnap.omnibox.onInputChanged('密钥', () => {}));
    const opened = browser.ctx.waitForEvent('page');
    const url = await browser.worker.evaluate(() => linksnap.omnibox.onInputEntered('https://example.org/omni/1', 'newForegroundTab'));
    assert.equal(url, browser.extUrl(`src/pages/viewer.html?id=${ids[0]}&q=%E5%AF%86%E9%92%A5`));
    const viewer = await opened;
    await viewer.locator('body[data-ready=true]').waitFor({ timeout: 15_000 });
    assert.equal(await viewer.locator('#title').textContent(), 'chrony 时间同步');
    assert.equal(await viewer.locator('#find-count').textContent(), 'Match 1 of 1 for “密钥”');

    // Typed words without choosing a row: the best match. currentTab: the active tab navigates.
    const pagesBefore = browser.ctx.pages().length;
    await viewer.bringToFront();
    const url2 = await browser.worker.evaluate(() => linksnap.omnibox.onInputEntered('parser', 'currentTab'));
    assert.equal(url2, browser.extUrl(`src/pages/viewer.html?id=${ids[1]}&q=parser`));
    await waitFor(() => browser.ctx.pages().some((p) => p.url() === url2), 5000, 'a tab to show the viewer');
    assert.equal(browser.ctx.pages().length, pagesBefore, 'no new tab');

    // Nothing matches: the manager opens, in the background.
    const url3 = await browser.worker.evaluate(() => linksnap.omnibox.onInputEntered('zzzq', 'newBackgroundTab'));
    assert.equal(url3, browser.extUrl('src/pages/manager.html'));
    const tab = await browser.worker.evaluate(async (u) => (await chrome.tabs.query({ url: u }))[0], url3);
    assert.equal(tab.active, false);
  });

  test('an hourly alarm runs the due refreshes; a host without "refresh" is tolerated', async () => {
    const alarm = await browser.worker.evaluate(() => linksnap.ensureRefreshAlarm());
    assert.equal(alarm.name, 'linksnap-refresh-due');
    assert.equal(alarm.periodInMinutes, 60);
    // What this host says to refresh decides what the alarm's run must return.
    const direct = await browser.worker.evaluate(() => linksnap.host.request('refresh', { due: true })
      .then((r) => ({ ok: r }), (e) => ({ code: e.code })));
    const run = await browser.worker.evaluate(() => linksnap.runDueRefresh());
    if (direct.code === 'unknown_command') assert.deepEqual(run, { skipped: 'unknown_command' });
    else assert.deepEqual(Object.keys(run).sort(), Object.keys(direct.ok).sort());
  });
});
