import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POPUP_PATH, SETTINGS_DEFAULTS, popupFor, withDefaults } from '../../extension/src/shared/settings.js';

test('every setting is off by default', () => {
  assert.deepEqual(SETTINGS_DEFAULTS, { saveOnToolbarClick: false, keepFormText: false, loadDeferred: true });
  assert.deepEqual(withDefaults({}), SETTINGS_DEFAULTS);
  assert.deepEqual(withDefaults(undefined), SETTINGS_DEFAULTS);
});

test('stored booleans win; anything else falls back to the default', () => {
  assert.deepEqual(withDefaults({ saveOnToolbarClick: true, keepFormText: 'yes', other: 1 }),
    { saveOnToolbarClick: true, keepFormText: false, loadDeferred: true });
});

test('the toolbar button has the popup unless one-click saving is on', () => {
  assert.equal(popupFor(withDefaults({})), POPUP_PATH);
  assert.equal(popupFor(withDefaults({ saveOnToolbarClick: true })), '');
});
