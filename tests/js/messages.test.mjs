import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyPortError, describeError, DESTRUCTIVE, errorMessageKey, HOST_COMMANDS, isAllowed, senderKind, validateMessage } from '../../extension/src/shared/messages.js';

const ID = 'nomplfecdkeacbabmbciobmffndchjop';
const ORIGIN = `chrome-extension://${ID}/`;

test('well-formed messages pass', () => {
  assert.equal(validateMessage({ cmd: 'status' }), null);
  assert.equal(validateMessage({ cmd: 'host', args: { cmd: 'search', args: { query: '密钥' } } }), null);
  assert.equal(validateMessage({ cmd: 'capture', args: { tabId: 3, tags: ['a'] } }), null);
  assert.equal(validateMessage({ cmd: 'tag.url', args: { url: 'https://a.example/', tags: ['x'] } }), null);
});

test('bad messages get bad_request or unknown_command with the field named', () => {
  assert.deepEqual(validateMessage(null), { code: 'bad_request', message: 'a message must be an object' });
  assert.equal(validateMessage({ cmd: 'launch_missiles' }).code, 'unknown_command');
  assert.equal(validateMessage({ cmd: 'toString' }).code, 'unknown_command');
  assert.deepEqual(validateMessage({ cmd: 'host', args: { cmd: 'format' } }), { code: 'bad_request', message: 'unknown host command "format"' });
  assert.deepEqual(validateMessage({ cmd: 'capture', args: { tabId: '3' } }), { code: 'bad_request', message: 'args.tabId must be an integer' });
  assert.equal(validateMessage({ cmd: 'tag.url', args: { url: 'x', tags: [] } }).code, 'bad_request');
  assert.equal(validateMessage({ cmd: 'host', args: { cmd: 'rm', args: [1] } }).code, 'bad_request');
});

test('only LinkSnap pages are privileged; content scripts are not', () => {
  const page = { id: ID, url: `${ORIGIN}src/pages/manager.html`, origin: `chrome-extension://${ID}`, tab: { id: 4 } };
  const popup = { id: ID, url: `${ORIGIN}src/pages/popup.html` }; // Firefox gives no origin
  const content = { id: ID, url: 'https://evil.example/', origin: 'https://evil.example', tab: { id: 9 }, frameId: 0 };
  const spoof = { id: ID, url: `${ORIGIN}x`, origin: 'https://evil.example', tab: { id: 9 } };
  const other = { id: 'abcdefghijklmnopabcdefghijklmnop', url: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop/' };
  assert.equal(senderKind(page, ID, ORIGIN), 'extension');
  assert.equal(senderKind(popup, ID, ORIGIN), 'extension');
  assert.equal(senderKind(content, ID, ORIGIN), 'content');
  assert.equal(senderKind(spoof, ID, ORIGIN), 'content');
  assert.equal(senderKind(other, ID, ORIGIN), 'foreign');
  assert.equal(isAllowed('extension'), true);
  assert.equal(isAllowed('content'), false);
  assert.equal(isAllowed('foreign'), false);
});

test('the destructive commands are the protocol\'s', () => {
  assert.deepEqual([...DESTRUCTIVE].sort(), ['rm', 'tag', 'tags.delete', 'tags.merge', 'tags.rename', 'untag', 'update']);
  for (const c of DESTRUCTIVE) assert.ok(HOST_COMMANDS.has(c));
});

test('browser port errors map to codes', () => {
  assert.equal(classifyPortError('Specified native messaging host not found.'), 'host_missing');
  assert.equal(classifyPortError('Access to the specified native messaging host is forbidden.'), 'host_forbidden');
  assert.equal(classifyPortError('Native host has exited.'), 'host_crashed');
  assert.equal(classifyPortError('Error when communicating with the native messaging host.'), 'host_crashed');
});

test('errors become sentences with the detail substituted', () => {
  const t = (key, subs) => ({ errFetchFailed: 'Could not download: $1.' }[key]?.replace('$1', subs[0]) ?? '');
  assert.equal(describeError({ code: 'fetch_failed', message: 'DNS' }, t), 'Could not download: DNS.');
  assert.equal(errorMessageKey({ code: 'something_new' }).key, 'errGeneric');
  assert.equal(errorMessageKey({ code: 'host_missing' }).key, 'errHostMissing');
});
