// The person's settings (storage.local) and what follows from them. Pure: tested under node.
//
// The first two default to off: opening the popup or searching never stores a page, and a
// save keeps no text typed into forms, unless the person turned these on in the manager.

export const SETTINGS_DEFAULTS = Object.freeze({
  // The toolbar button saves the page at once (no popup), as before issue 16.
  saveOnToolbarClick: false,
  // A save keeps what was typed into form fields (never a password).
  keepFormText: false,
  // Before a save, the page is scrolled through (≤ 2.5 s) so that lazy and scroll-triggered
  // content is there, then put back where it was.
  loadDeferred: true,
});

export const POPUP_PATH = 'src/pages/popup.html';

/** The stored values with a default for each missing or malformed one. */
export function withDefaults(stored) {
  const out = { ...SETTINGS_DEFAULTS };
  for (const key of Object.keys(SETTINGS_DEFAULTS)) {
    if (typeof stored?.[key] === 'boolean') out[key] = stored[key];
  }
  return out;
}

/** The toolbar button's popup: none ('') makes a click fire action.onClicked, which saves. */
export function popupFor(settings) {
  return settings.saveOnToolbarClick ? '' : POPUP_PATH;
}
