import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_FRAME_BYTES, Reassembler, splitText, toFrames, utf8Length } from '../../extension/src/shared/chunking.js';

// How Chromium writes a message to the host: JSON with <, >, & and U+2028/9 as \uXXXX.
const chromiumJson = (v) => JSON.stringify(v).replace(/[<>&\u2028\u2029]/g,
  (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
const bytes = (s) => Buffer.byteLength(s, 'utf8');

test('utf8Length matches TextEncoder, lone surrogates included', () => {
  for (const s of ['', 'abc', 'é', '密钥', '😀', 'a😀b密', '\ud800', 'x\udc00y']) {
    assert.equal(utf8Length(s), new TextEncoder().encode(s).length, JSON.stringify(s));
  }
});

test('splitText never cuts a surrogate pair and loses nothing', () => {
  const text = '😀'.repeat(1000) + 'a' + '😀'.repeat(1000);
  for (const budget of [12, 13, 17, 100, 1001]) {
    const pieces = splitText(text, budget);
    assert.equal(pieces.join(''), text);
    for (const p of pieces) {
      assert.ok(!/^[\udc00-\udfff]/.test(p) && !/[\ud800-\udbff]$/.test(p), `budget ${budget}: a pair was cut`);
    }
  }
});

test('a small message is one frame', () => {
  const msg = { id: 1, cmd: 'ping' };
  assert.deepEqual(toFrames(msg), [msg]);
});

test('a large message becomes chunks that each fit in a frame as Chromium writes them', () => {
  const html = '<p class="x">&lt;密钥&gt; "q" \\ 😀\u2028</p>\n'.repeat(200_000); // ~8 MB, worst case for escaping
  const msg = { id: 42, cmd: 'save', args: { url: 'https://example.com/', html } };
  const frames = toFrames(msg);
  assert.ok(frames.length > 1);
  frames.forEach((f, seq) => {
    assert.deepEqual(Object.keys(f), ['id', 'chunk']);
    assert.equal(f.id, 42);
    assert.equal(f.chunk.seq, seq);
    assert.equal(f.chunk.total, frames.length);
    assert.ok(bytes(chromiumJson(f)) <= MAX_FRAME_BYTES, `frame ${seq} is ${bytes(chromiumJson(f))} bytes`);
  });
  assert.deepEqual(JSON.parse(frames.map((f) => f.chunk.data).join('')), msg);
});

test('chunks reassemble into the message, interleaved with other ids', () => {
  const a = { id: 1, ok: true, result: { html: 'x'.repeat(5000) } };
  const b = { id: 2, ok: true, result: { html: '密'.repeat(5000) } };
  const fa = toFrames(a, 2048);
  const fb = toFrames(b, 2048);
  const r = new Reassembler();
  const done = [];
  for (let i = 0; i < Math.max(fa.length, fb.length); i++) {
    for (const f of [fa[i], fb[i]]) if (f) { const m = r.feed(f); if (m) done.push(m); }
  }
  assert.deepEqual(done.sort((x, y) => x.id - y.id), [a, b]);
});

test('a frame without chunk passes through', () => {
  assert.deepEqual(new Reassembler().feed({ id: 3, ok: true, result: {} }), { id: 3, ok: true, result: {} });
});

test('broken chunk sequences fail with the id', () => {
  const r = new Reassembler();
  assert.throws(() => r.feed({ id: 5, chunk: { seq: 1, total: 2, data: 'x' } }), { name: 'ProtocolError', id: 5 });
  r.feed({ id: 6, chunk: { seq: 0, total: 3, data: '{' } });
  assert.throws(() => r.feed({ id: 6, chunk: { seq: 2, total: 3, data: '}' } }), /out of order/);
  r.feed({ id: 7, chunk: { seq: 0, total: 2, data: '{' } });
  assert.throws(() => r.feed({ id: 7, chunk: { seq: 1, total: 3, data: '}' } }), /out of order/);
  r.feed({ id: 8, chunk: { seq: 0, total: 2, data: '{"id":8' } });
  assert.throws(() => r.feed({ id: 8, chunk: { seq: 1, total: 2, data: ',,}' } }), /not valid JSON/);
  assert.throws(() => r.feed({ id: 9, chunk: { seq: 0, total: 0, data: '' } }), /bad seq/);
});
