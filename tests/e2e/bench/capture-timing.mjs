// Click→saved timings: the chrony fixture page and a 10 MB DOM, captured through the
// keyboard-shortcut path (the same capture the popup runs), N runs each, medians printed.
//   node tests/e2e/bench/capture-timing.mjs [runs]      (LINKSNAP_BENCH_MB=30 for a larger page)
import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer, tabIdOf } from '../harness.mjs';

const runs = Number(process.argv[2] ?? 5);
requireBuilt();
const dir = mkdtempSync(join(tmpdir(), 'linksnap-bench-'));
cpSync(join(REPO, 'tests/fixtures/chrony'), dir, { recursive: true });
const para = '<p class="x">chrony &amp; NTS 使用 TLS 交换密钥 — "quoted" &lt;tag&gt; 😀 time sync notes 时间同步</p>\n';
const mb = Number(process.env.LINKSNAP_BENCH_MB ?? 10);
const count = Math.ceil((mb * 1024 * 1024) / Buffer.byteLength(para));
writeFileSync(join(dir, 'big.html'), `<!DOCTYPE html><html><head><meta charset="utf-8"><title>big page</title></head><body>\n${para.repeat(count)}</body></html>`);
const server = await startServer(dir);
const browser = await launch();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (const [name, file, n] of [['chrony page', 'chrony-nts.html', runs], [`${mb} MB DOM`, 'big.html', Math.max(1, Math.ceil(runs / 2))]]) {
    const url = `${server.url}/${file}`;
    const page = await browser.ctx.newPage();
    await page.goto(url);
    const tabId = await tabIdOf(browser.worker, url);
    const timings = [];
    for (let i = 0; i < n; i++) {
      timings.push((await browser.worker.evaluate((id) => linksnap.onCommand('capture-page', { id }), tabId)).timing);
    }
    const pick = (k) => median(timings.map((t) => t[k]));
    console.log(`${name} (${timings[0].bytes} bytes, ${n} runs): click→saved median ${pick('totalMs')} ms ` +
      `[${timings.map((t) => t.totalMs).join(', ')}]; serialize ${pick('serializeMs')} ms, ` +
      `inject+serialize+hand-over ${pick('handoverMs')} ms (first message after ${pick('untilBeginMs')} ms, ` +
      `pieces ${pick('transferMs')} ms), host round trip ${pick('hostMs')} ms`);
    await page.close();
  }
} finally {
  await browser.close();
  server.stop();
  rmSync(dir, { recursive: true, force: true });
}
