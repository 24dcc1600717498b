// Reads the settings from storage.local and applies the toolbar one to the button. Run on
// every start of the background (action.setPopup does not outlive the browser session) and
// whenever a page changes a setting.

import { api } from './api.js';
import { SETTINGS_DEFAULTS, popupFor, withDefaults } from '../shared/settings.js';

export async function getSettings() {
  return withDefaults(await api.storage.local.get(Object.keys(SETTINGS_DEFAULTS)));
}

/** Gives the toolbar button its popup, or none when a click should save. Resolves with the settings. */
export async function applyToolbarSetting() {
  const settings = await getSettings();
  await api.action.setPopup({ popup: popupFor(settings) });
  return settings;
}
