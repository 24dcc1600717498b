// The one connection to linksnap-host. This is the only file that calls connectNative.
//
// One port is kept open and shared by every request (a port costs one host process; a
// sendNativeMessage call would start one per request). It is opened on the first request
// and again on the next request after it closed: the host exited or crashed, or the
// service worker was stopped and started (module state starts empty then).
// Requests are matched to replies by id, chunked both ways (shared/chunking.js), and each
// has a timeout; when the port closes every pending request fails with an error whose
// code says what happened (host_missing, host_forbidden, host_crashed, host_timeout).

import { api } from './api.js';
import { Reassembler, ProtocolError, toFrames } from '../shared/chunking.js';
import { classifyPortError } from '../shared/messages.js';

export const HOST_NAME = 'org.linksnap.host';

// Long commands fetch pages or store tens of MB; the host has its own fetch timeouts
// (fetch errors come back as replies), these only catch a host that stopped answering.
const TIMEOUTS_MS = { save: 180_000, add: 180_000, view: 120_000, rm: 60_000, ping: 10_000 };
const DEFAULT_TIMEOUT_MS = 30_000;

export class HostError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'HostError';
    this.code = code;
  }
  toJSON() { return { code: this.code, message: this.message }; }
}

class HostConnection {
  constructor() {
    this.port = null;
    this.nextId = 1;
    this.pending = new Map(); // id → {resolve, reject, timer, onProgress, cmd}
    this.reassembler = new Reassembler();
    this.connects = 0; // how many ports were opened (tests read it)
  }

  /**
   * Sends {cmd, args} and resolves with the result, or rejects with a HostError.
   * onProgress(data) is called for progress events.
   */
  request(cmd, args, { onProgress, timeoutMs } = {}) {
    const port = this.ensurePort();
    const id = this.nextId++;
    const message = args === undefined ? { id, cmd } : { id, cmd, args };
    return new Promise((resolve, reject) => {
      const ms = timeoutMs ?? TIMEOUTS_MS[cmd] ?? DEFAULT_TIMEOUT_MS;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HostError('host_timeout', `linksnap-host did not answer "${cmd}" within ${ms / 1000} s`));
      }, ms);
      this.pending.set(id, { resolve, reject, timer, onProgress, cmd });
      try {
        for (const frame of toFrames(message)) port.postMessage(frame);
      } catch (e) {
        this.settle(id, new HostError('host_crashed', `could not send to linksnap-host: ${e.message}`));
      }
    });
  }

  ensurePort() {
    if (this.port) return this.port;
    let port;
    try {
      port = api.runtime.connectNative(HOST_NAME);
    } catch (e) {
      throw new HostError(classifyPortError(e.message), e.message);
    }
    this.connects++;
    this.port = port;
    port.onMessage.addListener((frame) => this.onFrame(frame));
    port.onDisconnect.addListener((p) => {
      // Chromium reports the reason in runtime.lastError, Firefox in port.error.
      const reason = p?.error?.message ?? api.runtime.lastError?.message ?? 'the host closed the connection';
      if (this.port === port) this.port = null;
      this.reassembler.reset();
      const error = new HostError(classifyPortError(reason), reason);
      for (const id of [...this.pending.keys()]) this.settle(id, error);
    });
    return port;
  }

  onFrame(frame) {
    let message;
    try {
      message = this.reassembler.feed(frame);
    } catch (e) {
      if (e instanceof ProtocolError && this.pending.has(e.id)) {
        this.settle(e.id, new HostError('host_protocol', e.message));
      }
      return;
    }
    if (!message) return;
    const entry = this.pending.get(message.id);
    if (!entry) {
      // id null: the host could not tie an error to a request (a frame it refused).
      if (message.id === null && message.error) console.warn('linksnap-host:', message.error);
      return;
    }
    if (message.event === 'progress') {
      try { entry.onProgress?.(message.data ?? {}); } catch (e) { console.error(e); }
      return;
    }
    if (message.ok === true) this.settle(message.id, null, message.result);
    else {
      const err = message.error ?? {};
      this.settle(message.id, new HostError(err.code ?? 'internal_error', err.message ?? 'the host reported an error'));
    }
  }

  settle(id, error, result) {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    if (error) entry.reject(error);
    else entry.resolve(result);
  }

  /**
   * Starts the host before anyone asks it something, so the popup's first search does not
   * wait for it. The host opens its store per worker thread (3) on that worker's first
   * request: three cheap requests at once reach all three. Failures are left to the
   * first real request to report.
   */
  warm() {
    try {
      this.ensurePort();
    } catch {
      return Promise.resolve(false);
    }
    const one = () => this.request('list', { limit: 1 }, { timeoutMs: DEFAULT_TIMEOUT_MS });
    return Promise.all([one(), one(), one()]).then(() => true, () => false);
  }

  /** Closes the port (tests use it to check that the next request reconnects). */
  disconnect() {
    const port = this.port;
    if (!port) return;
    this.port = null;
    port.disconnect();
    const error = new HostError('host_crashed', 'the connection to linksnap-host was closed');
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }
}

export const host = new HostConnection();
