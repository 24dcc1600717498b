// background/native-port.js against a fake connectNative: ids, progress, chunked replies
// both ways, errors, timeouts, and a new port after the old one closed.
import { test } from 'node:test';
import assert from 'node:assert/strict';

class FakePort {
  constructor(name, world) {
    this.name = name;
    this.world = world;
    this.sent = [];
    this.msgListeners = [];
    this.discListeners = [];
    this.onMessage = { addListener: (f) => this.msgListeners.push(f) };
    this.onDisconnect = { addListener: (f) => this.discListeners.push(f) };
  }
  postMessage(m) { this.sent.push(structuredClone(m)); this.world.onPost?.(this, m); }
  disconnect() { this.closed = true; }
  reply(m) { for (const f of this.msgListeners) f(structuredClone(m)); }
  die(reason) { this.world.lastError = { message: reason }; for (const f of this.discListeners) f(this); this.world.lastError = undefined; }
}

const world = { ports: [], lastError: undefined, missing: false };
globalThis.chrome = {
  runtime: {
    connectNative(name) { const p = new FakePort(name, world); world.ports.push(p); return p; },
    get lastError() { return world.lastError; },
  },
  i18n: { getMessage: (k) => k },
};
const { host, HostError } = await import('../../extension/src/background/native-port.js');
const { toFrames } = await import('../../extension/src/shared/chunking.js');

const lastPort = () => world.ports.at(-1);

test('a request gets its reply by id, progress events on the way', async () => {
  const progress = [];
  const p = host.request('save', { url: 'u', html: 'h' }, { onProgress: (d) => progress.push(d.stage) });
  const port = lastPort();
  assert.equal(port.name, 'org.linksnap.host');
  const { id } = port.sent[0];
  port.reply({ id: id + 100, ok: true, result: 'someone else' });
  port.reply({ id, event: 'progress', data: { stage: 'processing' } });
  port.reply({ id, event: 'progress', data: { stage: 'storing' } });
  port.reply({ id, ok: true, result: { created: true } });
  assert.deepEqual(await p, { created: true });
  assert.deepEqual(progress, ['processing', 'storing']);
});

test('one port serves many requests; replies may come in any order', async () => {
  const before = world.ports.length;
  const a = host.request('ping');
  const b = host.request('tags');
  assert.equal(world.ports.length, before);
  const [ma, mb] = lastPort().sent.slice(-2);
  lastPort().reply({ id: mb.id, ok: true, result: 'b' });
  lastPort().reply({ id: ma.id, ok: true, result: 'a' });
  assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
});

test('host errors reject with their code and message', async () => {
  const p = host.request('rm', { id: 42 });
  const { id } = lastPort().sent.at(-1);
  lastPort().reply({ id, ok: false, error: { code: 'not_found', message: 'no link with id 42' } });
  await assert.rejects(p, (e) => e instanceof HostError && e.code === 'not_found' && e.message === 'no link with id 42');
});

test('a large request is sent in chunks, a chunked reply is reassembled', async () => {
  const html = '<p>密钥</p>'.repeat(300_000);
  const p = host.request('save', { url: 'u', html });
  const port = lastPort();
  const frames = port.sent.filter((f) => f.chunk);
  assert.ok(frames.length > 2);
  const sent = JSON.parse(frames.map((f) => f.chunk.data).join(''));
  assert.equal(sent.args.html, html);
  for (const f of toFrames({ id: sent.id, ok: true, result: { html } }, 100_000)) port.reply(f);
  assert.equal((await p).html, html);
});

test('when the host dies, pending requests fail and the next request opens a new port', async () => {
  const p = host.request('view', { id: 1 });
  const old = lastPort();
  old.die('Native host has exited.');
  await assert.rejects(p, { code: 'host_crashed', message: 'Native host has exited.' });
  const q = host.request('ping');
  assert.notEqual(lastPort(), old);
  lastPort().reply({ id: lastPort().sent[0].id, ok: true, result: { protocol_version: 1 } });
  assert.deepEqual(await q, { protocol_version: 1 });
});

test('a missing host is host_missing', async () => {
  const p = host.request('ping');
  lastPort().die('Specified native messaging host not found.');
  await assert.rejects(p, { code: 'host_missing' });
});

test('a host that does not answer times out', async () => {
  await assert.rejects(host.request('ping', undefined, { timeoutMs: 30 }), { code: 'host_timeout' });
});

test('a broken chunked reply fails only its request', async () => {
  const p = host.request('view', { id: 1 });
  const { id } = lastPort().sent.at(-1);
  lastPort().reply({ id, chunk: { seq: 1, total: 2, data: '}' } });
  await assert.rejects(p, { code: 'host_protocol' });
});
