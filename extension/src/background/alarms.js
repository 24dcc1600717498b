// Due refreshes while the browser is open (issue 12): an hourly alarm asks the host to
// re-check the links whose schedule says they are due (`refresh` with {"due": true}). The
// host decides what is due; the alarm only wakes it. A host from before `refresh` answers
// unknown_command: that is not an error, there is simply nothing to run yet.

import { api } from './api.js';
import { host } from './native-port.js';

export const REFRESH_ALARM = 'linksnap-refresh-due';
const PERIOD_MINUTES = 60;
// A due run re-fetches pages (the host bounds each fetch); the port only waits this long.
const REFRESH_TIMEOUT_MS = 30 * 60_000;

/** Creates the hourly alarm unless it exists (alarms outlive a service worker's restart). */
export async function ensureRefreshAlarm() {
  const existing = await api.alarms.get(REFRESH_ALARM);
  if (existing?.periodInMinutes === PERIOD_MINUTES) return existing;
  await api.alarms.create(REFRESH_ALARM, { delayInMinutes: 5, periodInMinutes: PERIOD_MINUTES });
  return api.alarms.get(REFRESH_ALARM);
}

/** Runs the due refreshes: the host's result, or {skipped: 'unknown_command'} from an older host. */
export async function runDueRefresh() {
  try {
    return await host.request('refresh', { due: true }, { timeoutMs: REFRESH_TIMEOUT_MS });
  } catch (e) {
    if (e.code === 'unknown_command') return { skipped: 'unknown_command' };
    throw e;
  }
}

export function installAlarms() {
  api.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== REFRESH_ALARM) return;
    runDueRefresh().catch((e) => console.warn('LinkSnap refresh:', e.code ?? '', e.message));
  });
  ensureRefreshAlarm().catch((e) => console.warn('LinkSnap alarms:', e.message));
}
