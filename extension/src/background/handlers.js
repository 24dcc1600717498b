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

  async 'link.add'({ url, tags }) {
    const result = await addLink(url, { tags });
    refreshMenusSoon();
    return result;
  },
};

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
