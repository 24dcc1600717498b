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
 * "host missing" path). Returns {ctx, worker, home, extUrl(path), close()}.
 */
export async function launch({ registerHost = true, locale = 'en-US' } = {}) {
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
    viewport: { width: 1100, height: 800 },
    ignoreDefaultArgs: ['--disable-extensions'],
    env: { ...process.env, LINKSNAP_HOME: home },
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
