// URL helpers shared by the background and the pages. Pure: tested under node.

/** Pages the host can save from a captured DOM (protocol: http, https and file). */
export function isCapturable(url) {
  const u = parse(url);
  return !!u && (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'file:');
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
