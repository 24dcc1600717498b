import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveSearch } from '../../extension/src/shared/live-search.js';

// A host whose answers the test releases by hand, in any order.
function fakeHost() {
  const calls = [];
  const run = (args) => new Promise((resolve, reject) => { calls.push({ args, resolve, reject }); });
  const answer = (q, value = `results for ${q}`) => calls.find((c) => c.args.query === q).resolve(value);
  const refuse = (q, error) => calls.find((c) => c.args.query === q).reject(error);
  return { calls, run, answer, refuse };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(maxInFlight = 2) {
  const host = fakeHost();
  const shown = [];
  const live = new LiveSearch({ run: host.run, maxInFlight,
    show: (result, args) => shown.push(['show', args.query, result]),
    fail: (error, args) => shown.push(['fail', args.query, error.message]) });
  return { host, shown, live };
}

test('each query is sent at once, without waiting for typing to stop', () => {
  const { host, live } = setup();
  live.update({ query: 'c' });
  assert.deepEqual(host.calls.map((c) => c.args.query), ['c']);
});

test('by default one search runs at a time; the newest query typed meanwhile follows when it is answered', async () => {
  const host = fakeHost();
  const shown = [];
  const live = new LiveSearch({ run: host.run, show: (r, a) => shown.push(a.query), fail: () => {} });
  for (const q of ['c', 'ch', 'chr']) live.update({ query: q });
  assert.deepEqual(host.calls.map((c) => c.args.query), ['c']);
  host.answer('c');
  await settle();
  assert.deepEqual(host.calls.map((c) => c.args.query), ['c', 'chr']);
  host.answer('chr');
  await settle();
  assert.deepEqual(shown, ['chr']);
});

test('a query typed when nothing runs is sent at once', () => {
  const { host, live } = setup();
  live.update({ query: 'c' });
  assert.deepEqual(host.calls.map((c) => c.args.query), ['c']);
});

test('an older answer that arrives after the newer one is never shown over it', async () => {
  const { host, shown, live } = setup();
  live.update({ query: 'chr' });
  live.update({ query: 'chrony' });
  host.answer('chrony');
  await settle();
  host.answer('chr'); // late: the host answered the older, slower query last
  await settle();
  assert.deepEqual(shown, [['show', 'chrony', 'results for chrony']]);
});

test('an older answer that arrives first is dropped too: only the newest query is shown', async () => {
  const { host, shown, live } = setup();
  live.update({ query: 'chr' });
  live.update({ query: 'chrony' });
  host.answer('chr');
  await settle();
  assert.deepEqual(shown, []);
  host.answer('chrony');
  await settle();
  assert.deepEqual(shown, [['show', 'chrony', 'results for chrony']]);
});

test('an error of an older query is not shown over the newest answer', async () => {
  const { host, shown, live } = setup();
  live.update({ query: 'a"' });
  live.update({ query: 'a"b"' });
  host.answer('a"b"');
  await settle();
  host.refuse('a"', new Error('unbalanced quote'));
  await settle();
  assert.deepEqual(shown, [['show', 'a"b"', 'results for a"b"']]);
});

test('the newest query\'s error is shown', async () => {
  const { host, shown, live } = setup();
  live.update({ query: 'x' });
  host.refuse('x', new Error('database is locked'));
  await settle();
  assert.deepEqual(shown, [['fail', 'x', 'database is locked']]);
});

test('at most maxInFlight are sent; of the queries typed meanwhile only the newest is sent, when one answers', async () => {
  const { host, shown, live } = setup(2);
  for (const q of ['n', 'nt', 'nts', 'nts ', 'nts k', 'nts ke', 'nts key']) live.update({ query: q });
  assert.deepEqual(host.calls.map((c) => c.args.query), ['n', 'nt']);
  host.answer('nt');
  await settle();
  assert.deepEqual(host.calls.map((c) => c.args.query), ['n', 'nt', 'nts key']);
  assert.deepEqual(shown, []);
  host.answer('nts key');
  await settle();
  host.answer('n');
  await settle();
  assert.deepEqual(shown, [['show', 'nts key', 'results for nts key']]);
  assert.equal(live.sent, 3);
});

test('the same query again sends nothing, unless forced (the store changed)', async () => {
  const { host, live } = setup(3);
  live.update({ query: 'nts', tags: [] });
  live.update({ query: 'nts', tags: [] });
  assert.equal(host.calls.length, 1);
  live.update({ query: 'nts', tags: ['dev'] });
  assert.equal(host.calls.length, 2);
  live.update({ query: 'nts', tags: ['dev'] }, { force: true });
  assert.equal(host.calls.length, 3);
});

test('going back to an earlier query after typing on sends it again and shows it', async () => {
  const { host, shown, live } = setup();
  live.update({ query: 'ab' });
  host.answer('ab', 'first');
  await settle();
  live.update({ query: 'abc' });
  live.update({ query: 'ab' });
  host.calls[2].resolve('second');
  await settle();
  host.answer('abc');
  await settle();
  assert.deepEqual(shown, [['show', 'ab', 'first'], ['show', 'ab', 'second']]);
});

test('run throwing synchronously counts as a failed answer and frees its slot', async () => {
  const shown = [];
  let n = 0;
  const live = new LiveSearch({ maxInFlight: 1,
    run: (args) => { n++; if (args.query === 'bad') throw new Error('no port'); return Promise.resolve(args.query); },
    show: (r) => shown.push(['show', r]), fail: (e) => shown.push(['fail', e.message]) });
  live.update({ query: 'bad' });
  await settle();
  live.update({ query: 'good' });
  await settle();
  assert.equal(n, 2);
  assert.deepEqual(shown, [['fail', 'no port'], ['show', 'good']]);
});
