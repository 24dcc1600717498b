// Capturing a tab: inject the serializer, receive the DOM it hands over on a port, send it
// to the host as a `save`, and show progress, success or failure on the tab's badge.

import { api, t } from './api.js';
import { host, HostError } from './native-port.js';
import { isCapturable } from '../shared/url.js';
import { describeError } from '../shared/messages.js';
import { utf8Length } from '../shared/chunking.js';
import { getSettings } from './settings.js';

export const CAPTURE_PORT = 'linksnap-capture';
const HANDOVER_TIMEOUT_MS = 120_000;

// token → {tabId, resolve, reject, timer, meta, pieces}
const awaiting = new Map();
// tabId → the capture in progress, so a second click waits for the first
const inProgress = new Map();
// listeners told about capture progress: (tabId, state) — the popup shows it
const listeners = new Set();

/** Last measured capture (tests and the closing note read it). */
export const lastTiming = { value: null };

export function onCaptureState(fn) { listeners.add(fn); return () => listeners.delete(fn); }

function emit(tabId, state) {
  for (const fn of listeners) { try { fn(tabId, state); } catch (e) { console.error(e); } }
}

/** Accepts the serializer's port (runtime.onConnect). Anything unexpected closes it. */
export function acceptCapturePort(port) {
  if (port.name !== CAPTURE_PORT) return false;
  const tabId = port.sender?.tab?.id;
  let entry = null;
  port.onMessage.addListener((msg) => {
    if (!msg || typeof msg !== 'object' || typeof msg.token !== 'string') { port.disconnect(); return; }
    if (!entry) {
      const candidate = awaiting.get(msg.token);
      // Only the frame we injected into, in the tab we asked, with the token we gave it.
      if (!candidate || candidate.tabId !== tabId || port.sender?.frameId !== 0 || msg.type !== 'begin' ||
          !Number.isInteger(msg.total) || msg.total < 1 || typeof msg.url !== 'string') {
        port.disconnect();
        return;
      }
      entry = candidate;
      entry.meta = { url: msg.url, title: String(msg.title ?? ''), total: msg.total, serializeMs: msg.serializeMs,
        deferredMs: msg.deferredMs, beganAt: performance.now() };
      entry.pieces = [];
      return;
    }
    if (msg.token !== entry.token) { port.disconnect(); return; }
    if (msg.type === 'piece' && msg.seq === entry.pieces.length && typeof msg.data === 'string' &&
        msg.seq < entry.meta.total) {
      entry.pieces.push(msg.data);
    } else if (msg.type === 'end' && entry.pieces.length === entry.meta.total) {
      finish(entry.token, null, { ...entry.meta, endedAt: performance.now(), html: entry.pieces.join('') });
      port.disconnect();
    } else {
      finish(entry.token, new HostError('capture_failed', 'the page sent a broken capture'));
      port.disconnect();
    }
  });
  port.onDisconnect.addListener(() => {
    if (entry && awaiting.has(entry.token)) {
      finish(entry.token, new HostError('capture_failed', 'the page closed before the capture was handed over'));
    }
  });
  return true;
}

function finish(token, error, value) {
  const entry = awaiting.get(token);
  if (!entry) return;
  awaiting.delete(token);
  clearTimeout(entry.timer);
  if (error) entry.reject(error); else entry.resolve(value);
}

/** Serializes the DOM of a tab's top frame: {url, title, html, serializeMs}. */
export async function serializeTab(tabId) {
  const token = crypto.randomUUID();
  const { keepFormText, loadDeferred } = await getSettings();
  const handedOver = new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(token, new HostError('capture_failed',
      'the page did not hand over its DOM in time')), HANDOVER_TIMEOUT_MS);
    awaiting.set(token, { token, tabId, resolve, reject, timer });
  });
  try {
    await api.scripting.executeScript({ target: { tabId }, files: ['src/content/serialize.js'] });
    const [injection] = await api.scripting.executeScript({
      target: { tabId },
      func: (tok, name, options) => globalThis.__linksnapCapture(tok, name, options),
      args: [token, CAPTURE_PORT, { keepFormText, loadDeferred }],
    });
    const outcome = injection?.result;
    if (outcome && outcome.ok === false) finish(token, new HostError(outcome.error.code, outcome.error.message));
  } catch (e) {
    finish(token, new HostError('capture_blocked', e?.message ?? String(e)));
  }
  return handedOver;
}

/**
 * Captures a tab and saves it: resolves with the host's save result plus timings, rejects
 * with a HostError. `tags` are given to the new snapshot's link.
 */
export function captureTab(tabId, { tags } = {}) {
  const running = inProgress.get(tabId);
  if (running) return running;
  const job = doCapture(tabId, tags).finally(() => inProgress.delete(tabId));
  inProgress.set(tabId, job);
  return job;
}

async function doCapture(tabId, tags) {
  const started = performance.now();
  let tab;
  try {
    tab = await api.tabs.get(tabId);
  } catch {
    throw new HostError('not_capturable', `no tab ${tabId}`);
  }
  if (!isCapturable(tab.url)) {
    const error = new HostError('not_capturable', tab.url ?? '');
    await showFailure(tabId, error);
    throw error;
  }
  await setBadge(tabId, '…', '#5f6368', t('badgeCapturing'));
  emit(tabId, { stage: 'capturing' });
  try {
    const page = await serializeTab(tabId);
    const serialized = performance.now();
    emit(tabId, { stage: 'sending', bytes: page.html.length });
    await setBadge(tabId, '↑', '#5f6368', t('badgeSending'));
    const args = { url: page.url, html: page.html, title: page.title };
    if (tags?.length) args.tags = tags;
    const result = await host.request('save', args, {
      onProgress: (data) => {
        emit(tabId, { stage: data.stage });
        setBadge(tabId, data.stage === 'storing' ? '⇣' : '…', '#5f6368', t('badgeSaving'));
      },
    });
    const done = performance.now();
    const timing = {
      totalMs: Math.round(done - started), serializeMs: Math.round(page.serializeMs ?? 0),
      deferredMs: Math.round(page.deferredMs ?? 0),
      handoverMs: Math.round(serialized - started), hostMs: Math.round(done - serialized),
      // from the click to the page's first message (injection + serialization), then the pieces
      untilBeginMs: Math.round(page.beganAt - started), transferMs: Math.round(page.endedAt - page.beganAt),
      chars: page.html.length, bytes: utf8Length(page.html),
    };
    lastTiming.value = timing;
    await setBadge(tabId, '✓', '#188038', t('badgeSaved'));
    clearBadgeLater(tabId);
    emit(tabId, { stage: 'saved', result });
    return { ...result, timing };
  } catch (e) {
    const error = e instanceof HostError ? e : new HostError('capture_failed', e?.message ?? String(e));
    await showFailure(tabId, error);
    emit(tabId, { stage: 'failed', error: error.toJSON() });
    throw error;
  }
}

async function showFailure(tabId, error) {
  await setBadge(tabId, '!', '#d93025', `LinkSnap: ${describeError(error, t)}`);
}

async function setBadge(tabId, text, color, title) {
  try {
    await api.action.setBadgeText({ tabId, text });
    await api.action.setBadgeBackgroundColor({ tabId, color });
    if (title) await api.action.setTitle({ tabId, title });
  } catch { /* the tab was closed */ }
}

function clearBadgeLater(tabId) {
  setTimeout(() => {
    api.action.setBadgeText({ tabId, text: '' }).catch(() => {});
    api.action.setTitle({ tabId, title: '' }).catch(() => {});
  }, 4000);
}
