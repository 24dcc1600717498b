// URL helpers shared by the background and the pages. Pure: tested under node.

/** Pages the host can save from a captured DOM (protocol: http, https and file). */
export function isCapturable(url) {
  const u = parse(url);
  return !!u && (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'file:');
}

// What browsers show in a new or empty tab.
const BLANK_PAGES = new Set(['', 'about:blank', 'about:newtab', 'about:home', 'about:privatebrowsing',
  'chrome://newtab/', 'chrome://new-tab-page/', 'chrome-search://local-ntp/local-ntp.html', 'edge://newtab/',
  'vivaldi://startpage/', 'brave://newtab/']);

/** Is this a new or empty tab (nothing to save: the popup says to open a page)? */
export function isBlankPage(url) {
  return url === undefined || url === null || BLANK_PAGES.has(String(url));
}

/** URLs the host can fetch itself (`add`, "Save link"). */
export function isFetchable(url) {
  const u = parse(url);
  return !!u && (u.protocol === 'http:' || u.protocol === 'https:');
}

/**
 * What a person typed into "Add link" as an absolute URL, or null. A bare host name
 * ("example.com/a") gets https://; anything with another scheme is returned as typed so
 * the host can say why it refuses it.
 */
export function urlFromInput(text) {
  const s = String(text ?? '').trim();
  if (!s || /\s/.test(s)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[^:/]+:\d+(\/|$)/.test(s)) return parse(s) ? parse(s).href : null;
  const guess = parse('https://' + s.replace(/^\/\//, ''));
  return guess && guess.hostname.includes('.') || guess?.hostname === 'localhost' ? guess.href : null;
}

/**
 * What was typed into "Add link": {url, guessed}, guessed when no scheme was typed and
 * https:// was put in front; null when it is no address.
 */
export function addressFromInput(text) {
  const url = urlFromInput(text);
  if (!url) return null;
  const s = String(text).trim();
  const typedScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[^:/]+:\d+(\/|$)/.test(s);
  return { url, guessed: !typedScheme };
}

/**
 * Is this host name on the machine or the local network (loopback, private, link-local
 * or unique-local addresses, localhost, *.local)? Such servers often speak plain http.
 */
export function isPrivateHost(hostname) {
  const h = String(hostname ?? '').toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h.endsWith('.local')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) ||
      (a === 169 && b === 254);
  }
  if (h.includes(':')) return h === '::1' || /^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h);
  return false;
}

// What a TLS library says when the server answered in plain http (OpenSSL: "wrong version
// number", "packet length too long"; GnuTLS: "An unexpected TLS packet was received").
const PLAIN_HTTP_TLS_ERROR = /wrong version number|packet length too long|unexpected TLS packet|http request/i;

/**
 * The http:// address to try after the https:// one we guessed failed with `error`
 * ({code, message} from the host), or null. Only for a guessed scheme, and only when the
 * failure says the server may speak plain http: a loopback or private address that did
 * not answer, or a TLS handshake a plain-http server broke.
 */
export function httpFallback(address, error) {
  if (!address?.guessed) return null;
  const u = parse(address.url);
  if (!u || u.protocol !== 'https:') return null;
  const code = error?.code;
  const plainHttpServer = code === 'fetch_failed' && PLAIN_HTTP_TLS_ERROR.test(String(error?.message ?? ''));
  const privateNoAnswer = (code === 'fetch_failed' || code === 'timeout') && isPrivateHost(u.hostname);
  if (!plainHttpServer && !privateNoAnswer) return null;
  u.protocol = 'http:';
  return u.href;
}

/** A URL for showing: no scheme for http(s), no trailing slash on a bare host, decoded. */
export function displayUrl(url) {
  const u = parse(url);
  if (!u) return String(url ?? '');
  let s = u.protocol === 'http:' || u.protocol === 'https:' ? u.href.slice(u.protocol.length + 2) : u.href;
  if (u.pathname === '/' && !u.search && !u.hash) s = s.replace(/\/$/, '');
  try { s = decodeURI(s); } catch { /* keep the encoded form */ }
  return s;
}

/** The URL without its fragment: two tabs on one document differ only there. */
export function withoutFragment(url) {
  const u = parse(url);
  if (!u) return String(url ?? '');
  u.hash = '';
  return u.href;
}

function parse(url) {
  try { return new URL(String(url)); } catch { return null; }
}
