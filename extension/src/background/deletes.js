// Deletion with undo. The host has no trash, so a delete from the manager is held here
// for a few seconds (the manager shows an Undo toast meanwhile) and then sent as `rm`.
// It does not depend on the manager staying open: the timer runs in the background (a
// Chromium service worker lives at least 30 s after its last event, longer than the
// delay), the pending ids are also kept in storage.session so a background that was
// stopped anyway commits them when it starts again, and onSuspend commits at once.

import { api } from './api.js';
import { host } from './native-port.js';
import { refreshMenusSoon } from './menus.js';

export const UNDO_DELAY_MS = 8000;
const RM_BATCH = 10_000; // the host's limit for rm {ids}
const STORE_KEY = 'pendingDeletes';

const pending = new Map(); // token → {ids, timer, due}
let nextToken = 1;

function sessionStore() { return api.storage?.session ?? null; }

async function persist() {
  const store = sessionStore();
  if (!store) return;
  // A delete whose ids are still being collected is not kept: the open native port keeps
  // the background running until they are.
  const value = [...pending.entries()].filter(([, p]) => p.ids).map(([token, p]) => ({ token, ids: p.ids, due: p.due }));
  await store.set({ [STORE_KEY]: value }).catch(() => {});
}

/** Holds a delete of `ids` for `delayMs`, then commits it. Resolves with {token, due}. */
export async function scheduleDelete(ids, delayMs = UNDO_DELAY_MS) {
  const token = `${Date.now().toString(36)}-${nextToken++}`;
  const due = Date.now() + delayMs;
  const timer = setTimeout(() => { commitDelete(token).catch(() => {}); }, delayMs);
  pending.set(token, { ids: [...ids], timer, due });
  await persist();
  return { token, due, count: ids.length };
}

/**
 * "Delete every matching link" (the manager's select all): the ids are collected here
 * (`collect(undone)` → Promise of ids; it may stop early once undone() is true), so the page offers Undo at once instead of after
 * collecting 100,000 of them, and a page closed meanwhile changes nothing. The delete
 * is held until `delayMs` after this call and the ids are known, whichever is later; an
 * Undo before then cancels it, also while collecting. `except`: ids unticked by hand.
 * A failed collection deletes nothing and tells the pages {event: 'links.deleted', error}.
 */
export async function scheduleDeleteMatching(collect, except, count, delayMs = UNDO_DELAY_MS) {
  const token = `${Date.now().toString(36)}-${nextToken++}`;
  const due = Date.now() + delayMs;
  const entry = { ids: null, timer: null, due, count };
  pending.set(token, entry);
  const skip = new Set(except);
  const undone = () => pending.get(token) !== entry;
  Promise.resolve().then(() => collect(undone)).then((ids) => {
    if (undone()) return;
    entry.ids = ids.filter((id) => !skip.has(id));
    entry.count = entry.ids.length;
    entry.timer = setTimeout(() => { commitDelete(token).catch(() => {}); }, Math.max(0, due - Date.now()));
    return persist();
  }).catch((e) => {
    if (undone()) return;
    pending.delete(token);
    api.runtime.sendMessage({ event: 'links.deleted', token, deleted: 0, error: { code: e.code ?? 'internal_error', message: e.message } })
      .catch(() => {});
  });
  return { token, due, count };
}

/** Undo: {cancelled: true} if the delete was still held, else {cancelled: false} (too late). */
export async function cancelDelete(token) {
  const p = pending.get(token);
  if (!p) return { cancelled: false };
  clearTimeout(p.timer);
  pending.delete(token);
  await persist();
  return { cancelled: true, count: p.ids?.length ?? p.count };
}

/**
 * Sends the held delete to the host now. A link deleted meanwhile elsewhere (the CLI, a
 * second window) makes a batch fail as a whole with not_found, so that batch is then sent
 * link by link, skipping the missing. Tells the pages {event: 'links.deleted'} either way.
 */
export async function commitDelete(token) {
  const p = pending.get(token);
  if (!p || !p.ids) return { deleted: 0 }; // unknown, or its ids are still being collected
  clearTimeout(p.timer);
  pending.delete(token);
  await persist();
  let deleted = 0;
  let error = null;
  for (let i = 0; i < p.ids.length; i += RM_BATCH) {
    const batch = p.ids.slice(i, i + RM_BATCH);
    try {
      await host.request('rm', { ids: batch });
      deleted += batch.length;
    } catch (e) {
      if (e.code !== 'not_found') { error = { code: e.code, message: e.message }; break; }
      for (const id of batch) {
        try { await host.request('rm', { id }); deleted++; } catch (e2) {
          if (e2.code !== 'not_found') { error = { code: e2.code, message: e2.message }; break; }
        }
      }
      if (error) break;
    }
  }
  refreshMenusSoon();
  api.runtime.sendMessage({ event: 'links.deleted', token, deleted, error }).catch(() => {});
  return { deleted, error };
}

/** Commits every held delete now (the background is being suspended). */
export function commitAllNow() {
  return Promise.all([...pending.keys()].map((token) => commitDelete(token)));
}

/** Held deletes left by a background that stopped: commit them (their undo time is over or nearly). */
export async function resumePending() {
  const store = sessionStore();
  if (!store) return;
  const saved = (await store.get(STORE_KEY).catch(() => ({})))?.[STORE_KEY] ?? [];
  for (const { token, ids, due } of saved) {
    if (pending.has(token) || !Array.isArray(ids)) continue;
    const delay = Math.max(0, due - Date.now());
    pending.set(token, { ids, due, timer: setTimeout(() => { commitDelete(token).catch(() => {}); }, delay) });
  }
}

/** The held deletes (tests read it). */
export function pendingDeletes() {
  return [...pending.entries()].map(([token, p]) => ({ token, count: p.ids?.length ?? p.count, due: p.due, collected: !!p.ids }));
}
