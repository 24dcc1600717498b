// The messages extension pages send to the background ({cmd, args}), who may send which,
// and the words a person sees for each error. Pure: tested under node.
//
// Privilege (like uBlock Origin's messaging.js): a content script runs inside a web page,
// so whatever it sends is treated as coming from that page. It may only hand over a
// capture the background asked for (on a port, see background/capture.js). Everything
// else, above all the destructive host commands, is only accepted from LinkSnap's own
// pages (popup, viewer, manager, new-tag dialog).

/** Host commands an extension page may send through the background ('host' below). */
export const HOST_COMMANDS = new Set([
  'ping', 'save', 'add', 'lookup', 'list', 'search', 'show', 'view', 'export', 'diff', 'update', 'rm',
  'tag', 'untag', 'tags', 'tags.rename', 'tags.merge', 'tags.delete',
]);

/** Host commands that change or delete existing data (docs/protocol.md: destructive). */
export const DESTRUCTIVE = new Set(['update', 'rm', 'tag', 'untag', 'tags.rename', 'tags.merge', 'tags.delete']);

/** Host commands after which the tag list (and so the context menu) may have changed. */
export const CHANGES_TAGS = new Set(['save', 'add', 'rm', 'tag', 'untag', 'tags.rename', 'tags.merge', 'tags.delete']);

/** Background commands, each with the check of its args. */
const BACKGROUND_COMMANDS = {
  // {cmd: host command, args: its args}
  host: (a) => str(a, 'cmd') ?? (HOST_COMMANDS.has(a.cmd) ? null : `unknown host command "${a.cmd}"`) ??
    (a.args === undefined || isObject(a.args) ? null : 'args.args must be an object'),
  // Is the host there and working? → {host_version, …} or an error
  status: () => null,
  // Capture a tab: {tabId, tags?}
  capture: (a) => int(a, 'tabId') ?? optTags(a),
  // The state of the page in a tab: {tabId} → {url, title, capturable, link|null}
  'page.state': (a) => int(a, 'tabId'),
  // Tag a URL, saving it first when it is not saved (the context menu's path): {url, tags, tabId?}
  'tag.url': (a) => str(a, 'url') ?? tags(a),
  // Save a link that is not open, rendered in a background tab, else fetched: {url, tags?}
  'link.add': (a) => str(a, 'url') ?? optTags(a),
  // Delete links after an undo delay: {ids} → {token, due, count}
  'delete.schedule': (a) => ids(a),
  // The ids of every link a `list` filter matches: {tags?, status?} → {ids}
  'list.ids': (a) => optTags(a) ?? (a.status === undefined ? null : str(a, 'status')),
  // Delete every link a `list` filter matches but `except`, after an undo delay:
  // {tags?, status?, except, count} → {token, due, count}
  'delete.matching': (a) => optTags(a) ?? (a.status === undefined ? null : str(a, 'status')) ?? count(a, 'count') ??
    (Array.isArray(a.except) && a.except.every((id) => Number.isInteger(id) && id > 0) ? null : 'args.except must be an array of link ids'),
  // Undo a scheduled delete: {token} → {cancelled}
  'delete.cancel': (a) => str(a, 'token'),
  // The host's import: {html} (a bookmark file's text) or {bookmarks: [...]}, plus its options
  import: (a) => importArgs(a),
};

/** Is `cmd` a background command? */
export function isKnownCommand(cmd) {
  return Object.hasOwn(BACKGROUND_COMMANDS, cmd);
}

/**
 * Checks a message from runtime.sendMessage. Returns null when it is well formed, else an
 * error {code, message} to send back.
 */
export function validateMessage(msg) {
  if (!isObject(msg)) return { code: 'bad_request', message: 'a message must be an object' };
  if (typeof msg.cmd !== 'string') return { code: 'bad_request', message: 'a message needs a "cmd" string' };
  if (!isKnownCommand(msg.cmd)) return { code: 'unknown_command', message: `no such command "${msg.cmd}"` };
  const args = msg.args ?? {};
  if (!isObject(args)) return { code: 'bad_request', message: '"args" must be an object' };
  const problem = BACKGROUND_COMMANDS[msg.cmd](args);
  return problem ? { code: 'bad_request', message: problem } : null;
}

/**
 * Who sent a message: 'extension' for LinkSnap's own pages, 'content' for anything that
 * runs in a web page (a content script) or that we cannot place.
 * `extensionOrigin` is runtime.getURL('') ("chrome-extension://<id>/").
 */
export function senderKind(sender, ownId, extensionOrigin) {
  if (!sender || sender.id !== ownId) return 'foreign';
  const url = String(sender.url ?? '');
  if (url.startsWith(extensionOrigin) && (sender.origin === undefined || extensionOrigin.startsWith(sender.origin))) {
    return 'extension';
  }
  return 'content';
}

/** May a sender of this kind send this message? Only extension pages send runtime messages. */
export function isAllowed(kind) {
  return kind === 'extension';
}

/**
 * The i18n message key and substitutions that explain an error to a person:
 * {key, subs}. The host's and the browser's own texts are English and often library text
 * ("error:0A00010B:SSL routines::wrong version number"), so they are never shown: only
 * what a sentence needs (a host name, a port, an HTTP status) is taken out of them.
 */
export function errorMessageKey(error) {
  const code = error?.code ?? 'internal_error';
  const message = String(error?.message ?? '');
  if (code === 'fetch_failed') return fetchFailure(message);
  if (code === 'http_error') {
    const status = /\bHTTP (\d{3})\b/.exec(message)?.[1];
    return status ? { key: 'errHttpStatus', subs: [status] } : { key: 'errHttpError', subs: [] };
  }
  if (code === 'timeout') {
    const connect = /could not connect to (\S+) port/.exec(message);
    return connect ? { key: 'errConnectTimeout', subs: [connect[1]] } : { key: 'errTimeout', subs: [] };
  }
  const known = {
    host_missing: 'errHostMissing',
    host_forbidden: 'errHostForbidden',
    host_crashed: 'errHostCrashed',
    host_timeout: 'errHostTimeout',
    host_protocol: 'errHostCrashed',
    not_capturable: 'errNotCapturable',
    capture_blocked: 'errCaptureBlocked',
    capture_failed: 'errCaptureFailed',
    forbidden: 'errForbidden',
    invalid_url: 'errInvalidAddress',
    unsupported_scheme: 'errUnsupportedScheme',
    too_many_redirects: 'errTooManyRedirects',
    too_large: 'errTooLarge',
    io_error: 'errIo',
    database_error: 'errDatabase',
    not_found: 'errNotFound',
    conflict: 'errConflict',
  };
  if (known[code]) return { key: known[code], subs: [] };
  return { key: 'errGeneric', subs: [code] };
}

// The host's fetch_failed messages (net/curl_fetcher.cpp describe_failure), by what a
// person can do about each.
const FETCH_FAILURES = [
  [/could not resolve host (\S+)/, 'errFetchDns'],
  [/could not connect to (\S+) port (\S+?):/, 'errFetchConnect'],
  [/TLS certificate of (\S+) could not be verified/, 'errFetchCertificate'],
  [/TLS handshake with (\S+) failed/, 'errFetchTls'],
  [/^(\S+) closed the connection without answering/, 'errFetchNoAnswer'],
  [/the connection to (\S+) broke/, 'errFetchBroken'],
  [/^(\S+) sent a response that is not valid HTTP/, 'errFetchNotHttp'],
];

function fetchFailure(message) {
  for (const [pattern, key] of FETCH_FAILURES) {
    const m = pattern.exec(message);
    if (m) return { key, subs: m.slice(1) };
  }
  return { key: 'errFetchFailed', subs: [] };
}

/**
 * Turns a runtime.lastError / port error text from connectNative into an error code: the
 * browser's words are stable but terse; the person gets ours (errorMessageKey).
 */
export function classifyPortError(text) {
  const s = String(text ?? '');
  if (/not found/i.test(s)) return 'host_missing'; // "Specified native messaging host not found."
  if (/forbidden/i.test(s)) return 'host_forbidden'; // "Access to the specified native messaging host is forbidden."
  if (/exited|communicating|disconnect/i.test(s)) return 'host_crashed';
  return 'host_crashed';
}

function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
function str(a, k) { return typeof a[k] === 'string' && a[k] !== '' ? null : `args.${k} must be a non-empty string`; }
function int(a, k) { return Number.isInteger(a[k]) ? null : `args.${k} must be an integer`; }
function tags(a) {
  return Array.isArray(a.tags) && a.tags.length > 0 && a.tags.every((t) => typeof t === 'string' && t.trim())
    ? null : 'args.tags must be a non-empty array of tag names';
}
function ids(a) {
  return Array.isArray(a.ids) && a.ids.length > 0 && a.ids.length <= 1_000_000 && a.ids.every((id) => Number.isInteger(id) && id > 0)
    ? null : 'args.ids must be a non-empty array of link ids';
}
function importArgs(a) {
  if ((typeof a.html === 'string') === Array.isArray(a.bookmarks)) return 'args needs either "html" (a string) or "bookmarks" (an array)';
  const allowed = new Set(['html', 'bookmarks', 'root_folders', 'keep_root_folders', 'snapshot', 'jobs']);
  const extra = Object.keys(a).find((k) => !allowed.has(k));
  return extra ? `args.${extra} is not an import option` : null;
}
function count(a, k) { return a[k] === undefined || (Number.isInteger(a[k]) && a[k] >= 0) ? null : `args.${k} must be a count`; }
function optTags(a) { return a.tags === undefined ? null : tags(a); }

/** One sentence a person can act on for an error, in their language: `t` is i18n.getMessage. */
export function describeError(error, t) {
  const { key, subs } = errorMessageKey(error);
  return t(key, subs) || String(error?.code ?? 'error');
}
