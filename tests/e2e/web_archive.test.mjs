// WARC and WACZ export checked by the web-archiving world's own tools (issue 11 item 4): the
// real `linksnap` saves the chrony page from the loopback test server and exports it; npm's
// warcio reads every record (its parser and its CDXJ indexer) and every digest is recomputed
// here with node's crypto; the WACZ is loaded by wabac.js (ReplayWeb.page's engine) as a
// service worker in Debian's Chromium, and the replayed page must have its stylesheet applied
// and its images loaded — with the original server stopped, so they can only come from the
// archive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { WARCParser, CDXIndexer, Indexer, getSurt } from 'warcio';
import { BUILD, CHROMIUM, REPO, SERVER_BIN, startServer, waitFor } from './harness.mjs';

const CLI = join(BUILD, 'native-host/linksnap');
const FIXTURES = join(REPO, 'tests/fixtures/chrony');
const WABAC_SW = join(REPO, 'node_modules/@webrecorder/wabac/dist/sw.js');

function sha1b32(bytes) {
  const d = createHash('sha1').update(bytes).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let out = '', bits = 0, value = 0;
  for (const byte of d) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  return 'sha1:' + out;
}

function linksnap(home, args) {
  return execFileSync(CLI, args, { env: { ...process.env, LINKSNAP_HOME: home, TZ: 'UTC' }, encoding: 'utf8' });
}

/** A store that saved the chrony page twice (a second snapshot repeats every payload). */
async function savedChrony() {
  const root = mkdtempSync(join(tmpdir(), 'linksnap-warc-'));
  const home = join(root, 'home');
  const server = await startServer(FIXTURES);
  const pageUrl = `${server.url}/chrony-nts.html`;
  linksnap(home, ['add', pageUrl, '--tag', 'chrony']);
  linksnap(home, ['add', pageUrl]);
  server.stop();  // from here on the page exists only in the store
  return { root, home, pageUrl, base: server.url, done: () => rmSync(root, { recursive: true, force: true }) };
}

for (const path of [CLI, SERVER_BIN]) {
  if (!existsSync(path)) throw new Error(`missing ${path}: build with cmake --build build`);
}

test('warcio reads every record of the WARC and every digest is right', async () => {
  const s = await savedChrony();
  try {
    const file = join(s.root, 'chrony.warc.gz');
    const summary = JSON.parse(linksnap(s.home, ['export', '1', '--warc', file, '--json']));
    assert.equal(summary.records, 17);

    // warcio's parser: every record, its WARC and HTTP headers and its raw payload.
    const types = [];
    const payloads = new Map();
    const byId = new Map();
    const parser = new WARCParser(createReadStream(file));
    for await (const record of parser) {
      const h = record.warcHeaders;
      types.push(record.warcType);
      byId.set(h.headers.get('WARC-Record-ID'), record);
      const payload = await record.readFully(false);
      if (record.warcType === 'response' || record.warcType === 'resource') {
        assert.equal(h.headers.get('WARC-Payload-Digest'), sha1b32(payload), `payload of ${record.warcTargetURI}`);
        if (record.warcType === 'response') {
          assert.equal(Number(record.httpHeaders.statusCode), 200);
          assert.equal(record.httpHeaders.headers.get('Content-Length'), String(payload.length));
          assert.equal(record.httpHeaders.headers.get('Content-Encoding'), null);
          if (!payloads.has(record.warcTargetURI)) payloads.set(record.warcTargetURI, Buffer.from(payload));
        }
      }
      if (record.warcType === 'revisit') {
        assert.equal(h.headers.get('WARC-Profile'), 'http://netpreserve.org/warc/1.1/revisit/identical-payload-digest');
        const original = byId.get(h.headers.get('WARC-Refers-To'));
        assert.ok(original, 'a revisit refers to a record before it');
        assert.equal(h.headers.get('WARC-Payload-Digest'), original.warcHeaders.headers.get('WARC-Payload-Digest'));
      }
      if (record.warcType === 'request') {
        assert.equal(record.httpHeaders.method, 'GET');
        assert.ok(byId.has(h.headers.get('WARC-Concurrent-To')), 'a request names its response');
      }
    }
    assert.deepEqual(types, ['warcinfo', ...Array(4).fill(['response', 'request']).flat(),
      ...Array(4).fill(['revisit', 'request']).flat()]);
    for (const name of ['chrony-nts.html', 'style.css', 'banner.png', 'clock.png']) {
      assert.deepEqual(payloads.get(`${s.base}/${name}`), readFileSync(join(FIXTURES, name)), `${name} as the server sent it`);
    }

    // Every block digest, over the block cut from the gzip member at the offset warcio's
    // indexer reports (so each record must be its own member).
    const gz = readFileSync(file);
    const indexer = new Indexer({ fields: ['offset', 'length', 'warc-type', 'warc-block-digest'] });
    let n = 0;
    for await (const entry of indexer.iterIndex([{ filename: 'chrony.warc.gz', reader: createReadStream(file) }])) {
      const text = gunzipSync(gz.subarray(Number(entry.offset), Number(entry.offset) + Number(entry.length)));
      const end = text.indexOf('\r\n\r\n');
      const length = Number(/\r\nContent-Length: (\d+)\r\n/.exec(text.subarray(0, end + 2).toString('latin1'))[1]);
      assert.equal(text.length, end + 4 + length + 4, `one record in the member at ${entry.offset}`);
      assert.equal(entry['warc-block-digest'], sha1b32(text.subarray(end + 4, end + 4 + length)), `block at ${entry.offset}`);
      n += 1;
    }
    assert.equal(n, 17);
  } finally {
    s.done();
  }
});

/** Serves `files` (name → path) on 127.0.0.1 with HEAD and Range, as a web server would. */
async function serveFiles(files) {
  const server = createServer((req, res) => {
    const name = new URL(req.url, 'http://x').pathname.slice(1) || 'index.html';
    const path = files[name];
    if (!path) { res.writeHead(404).end(); return; }
    const body = readFileSync(path);
    const type = name.endsWith('.js') ? 'application/javascript' : name.endsWith('.html') ? 'text/html; charset=utf-8'
      : 'application/octet-stream';
    // "bytes=A-B", "bytes=A-" and "bytes=-N" (the last N: a zip's directory is at its end).
    const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
    const headers = { 'Content-Type': type, 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-store' };
    if (range && (range[1] || range[2])) {
      const suffix = !range[1];
      const start = suffix ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
      const end = suffix ? body.length - 1 : Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
      res.writeHead(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${body.length}`, 'Content-Length': end - start + 1 });
      res.end(req.method === 'HEAD' ? undefined : body.subarray(start, end + 1));
    } else {
      res.writeHead(200, { ...headers, 'Content-Length': body.length });
      res.end(req.method === 'HEAD' ? undefined : body);
    }
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}

test('the WACZ index agrees with warcio and wabac.js replays the page with its CSS and images', async () => {
  const s = await savedChrony();
  let browser, replay;
  try {
    const file = join(s.root, 'chrony.wacz');
    linksnap(s.home, ['export', '--wacz', file, '--tag', 'chrony']);

    // Our CDXJ against warcio's own indexer over the WARC inside the zip (unpacked by
    // Python's zipfile, a reader that is not ours).
    execFileSync('python3', ['-m', 'zipfile', '-e', file, s.root], { stdio: 'ignore' });
    const warc = join(s.root, 'archive/data.warc.gz');
    const ours = readFileSync(join(s.root, 'indexes/index.cdxj'), 'utf8').trim().split('\n').map((line) => {
      const [key, ts] = line.split(' ', 2);
      return { key, ts, ...JSON.parse(line.slice(line.indexOf('{'))) };
    });
    const theirs = [];
    for await (const e of new CDXIndexer({}).iterIndex([{ filename: 'data.warc.gz', reader: createReadStream(warc) }])) {
      theirs.push(e);
    }
    assert.equal(ours.length, theirs.length);
    const keyOf = (e) => `${e.offset}`;
    const theirsByOffset = new Map(theirs.map((e) => [keyOf(e), e]));
    for (const o of ours) {
      const t = theirsByOffset.get(o.offset);
      assert.ok(t, `warcio indexes a record at ${o.offset}`);
      assert.equal(o.key, getSurt(o.url));
      assert.equal(o.key, t.urlkey);
      assert.equal(o.ts, t.timestamp);
      assert.equal(o.url, t.url);
      assert.equal(o.length, String(t.length));
      assert.equal(o.digest.replace(/^sha1:/, ''), String(t.digest).replace(/^sha1:/, ''));
      assert.equal(o.mime, t.mime);
      assert.equal(o.status, String(t.status));
    }
    const pkg = JSON.parse(readFileSync(join(s.root, 'datapackage.json'), 'utf8'));
    for (const r of pkg.resources) {
      const bytes = readFileSync(join(s.root, r.path));
      assert.equal(r.hash, 'sha256:' + createHash('sha256').update(bytes).digest('hex'));
      assert.equal(r.bytes, bytes.length);
    }

    // wabac.js as a service worker on a loopback origin of its own, the WACZ next to it.
    const pagePath = join(s.root, 'index.html');
    writeFileSync(pagePath, '<!doctype html><meta charset="utf-8"><title>replay</title><body></body>');
    copyFileSync(WABAC_SW, join(s.root, 'sw.js'));
    replay = await serveFiles({ 'index.html': pagePath, 'sw.js': join(s.root, 'sw.js'), 'chrony.wacz': file });
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    const logs = [];
    page.on('console', (m) => logs.push(m.text()));
    await page.goto(`${replay.url}/index.html`);
    const added = await page.evaluate(async (source) => {
      const reg = await navigator.serviceWorker.register('/sw.js', { scope: '/' });
      await navigator.serviceWorker.ready;
      const sw = reg.active;
      return new Promise((resolve) => {
        navigator.serviceWorker.addEventListener('message', (event) => {
          if (event.data.msg_type === 'collAdded') resolve('added');
          if (event.data.msg_type === 'collProgress' && event.data.error) resolve(`error: ${event.data.error}`);
        });
        sw.postMessage({ msg_type: 'addColl', name: 'chrony', skipExisting: false, file: { sourceUrl: source } });
        setTimeout(() => resolve('timeout'), 30_000);
      });
    }, `${replay.url}/chrony.wacz`);
    assert.equal(added, 'added', logs.join('\n'));

    // The archived page in a frame, as ReplayWeb.page shows it ("mp_": the page itself).
    const ts = ours[0].ts;
    await page.evaluate((src) => {
      const f = document.createElement('iframe');
      f.src = src;
      f.style.width = '1000px';
      f.style.height = '800px';
      document.body.append(f);
    }, `${replay.url}/w/chrony/${ts}mp_/${s.pageUrl}`);
    const frame = await waitFor(() => page.frames().find((f) => f.url().includes('/w/chrony/') && f.url().endsWith('chrony-nts.html')),
      15_000, 'the replay frame');
    await frame.waitForLoadState('load');
    const state = await waitFor(() => frame.evaluate(() => {
      const h1 = document.querySelector('h1');
      const img = document.querySelector('img');
      const state = {
        title: document.title,
        h1Background: h1 ? getComputedStyle(h1).backgroundImage : '',
        sheets: document.styleSheets.length,
        imgLoaded: !!img && img.complete && img.naturalWidth > 0,
      };
      return state.imgLoaded && state.h1Background.includes('banner.png') ? state : null;
    }), 15_000, 'the replayed page with its CSS and image');
    if (process.env.LINKSNAP_SCREENSHOT) await page.screenshot({ path: process.env.LINKSNAP_SCREENSHOT });
    assert.equal(state.title, 'chrony 时间同步与 NTS 配置笔记');
    assert.ok(state.sheets >= 1);
    // The banner (a CSS background) must really load: fetch it as the page would.
    const banner = await frame.evaluate(async (bg) => {
      const u = /url\("?(.*?)"?\)/.exec(bg)[1];
      const r = await fetch(u);
      return { status: r.status, bytes: (await r.arrayBuffer()).byteLength };
    }, state.h1Background);
    assert.deepEqual(banner, { status: 200, bytes: readFileSync(join(FIXTURES, 'banner.png')).length });
  } finally {
    await browser?.close();
    await replay?.close();
    s.done();
  }
});
