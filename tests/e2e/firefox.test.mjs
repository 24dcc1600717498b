// The Firefox build in Debian's firefox-esr (headless, driven over WebDriver BiDi by
// puppeteer-core): installed as a temporary add-on, the real host registered in a
// temporary HOME, it captures the chrony page, finds it by 密钥 and shows it in the
// sandboxed viewer. Skipped when firefox-esr is not installed (CI installs it).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILD, HOST_BIN, REPO, requireBuilt, startServer, waitFor } from './harness.mjs';

const FIREFOX = process.env.LINKSNAP_FIREFOX ?? '/usr/bin/firefox-esr';
const GECKO_ID = 'linksnap@linksnap.org';
const UUID = '5d1c7a52-4f0e-4c8e-9d55-1a2b3c4d5e6f'; // fixed, so moz-extension:// URLs are known
const skip = !existsSync(FIREFOX) && process.env.CI !== 'true' ? `${FIREFOX} is not installed` : false;

describe('Firefox', { skip, timeout: 90_000 }, () => {
  let browser;
  let server;
  let root;
  const ext = (path) => `moz-extension://${UUID}/${path}`;

  // page.goto to a moz-extension page never reports completion (a remote agent bug):
  // start it and poll instead.
  async function open(url) {
    const page = await browser.newPage();
    page.goto(url).catch(() => {});
    await waitFor(() => page.evaluate((u) => location.href === u && document.readyState === 'complete', url), 15_000, url);
    return page;
  }

  before(async () => {
    requireBuilt();
    const { default: puppeteer } = await import('puppeteer-core');
    root = mkdtempSync(join(tmpdir(), 'linksnap-firefox-'));
    const home = join(root, 'home');
    mkdirSync(join(home, '.mozilla/native-messaging-hosts'), { recursive: true });
    writeFileSync(join(home, '.mozilla/native-messaging-hosts/org.linksnap.host.json'), JSON.stringify({
      name: 'org.linksnap.host', description: 'LinkSnap (test)', path: HOST_BIN, type: 'stdio',
      allowed_extensions: [GECKO_ID],
    }));
    server = await startServer(join(REPO, 'tests'));
    browser = await puppeteer.launch({
      browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: join(root, 'profile'),
      args: ['--remote-allow-system-access'], timeout: 30_000,
      env: { ...process.env, HOME: home, LINKSNAP_HOME: join(root, 'data') },
      extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: UUID }) },
    });
    await browser.installExtension(join(BUILD, 'extension/firefox'));
  });
  after(async () => {
    await browser?.close();
    server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('capture, search by 密钥 and the sandboxed viewer work', async () => {
    const url = `${server.url}/fixtures/chrony/chrony-nts.html`;
    const page = await browser.newPage();
    await page.goto(url);
    const popup = await open(ext('src/pages/popup.html?autosave=0'));
    const saved = await popup.evaluate(async (u) => {
      const tab = (await browser.tabs.query({})).find((t) => t.url === u);
      return browser.runtime.sendMessage({ cmd: 'capture', args: { tabId: tab.id } });
    }, url);
    assert.equal(saved.ok, true, JSON.stringify(saved.error));
    assert.equal(saved.result.link.title, 'chrony 时间同步与 NTS 配置笔记');

    const found = await popup.evaluate(() => browser.runtime.sendMessage({ cmd: 'host', args: { cmd: 'search', args: { query: '密钥' } } }));
    assert.deepEqual(found.result.results.map((r) => r.title), ['chrony 时间同步与 NTS 配置笔记']);

    const viewer = await open(ext(`src/pages/viewer.html?id=${saved.result.link.id}`));
    await waitFor(() => viewer.evaluate(() => document.body.dataset.ready === 'true'), 15_000, 'the viewer');
    assert.equal(await viewer.evaluate(() => document.getElementById('frame').getAttribute('sandbox')), '');
    assert.equal(await viewer.evaluate(() => document.getElementById('original').href), url);
  });

  test('a content script cannot send commands', async () => {
    const popup = await open(ext('src/pages/popup.html?autosave=0'));
    const bg = await popup.evaluate(async () => {
      const page = await browser.runtime.getBackgroundPage();
      const reply = await page.linksnap.dispatch({ cmd: 'host', args: { cmd: 'rm', args: { id: 1 } } },
        { id: browser.runtime.id, url: 'http://127.0.0.1:1/', tab: { id: 1 }, frameId: 0 });
      return reply.error.code;
    });
    assert.equal(bg, 'forbidden');
  });
});
