// Shared by the browser tests: Debian's Chromium driven by playwright-core, with the
// unpacked extension from <build>/extension/chromium, the real linksnap-host registered in
// the test profile's NativeMessagingHosts, a fresh LINKSNAP_HOME, and the fixtures served
// on 127.0.0.1 by linksnap-test-server. Every launch gets its own temporary directories,
// removed by close().
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILD = resolve(process.env.LINKSNAP_BUILD_DIR ?? join(REPO, 'build'));
export const EXTENSION_DIR = join(BUILD, 'extension/chromium');
export const HOST_BIN = join(BUILD, 'native-host/linksnap-host');
export const SERVER_BIN = join(BUILD, 'tests/linksnap-test-server');
export const EXTENSION_ID = 'nomplfecdkeacbabmbciobmffndchjop';
export const CHROMIUM = process.env.LINKSNAP_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.LINKSNAP_FIREFOX ?? '/usr/bin/firefox-esr';
export const GECKO_ID = 'linksnap@linksnap.org';
const FIREFOX_UUID = '5d1c7a52-4f0e-4c8e-9d55-1a2b3c4d5e6f'; // fixed, so moz-extension:// URLs are known

export function requireBuilt() {
  for (const path of [join(EXTENSION_DIR, 'manifest.json'), HOST_BIN, SERVER_BIN, CHROMIUM]) {
    if (!existsSync(path)) throw new Error(`missing ${path}: build with cmake --build build (and apt-get install chromium)`);
  }
}

/** Starts linksnap-test-server on a free port: {url, stop()}. */
export async function startServer(root) {
  const child = spawn(SERVER_BIN, ['--root', root, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('linksnap-test-server did not start')), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolveUrl(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`linksnap-test-server exited with ${code}`)); });
  });
  return { url, stop: () => child.kill() };
}

/**
 * Launches Chromium with the extension. `registerHost: false` leaves the host out (the
 * "host missing" path); `locale` is the UI language (--lang and LANGUAGE); `colorScheme`
 * 'dark' renders the pages dark. Returns {ctx, worker, home, extUrl(path), close()}.
 */
export async function launch({ registerHost = true, locale = 'en-US', colorScheme = 'light' } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'linksnap-e2e-'));
  const profile = join(root, 'profile');
  const home = join(root, 'home');
  mkdirSync(join(profile, 'NativeMessagingHosts'), { recursive: true });
  mkdirSync(home, { recursive: true });
  if (registerHost) {
    writeFileSync(join(profile, 'NativeMessagingHosts/org.linksnap.host.json'), JSON.stringify({
      name: 'org.linksnap.host', description: 'LinkSnap (test)', path: HOST_BIN, type: 'stdio',
      allowed_origins: [`chrome-extension://${EXTENSION_ID}/`],
    }));
  }
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale,
    colorScheme,
    viewport: { width: 1100, height: 800 },
    ignoreDefaultArgs: ['--disable-extensions'],
    env: { ...process.env, LINKSNAP_HOME: home, LANGUAGE: locale.replace('-', '_') },
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--lang=${locale}`,
      `--disable-extensions-except=${EXTENSION_DIR}`, `--load-extension=${EXTENSION_DIR}`],
  });
  const worker = ctx.serviceWorkers()[0] ?? await ctx.waitForEvent('serviceworker', { timeout: 15_000 });
  if (!worker.url().startsWith(`chrome-extension://${EXTENSION_ID}/`)) {
    throw new Error(`unexpected service worker ${worker.url()} (is the key in the manifest?)`);
  }
  // The module graph is loaded when globalThis.linksnap exists.
  await waitFor(() => worker.evaluate(() => !!globalThis.linksnap), 10_000, 'the background to start');
  return {
    ctx, worker, home, root,
    extUrl: (path) => `chrome-extension://${EXTENSION_ID}/${path}`,
    async close() {
      await ctx.close().catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The tab id of a page (from the background's view of the tabs). */
export async function tabIdOf(worker, url) {
  return waitFor(() => worker.evaluate(async (u) => {
    const tabs = await chrome.tabs.query({});
    return tabs.find((t) => t.url === u)?.id ?? null;
  }, url), 5000, `a tab for ${url}`);
}

/** Polls fn until it returns a truthy value; throws after ms. */
export async function waitFor(fn, ms, what) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Is `ref` (a URL, or a CSS url(...)) the fixture file `name` of tests/fixtures/chrony?
 * The host may keep the original URL or inline the file as a data: URI; both are right.
 */
export function isChronyAsset(ref, name) {
  const m = /^(?:url\(")?(.*?)(?:"\))?$/.exec(ref);
  const value = m[1];
  if (value.startsWith('data:')) {
    const b64 = value.slice(value.indexOf(',') + 1);
    return Buffer.from(b64, 'base64').equals(readFileSync(join(REPO, 'tests/fixtures/chrony', name)));
  }
  return new RegExp(`^http://127\\.0\\.0\\.1:\\d+/fixtures/chrony/${name.replace('.', '\\.')}$`).test(value);
}

/**
 * Launches Debian's Firefox ESR headless with the Firefox build installed as a temporary
 * add-on, driven over WebDriver BiDi by puppeteer-core, the real host registered in a
 * temporary HOME (~/.mozilla/native-messaging-hosts, as the installer writes it). Returns
 * {browser, home, extUrl(path), open(url), background(fn, arg), tabIdOf(url), close()}.
 */
export async function launchFirefox({ locale = 'en-US' } = {}) {
  const { default: puppeteer } = await import('puppeteer-core');
  const root = mkdtempSync(join(tmpdir(), 'linksnap-firefox-'));
  const home = join(root, 'home');
  mkdirSync(join(home, '.mozilla/native-messaging-hosts'), { recursive: true });
  writeFileSync(join(home, '.mozilla/native-messaging-hosts/org.linksnap.host.json'), JSON.stringify({
    name: 'org.linksnap.host', description: 'LinkSnap (test)', path: HOST_BIN, type: 'stdio',
    allowed_extensions: [GECKO_ID],
  }));
  const browser = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: true, userDataDir: join(root, 'profile'),
    args: ['--remote-allow-system-access'], timeout: 30_000,
    env: { ...process.env, HOME: home, LINKSNAP_HOME: join(root, 'data') },
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      'intl.locale.requested': locale,
    },
  });
  try {
    await browser.installExtension(join(BUILD, 'extension/firefox'));
  } catch (e) {
    await browser.close();
    throw e;
  }
  const extUrl = (path) => `moz-extension://${FIREFOX_UUID}/${path}`;
  // page.goto to a moz-extension page never reports completion (a remote agent bug):
  // start it and poll instead.
  async function open(url) {
    const page = await browser.newPage();
    page.goto(url).catch(() => {});
    await waitFor(() => page.evaluate((u) => location.href === u && document.readyState === 'complete', url), 15_000, url);
    return page;
  }
  // The background page cannot be reached over BiDi, but an extension page can reach it:
  // fn runs in such a page with the background's `linksnap` object as `bg`, and returns
  // plain data. (Extension pages may not eval, so fn is sent as puppeteer sends any.)
  let bridge;
  async function background(fn, arg) {
    if (!bridge || bridge.isClosed()) {
      bridge = await open(extUrl('src/pages/popup.html'));
      await bridge.evaluate(async () => { globalThis.bg = (await browser.runtime.getBackgroundPage()).linksnap; });
    }
    return bridge.evaluate(fn, arg);
  }
  // puppeteer does not see the frames of a moz-extension page (no navigation events for
  // them), but WebDriver BiDi does: evaluate `expression` in the first child frame of the
  // tab showing pageUrl, through the BiDi session, and return its value as JSON.
  async function evalInChildFrame(pageUrl, expression) {
    const connection = browser.connection;
    const context = await waitFor(async () => {
      const { result } = await connection.send('browsingContext.getTree', {});
      return result.contexts.find((c) => c.url === pageUrl)?.children[0]?.context;
    }, 5000, `a frame in ${pageUrl}`);
    const { result } = await connection.send('script.evaluate', {
      expression: `JSON.stringify(${expression})`, target: { context }, awaitPromise: true });
    if (result.type === 'exception') throw new Error(`in the frame: ${result.exceptionDetails.text}`);
    return JSON.parse(result.result.value);
  }
  return {
    browser, home, root, extUrl, open, background, evalInChildFrame,
    // tabs.query({url}) with a port in the pattern finds nothing in Firefox: filter all.
    tabIdOf: (url) => waitFor(() => background(async (u) => (await browser.tabs.query({})).find((t) => t.url === u)?.id ?? null, url), 5000, `a tab for ${url}`),
    async close() {
      await browser.close().catch(() => {});
      rmSync(root, { recursive: true, force: true });
    },
  };
}
