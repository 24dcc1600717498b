// Click→saved timings in Chromium and Firefox ESR, one after the other in the same run: the
// chrony fixture page and a 10 MB DOM, captured through the keyboard-shortcut path (the
// capture the popup and the toolbar run), N runs each, medians printed.
//   node tests/e2e/bench/capture-timing.mjs [runs] [chromium|firefox ...]
//   (LINKSNAP_BENCH_MB=30 for a larger page)
import { existsSync, mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIREFOX, REPO, launch, launchFirefox, requireBuilt, startServer, tabIdOf } from '../harness.mjs';

const runs = Number(process.argv[2] ?? 5);
const wanted = process.argv.slice(3);
const browsers = wanted.length ? wanted : ['chromium', ...(existsSync(FIREFOX) ? ['firefox'] : [])];
requireBuilt();
const dir = mkdtempSync(join(tmpdir(), 'linksnap-bench-'));
cpSync(join(REPO, 'tests/fixtures/chrony'), dir, { recursive: true });
const para = '<p class="x">chrony &amp; NTS 使用 TLS 交换密钥 — "quoted" &lt;tag&gt; 😀 time sync notes 时间同步</p>\n';
const mb = Number(process.env.LINKSNAP_BENCH_MB ?? 10);
const count = Math.ceil((mb * 1024 * 1024) / Buffer.byteLength(para));
writeFileSync(join(dir, 'big.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big page</title></head><body>\n${para.repeat(count)}</body></html>`);
const server = await startServer(dir);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Each driver: open(url) → a capture function returning the extension's timing record.
const drivers = {
  async chromium() {
    const browser = await launch();
    return {
      async open(url) {
        const page = await browser.ctx.newPage();
        await page.goto(url);
        const id = await tabIdOf(browser.worker, url);
        return { capture: async () => (await browser.worker.evaluate((tab) => linksnap.onCommand('capture-page', { id: tab }), id)).timing,
          close: () => page.close() };
      },
      close: () => browser.close(),
    };
  },
  async firefox() {
    const ff = await launchFirefox();
    return {
      async open(url) {
        const page = await ff.browser.newPage();
        await page.goto(url);
        const id = await ff.tabIdOf(url);
        return { capture: () => ff.background((tab) => bg.onCommand('capture-page', { id: tab }).then((r) => ({ ...r.timing })), id),
          close: () => page.close() };
      },
      close: () => ff.close(),
    };
  },
};

try {
  for (const name of browsers) {
    const driver = await drivers[name]();
    try {
      for (const [what, file, n] of [['chrony page', 'chrony-nts.html', runs], [`${mb} MB DOM`, 'big.html', Math.max(1, Math.ceil(runs / 2))]]) {
        const tab = await driver.open(`${server.url}/${file}`);
        const timings = [];
        for (let i = 0; i < n; i++) timings.push(await tab.capture());
        const pick = (k) => median(timings.map((t) => t[k]));
        console.log(`${name}, ${what} (${timings[0].bytes} bytes, ${n} runs): click→saved median ${pick('totalMs')} ms ` +
          `[${timings.map((t) => t.totalMs).join(', ')}]; serialize ${pick('serializeMs')} ms, ` +
          `inject+serialize+hand-over ${pick('handoverMs')} ms (first message after ${pick('untilBeginMs')} ms, ` +
          `pieces ${pick('transferMs')} ms), host round trip ${pick('hostMs')} ms`);
        await tab.close();
      }
    } finally {
      await driver.close();
    }
  }
} finally {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
