// {cmd, args} dispatch for messages from LinkSnap's pages, with an unknown-command error
// (like webscrapbook's common.js). Handlers are async ({...args}, sender) → result; a
// thrown HostError becomes {ok: false, error: {code, message}}.

import { api } from './api.js';
import { host, HostError } from './native-port.js';
import { captureTab } from './capture.js';
import { refreshMenusSoon, tagUrl } from './menus.js';
import { addLink } from './render-link.js';
import { CHANGES_TAGS, isAllowed, senderKind, validateMessage } from '../shared/messages.js';
import { isCapturable } from '../shared/url.js';
import { cancelDelete, scheduleDelete, scheduleDeleteMatching } from './deletes.js';

// An import of 100,000 bookmarks takes the host longer than a request's usual 30 s.
const IMPORT_TIMEOUT_MS = 30 * 60_000;
const LIST_BATCH = 10_000; // the host's largest `list` page
// Ten batches of 10,000 queue in the host behind each other: more than a request's usual 30 s.
const LIST_TIMEOUT_MS = 180_000;

export const handlers = {
  async host({ cmd, args }) {
    const result = await host.request(cmd, args);
    if (CHANGES_TAGS.has(cmd)) refreshMenusSoon();
    return result;
  },

  async status() {
    return host.request('ping');
  },

  async capture({ tabId, tags }) {
    const result = await captureTab(tabId, { tags });
    refreshMenusSoon();
    return result;
  },

  async 'page.state'({ tabId }) {
    const tab = await api.tabs.get(tabId);
    const state = { tabId, url: tab.url ?? '', title: tab.title ?? '', capturable: isCapturable(tab.url), link: null };
    if (state.capturable) state.link = (await host.request('lookup', { url: tab.url })).link;
    return state;
  },

  async 'tag.url'({ url, tags, tabId }) {
    return tagUrl(url, tags, tabId);
  },

  // The manager's "every matching link" (select all, then tag or untag).
  async 'list.ids'(args) {
    return { ids: await matchingIds(args) };
  },

  // Delete every link a filter matches, minus `except`, with undo (deletes.js).
  async 'delete.matching'({ tags, status, except = [], count = 0 }) {
    return scheduleDeleteMatching((stopped) => matchingIds({ tags, status }, stopped), except, count);
  },

  // The manager's delete with undo (deletes.js): held for a few seconds, then `rm`.
  async 'delete.schedule'({ ids }) {
    return scheduleDelete(ids);
  },

  async 'delete.cancel'({ token }) {
    return cancelDelete(token);
  },

  // Bookmarks in (the manager): the host's `import` with its progress passed on to the
  // pages as {event: 'import.progress', data}.
  async import(args) {
    const onProgress = (data) => { api.runtime.sendMessage({ event: 'import.progress', data }).catch(() => {}); };
    const result = await host.request('import', args, { onProgress, timeoutMs: IMPORT_TIMEOUT_MS });
    refreshMenusSoon();
    return result;
  },

  async 'link.add'({ url, tags }) {
    const result = await addLink(url, { tags });
    refreshMenusSoon();
    return result;
  },
};

/**
 * The ids of every link a `list` filter matches (the manager's "every matching link"): only
 * the ids go to the page, not 100,000 link records (tens of MB through the page's
 * messaging). Two batches at a time: the host serves three requests at once, so the third
 * stays free for the pages (an Undo's list must not queue behind ten batches).
 * `stopped()` true ends it early (the delete was undone): resolves with null then.
 */
async function matchingIds({ tags, status }, stopped = () => false) {
  const listArgs = (offset) => ({ limit: LIST_BATCH, ...(tags ? { tags } : {}), ...(status ? { status } : {}),
    ...(offset ? { offset } : {}) });
  const pages = [];
  let next = 0;
  let more = true; // no batch came back short yet: there may be more
  const worker = async () => {
    while (more && !stopped()) {
      const offset = next;
      next += LIST_BATCH;
      const page = (await host.request('list', listArgs(offset), { timeoutMs: LIST_TIMEOUT_MS })).links ?? [];
      pages[offset / LIST_BATCH] = page;
      if (page.length < LIST_BATCH) more = false;
    }
  };
  await Promise.all([worker(), worker()]);
  if (stopped()) return null;
  // A link saved meanwhile shifts the pages: one may come twice.
  return [...new Set(pages.flatMap((page) => (page ?? []).map((l) => l.id)))];
}

/** runtime.onMessage: checks the sender and the message, runs the handler. */
export async function dispatch(msg, sender) {
  if (msg && typeof msg === 'object' && 'event' in msg) return undefined; // a broadcast between pages
  const kind = senderKind(sender, api.runtime.id, api.runtime.getURL(''));
  if (!isAllowed(kind)) {
    return { ok: false, error: { code: 'forbidden', message: 'only LinkSnap pages may send this message' } };
  }
  const invalid = validateMessage(msg);
  if (invalid) return { ok: false, error: invalid };
  try {
    return { ok: true, result: await handlers[msg.cmd](msg.args ?? {}, sender) };
  } catch (e) {
    const error = e instanceof HostError ? e.toJSON()
      : { code: e?.code ?? 'internal_error', message: e?.message ?? String(e) };
    return { ok: false, error };
  }
}
