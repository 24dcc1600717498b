// The service worker (Chromium) / background script (Firefox): wires browser events to
// the modules. State lives in the modules; it is rebuilt when the worker starts again.

import { api } from './api.js';
import { host } from './native-port.js';
import { acceptCapturePort, captureTab, lastTiming, onCaptureState } from './capture.js';
import { currentMenuTags, onMenuClick, onMenuShown, refreshMenus } from './menus.js';
import { dispatch, handlers } from './handlers.js';
import { applyToolbarSetting } from './settings.js';
import { commitAllNow, pendingDeletes, resumePending } from './deletes.js';
import { installOmnibox, onInputChanged, onInputEntered } from './omnibox.js';
import { ensureRefreshAlarm, installAlarms, runDueRefresh } from './alarms.js';

api.runtime.onMessage.addListener((msg, sender, sendResponse) => {
  if (msg && typeof msg === 'object' && 'event' in msg) return false; // a broadcast, not a request
  dispatch(msg, sender).then(sendResponse);
  return true; // the answer is asynchronous
});

api.runtime.onConnect.addListener((port) => {
  if (!acceptCapturePort(port)) port.disconnect();
});

api.contextMenus.onClicked.addListener((info, tab) => {
  onMenuClick(info, tab).catch((e) => console.warn('LinkSnap menu:', e.message));
});
// Firefox can change a menu while it is open; Chromium has no onShown.
(api.menus ?? api.contextMenus).onShown?.addListener((info) => { onMenuShown(info); });

// Capture progress for an open popup (it shows the stage; the badge shows it too).
onCaptureState((tabId, state) => {
  api.runtime.sendMessage({ event: 'capture', tabId, stage: state.stage }).catch(() => {});
});

// The keyboard shortcut: capture without the popup; the badge reports the outcome.
async function onCommand(command, tab) {
  if (command !== 'capture-page') return null;
  const target = tab ?? (await api.tabs.query({ active: true, currentWindow: true }))[0];
  if (!target) return null;
  return captureTab(target.id);
}
api.commands.onCommand.addListener((command, tab) => {
  onCommand(command, tab).catch((e) => console.warn('LinkSnap capture:', e.message));
});

// The toolbar button has a popup by default (opening it stores nothing). With "Save when I
// click the toolbar button" on it has none, and a click lands here: save, badge says how.
function onActionClicked(tab) {
  return captureTab(tab.id);
}
api.action.onClicked.addListener((tab) => {
  onActionClicked(tab).catch((e) => console.warn('LinkSnap capture:', e.message));
});
const toolbarReady = applyToolbarSetting().catch((e) => console.warn('LinkSnap settings:', e.message));
api.storage.onChanged.addListener((changes, area) => {
  if (area === 'local' && 'saveOnToolbarClick' in changes) applyToolbarSetting().catch(() => {});
});

// Listeners are added at the top level so an event that starts the worker finds them.
installOmnibox();
installAlarms();

// Deletes held for undo (deletes.js): commit them before the background goes away, and
// pick up any a stopped background left behind.
api.runtime.onSuspend?.addListener(() => { commitAllNow(); });
resumePending().catch((e) => console.warn('LinkSnap deletes:', e.message));

// The host is started with the background, not with the popup's first search (issue 13:
// results within 50 ms of the last key): the popup then finds a running host with its
// store open. An open native port also keeps the background from being stopped, so the
// host runs once per browser session, as the design says.
host.warm();

api.runtime.onInstalled.addListener(() => { refreshMenus(); });
api.runtime.onStartup.addListener(() => { refreshMenus(); });

// For the browser tests: native context-menu clicks and keyboard shortcuts cannot be
// driven headless, so the handlers they run are reachable from worker.evaluate.
globalThis.linksnap = {
  host, handlers, dispatch, captureTab, onMenuClick, onMenuShown, onCommand, onActionClicked, refreshMenus,
  currentMenuTags, lastTiming, toolbarReady, applyToolbarSetting, pendingDeletes,
  omnibox: { onInputChanged, onInputEntered }, ensureRefreshAlarm, runDueRefresh,
};
