import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
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

test('errors become sentences; library text never reaches them', () => {
  const en = JSON.parse(readFileSync(new URL('../../extension/_locales/en/messages.json', import.meta.url), 'utf8'));
  const t = (key, subs = []) => en[key]?.message.replace(/\$(\d)/g, (_, n) => subs[n - 1]) ?? '';
  const say = (code, message) => describeError({ code, message }, t);
  // The host's texts (net/curl_fetcher.cpp), each with the library's words in it.
  assert.equal(say('fetch_failed', 'TLS handshake with 127.0.0.1 failed: error:0A00010B:SSL routines::wrong version number'),
    'Could not open a secure (https) connection to 127.0.0.1.');
  assert.equal(say('fetch_failed', 'could not connect to 127.0.0.1 port 1: Connection refused'),
    'Nothing answered at 127.0.0.1 (port 1). Is the address right and the server running?');
  assert.equal(say('fetch_failed', 'could not resolve host nowhere.example'),
    'No site called nowhere.example was found. Check the address for typing mistakes.');
  assert.equal(say('fetch_failed', 'the TLS certificate of self-signed.example could not be verified: SSL certificate problem: self-signed certificate'),
    'The secure connection to self-signed.example cannot be trusted: its certificate could not be verified, so nothing was saved.');
  assert.equal(say('fetch_failed', 'example.org closed the connection without answering (fetching https://example.org/)'),
    'example.org closed the connection without answering. Try again later.');
  assert.equal(say('fetch_failed', 'curl_easy_perform() failed: weird'), 'Could not download the page. Check the address and your connection.');
  assert.equal(say('http_error', 'the server answered HTTP 404 for https://example.org/x'),
    'The site answered with error 404 instead of the page (404: not there; 401 or 403: needs a login).');
  assert.equal(say('timeout', 'could not connect to 10.0.0.9 port 443 within 10 s'),
    '10.0.0.9 did not answer in time. Is the address right and the site up?');
  assert.equal(say('unsupported_scheme', 'only http and https URLs can be added (got file:)'),
    'Only http and https addresses can be saved this way.');
  assert.equal(say('host_crashed', 'Native host has exited.'),
    'The LinkSnap helper program stopped unexpectedly. Try again; if it keeps happening, reinstall it with bash installer/install.sh.');
  assert.match(say('something_new', 'std::bad_alloc'), /^Something went wrong inside LinkSnap \(error code something_new\)/);
  assert.equal(errorMessageKey({ code: 'host_missing' }).key, 'errHostMissing');
  // No sentence carries the host's or a library's words.
  for (const code of ['fetch_failed', 'http_error', 'timeout', 'too_large', 'io_error', 'database_error', 'not_found',
    'conflict', 'invalid_url', 'capture_failed', 'capture_blocked', 'forbidden', 'internal_error']) {
    assert.doesNotMatch(say(code, 'error:0A00010B:SSL routines::wrong version number'), /SSL routines|0A00010B/, code);
  }
});
