import { test } from 'node:test';
import assert from 'node:assert/strict';
import { displayUrl, isCapturable, isFetchable, urlFromInput, withoutFragment } from '../../extension/src/shared/url.js';

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
