// Context menus on pages and links: "Save page", "Tag with ▸" (the person's tags, most used
// first, and "New tag…") and "Save link". The menu is rebuilt whenever the tags may have changed.
// Menu clicks cannot be driven in a headless browser, so the click handler is exported
// and the tests call it (globalThis.linksnap.onMenuClick in background.js).

import { api, t } from './api.js';
import { host } from './native-port.js';
import { captureTab } from './capture.js';
import { addLink } from './render-link.js';
import { menuTags } from '../shared/format.js';
import { isFetchable, withoutFragment } from '../shared/url.js';

const MENU_TAGS = 25;
const ROOT = 'linksnap-tag';
const NEW_TAG = 'linksnap-new-tag';
const SAVE_LINK = 'linksnap-save-link';
const SAVE_PAGE = 'linksnap-save-page';
const TAG_PREFIX = 'linksnap-tag:';

let rebuilding = Promise.resolve();
let rebuildTimer = null;
let menuTagNames = [];

/** Rebuilds the menus soon (calls within 150 ms are merged). */
export function refreshMenusSoon() {
  clearTimeout(rebuildTimer);
  rebuildTimer = setTimeout(() => { refreshMenus(); }, 150);
}

/** Rebuilds the menus now; resolves when done (never rejects: no host = no tags listed). */
export function refreshMenus() {
  rebuilding = rebuilding.then(build, build);
  return rebuilding;
}

async function build() {
  let tags = [];
  try {
    tags = (await host.request('tags')).tags ?? [];
  } catch { /* host missing: the menu still offers New tag… and Save link */ }
  menuTagNames = menuTags(tags, MENU_TAGS);
  await api.contextMenus.removeAll();
  const contexts = ['page', 'link'];
  create({ id: SAVE_PAGE, title: t('menuSavePage'), contexts: ['page'] });
  create({ id: ROOT, title: t('menuTagWith'), contexts });
  for (const name of menuTagNames) {
    create({ id: TAG_PREFIX + name, parentId: ROOT, title: name.replace(/&/g, '&&'), contexts });
  }
  if (menuTagNames.length) create({ id: 'linksnap-sep', parentId: ROOT, type: 'separator', contexts });
  create({ id: NEW_TAG, parentId: ROOT, title: t('menuNewTag'), contexts });
  create({ id: SAVE_LINK, title: t('menuSaveLink'), contexts: ['link'] });
}

function create(props) {
  api.contextMenus.create(props, () => void api.runtime.lastError);
}

/** The tags in the menu now (tests check it follows renames). */
export function currentMenuTags() { return [...menuTagNames]; }

/**
 * Tags a URL: an existing link gets the tags; a page not saved yet is saved first (the
 * open tab is captured when it shows that URL, otherwise the host fetches it).
 */
export async function tagUrl(url, tags, tabId) {
  const { link } = await host.request('lookup', { url });
  if (link) {
    const result = await host.request('tag', { id: link.id, tags });
    refreshMenusSoon();
    return result;
  }
  let tab = null;
  if (Number.isInteger(tabId)) tab = await api.tabs.get(tabId).catch(() => null);
  let result;
  if (tab && withoutFragment(tab.url) === withoutFragment(url)) {
    result = await captureTab(tabId, { tags });
  } else {
    result = await addLink(url, { tags });
  }
  refreshMenusSoon();
  return result;
}

/** Saves a link's target through the host, without opening it. */
export async function saveLink(url) {
  if (!isFetchable(url)) throw Object.assign(new Error(url), { code: 'unsupported_scheme' });
  const result = await addLink(url);
  refreshMenusSoon();
  return result;
}

/** contextMenus.onClicked: returns the host's result (tests await it). */
export async function onMenuClick(info, tab) {
  const target = info.linkUrl || info.pageUrl || tab?.url;
  const isLink = !!info.linkUrl;
  const tabId = isLink ? undefined : tab?.id;
  if (info.menuItemId === SAVE_LINK) return notifyOutcome(tab, saveLink(info.linkUrl));
  if (info.menuItemId === SAVE_PAGE) return captureTab(tab.id); // its badge reports the outcome
  if (info.menuItemId === NEW_TAG) {
    const params = new URLSearchParams({ url: target });
    if (tabId !== undefined) params.set('tab', String(tabId));
    return api.windows.create({
      url: api.runtime.getURL(`src/pages/newtag.html?${params}`), type: 'popup', width: 420, height: 220,
    });
  }
  if (typeof info.menuItemId === 'string' && info.menuItemId.startsWith(TAG_PREFIX)) {
    const tag = info.menuItemId.slice(TAG_PREFIX.length);
    return notifyOutcome(tab, tagUrl(target, [tag], tabId));
  }
  return null;
}

// Menu actions have no page to report to: the badge of the tab they came from says how
// it went (the capture path sets it itself).
async function notifyOutcome(tab, promise) {
  const tabId = tab?.id;
  try {
    const result = await promise;
    if (tabId !== undefined && tabId >= 0) {
      await api.action.setBadgeBackgroundColor({ tabId, color: '#188038' }).catch(() => {});
      await api.action.setBadgeText({ tabId, text: '✓' }).catch(() => {});
      setTimeout(() => api.action.setBadgeText({ tabId, text: '' }).catch(() => {}), 3000);
    }
    return result;
  } catch (e) {
    if (tabId !== undefined && tabId >= 0) {
      await api.action.setBadgeBackgroundColor({ tabId, color: '#d93025' }).catch(() => {});
      await api.action.setBadgeText({ tabId, text: '!' }).catch(() => {});
      await api.action.setTitle({ tabId, title: `LinkSnap: ${e.message}` }).catch(() => {});
    }
    throw e;
  }
}

/**
 * Firefox only (menus.onShown): hide "Save link" on links that are saved already. Resolves
 * with whether "Save link" is shown, or null when nothing was decided (tests read it).
 */
export async function onMenuShown(info) {
  const menus = api.menus ?? api.contextMenus;
  if (!info.linkUrl || !menus.refresh) return null;
  try {
    const { link } = await host.request('lookup', { url: info.linkUrl });
    await menus.update(SAVE_LINK, { visible: !link });
    await menus.refresh();
    return !link;
  } catch {
    return null; // leave it visible
  }
}
