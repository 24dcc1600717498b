// The WebExtension namespace: `browser` in Firefox, `chrome` in Chromium (both promise-based
// in Manifest V3). Background modules import it from here rather than naming either.
export const api = globalThis.browser ?? globalThis.chrome;

/** A message from _locales in the browser's language. */
export function t(key, substitutions) {
  return api.i18n.getMessage(key, substitutions) || key;
}
