import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressFromInput, displayUrl, httpFallback, isBlankPage, isCapturable, isFetchable, isPrivateHost, urlFromInput, withoutFragment } from '../../extension/src/shared/url.js';

test('capturable pages are http, https and file', () => {
  assert.ok(isCapturable('https://example.com/'));
  assert.ok(isCapturable('http://127.0.0.1:8000/a.html'));
  assert.ok(isCapturable('file:///home/me/a.html'));
  for (const u of ['chrome://extensions/', 'about:blank', 'chrome-extension://abc/popup.html', 'not a url', undefined]) {
    assert.equal(isCapturable(u), false, String(u));
  }
});

test('only http and https are fetchable', () => {
  assert.ok(isFetchable('https://example.com/'));
  assert.equal(isFetchable('file:///etc/passwd'), false);
  assert.equal(isFetchable('ftp://example.com/'), false);
});

test('typed addresses become URLs', () => {
  assert.equal(urlFromInput(' example.com/a?b=1 '), 'https://example.com/a?b=1');
  assert.equal(urlFromInput('http://127.0.0.1:8000/x'), 'http://127.0.0.1:8000/x');
  assert.equal(urlFromInput('localhost:8080/x'), 'https://localhost:8080/x');
  assert.equal(urlFromInput('例子.中国/页面'), 'https://xn--fsqu00a.xn--fiqs8s/%E9%A1%B5%E9%9D%A2');
  assert.equal(urlFromInput('file:///etc/passwd'), 'file:///etc/passwd'); // the host says why not
  assert.equal(urlFromInput('two words'), null);
  assert.equal(urlFromInput('nodot'), null);
  assert.equal(urlFromInput(''), null);
});

test('displayUrl drops the scheme and decodes', () => {
  assert.equal(displayUrl('https://example.com/'), 'example.com');
  assert.equal(displayUrl('https://zh.wikipedia.org/wiki/%E5%AF%86%E9%92%A5'), 'zh.wikipedia.org/wiki/密钥');
  assert.equal(displayUrl('file:///a/b.html'), 'file:///a/b.html');
  assert.equal(displayUrl('bad'), 'bad');
});

test('withoutFragment keeps the query', () => {
  assert.equal(withoutFragment('https://a.example/p?q=1#top'), 'https://a.example/p?q=1');
});

test('an address typed without a scheme is guessed as https, and marked so', () => {
  assert.deepEqual(addressFromInput('127.0.0.1:8765/page'), { url: 'https://127.0.0.1:8765/page', guessed: true });
  assert.deepEqual(addressFromInput('example.com'), { url: 'https://example.com/', guessed: true });
  assert.deepEqual(addressFromInput('https://example.com/a'), { url: 'https://example.com/a', guessed: false });
  assert.deepEqual(addressFromInput('http://127.0.0.1:8765/'), { url: 'http://127.0.0.1:8765/', guessed: false });
  assert.equal(addressFromInput('no address'), null);
});

test('loopback, private, link-local and .local hosts are private', () => {
  for (const h of ['localhost', 'a.localhost', 'nas.local', '127.0.0.1', '127.8.9.1', '10.1.2.3', '172.16.0.1',
    '172.31.255.1', '192.168.1.20', '169.254.0.5', '[::1]', 'fd00::1', 'fe80::1']) assert.ok(isPrivateHost(h), h);
  for (const h of ['example.com', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]', '']) assert.equal(isPrivateHost(h), false, h);
});

test('http is retried only after a guessed https failed the way plain http or a local server makes it fail', () => {
  const guessed = (s) => addressFromInput(s);
  const tls = { code: 'fetch_failed', message: 'TLS handshake with 127.0.0.1 failed: error:0A00010B:SSL routines::wrong version number' };
  assert.equal(httpFallback(guessed('127.0.0.1:8765/page'), tls), 'http://127.0.0.1:8765/page');
  assert.equal(httpFallback(guessed('example.com/a'), { code: 'fetch_failed', message: 'TLS handshake with example.com failed: error:0A00010B:SSL routines::wrong version number' }),
    'http://example.com/a', 'a plain-http server anywhere');
  assert.equal(httpFallback(guessed('192.168.1.5/x'), { code: 'fetch_failed', message: 'could not connect to 192.168.1.5 port 443: Connection refused' }),
    'http://192.168.1.5/x', 'a local server without https');
  assert.equal(httpFallback(guessed('10.0.0.2'), { code: 'timeout', message: 'could not connect to 10.0.0.2 port 443 within 10 s' }), 'http://10.0.0.2/');
  assert.equal(httpFallback(guessed('example.com'), { code: 'fetch_failed', message: 'could not connect to example.com port 443: Connection refused' }),
    null, 'a public site that refuses https is not downgraded');
  assert.equal(httpFallback(guessed('127.0.0.1/x'), { code: 'http_error', message: 'the server answered HTTP 404' }), null);
  assert.equal(httpFallback(addressFromInput('https://127.0.0.1:8765/'), tls), null, 'a typed https is kept');
});

test('new and empty tabs are blank; a page is not', () => {
  for (const u of [undefined, '', 'about:blank', 'chrome://newtab/', 'about:newtab', 'edge://newtab/']) assert.ok(isBlankPage(u), String(u));
  for (const u of ['https://example.com/', 'chrome://extensions/', 'about:config']) assert.equal(isBlankPage(u), false, u);
});
