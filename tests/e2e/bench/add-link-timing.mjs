// "Add link" to searchable, in Chromium with the real host (issue 10): the popup's Add link
// for a page whose text is written by script after a fetch (rendered in a background tab)
// and for a PDF (kept as the file, its text extracted), then the host's search polled every
// 20 ms until a word that exists only in the script's text / the PDF finds the link.
// N runs each on a fresh URL, median and worst printed.
//   node tests/e2e/bench/add-link-timing.mjs [runs]
// `linksnap add` to searchable from the command line: bench/any_link_bench.py.
import { join } from 'node:path';
import { REPO, launch, requireBuilt, startServer } from '../harness.mjs';

const runs = Number(process.argv[2] ?? 5);
requireBuilt();
const server = await startServer(join(REPO, 'tests'));
const browser = await launch();
const host = (cmd, args) => browser.worker.evaluate(([c, a]) => linksnap.host.request(c, a), [cmd, args]);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const cases = [
  { name: 'script-written page (fetch() after 300 ms)', file: 'fetch-later.html', word: 'astrolabe' },
  { name: 'PDF, word on its 2nd page', file: 'report.pdf', word: '光谱仪' },
];
try {
  const popup = await browser.ctx.newPage();
  await popup.goto(browser.extUrl('src/pages/popup.html'));
  await popup.locator('body[data-ready=true]').waitFor({ timeout: 10_000 });
  for (const c of cases) {
    const times = [];
    for (let i = 0; i < runs; i++) {
      const url = `${server.url}/fixtures/files/${c.file}?run=${i}`;
      await popup.locator('#add-url').fill(url);
      const start = performance.now();
      await popup.locator('#add-url').press('Enter');
      for (;;) {
        const { results } = await host('search', { query: c.word, limit: 50 });
        if (results.some((r) => r.url === url)) break;
        if (performance.now() - start > 60_000) throw new Error(`${c.name}: not searchable after 60 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      times.push(performance.now() - start);
      await popup.locator('#add-status.ok').waitFor({ timeout: 10_000 });
    }
    console.log(`${c.name}: Add link → searchable, median ${Math.round(median(times))} ms, worst ${Math.round(Math.max(...times))} ms over ${runs} runs`);
  }
} finally {
  await browser.close();
  server.stop();
}
