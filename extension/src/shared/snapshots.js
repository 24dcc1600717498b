// Words for a link's history and health: how each snapshot was made, whether it changed
// from the one before, when it was taken, and what the last check of the live page found.
// Pure: functions return i18n keys with substitutions ({key, subs}) or plain data, and
// tests/js checks them with fixed data. Pages turn keys into words with t().

/** How a snapshot was made: 'dom' (saved from the browser), 'fetch', 'render' or 'file'. */
export function sourceKind(snapshot) {
  const media = snapshot?.media_type;
  if (media && media !== 'text/html') return 'file';
  if (snapshot?.source === 'fetch' || snapshot?.source === 'render') return snapshot.source;
  return 'dom'; // "dom" and the older "capture": the page as the browser showed it
}

export const SOURCE_KEYS = { dom: 'sourceDom', fetch: 'sourceFetch', render: 'sourceRender', file: 'sourceFile' };

/**
 * Did a snapshot change from the previous one, judged by the numbers `show` already gives?
 * 'first' (none before), 'changed' (the document's size or the resources differ) or
 * 'same-size'. A guess until the host's diff answers (changeFromDiff).
 */
export function changeFromSizes(previous, current) {
  if (!previous) return 'first';
  const keys = ['html_bytes', 'total_bytes', 'resource_count', 'failed_count'];
  return keys.some((k) => (previous[k] ?? 0) !== (current[k] ?? 0)) ? 'changed' : 'same-size';
}

/** The host's diff as counts: {changed, inserted, deleted, added, removed, modified}. */
export function changeFromDiff(diff) {
  const r = diff?.resources ?? {};
  const counts = {
    inserted: diff?.inserted_chars ?? 0,
    deleted: diff?.deleted_chars ?? 0,
    added: r.added?.length ?? 0,
    removed: r.removed?.length ?? 0,
    modified: r.changed?.length ?? 0,
  };
  return { changed: !diff?.identical || counts.added + counts.removed + counts.modified > 0, ...counts };
}

/** The words for a change: {key, subs}. `change` is what changeFromSizes or changeFromDiff gave. */
export function changeLabel(change) {
  if (change === 'first') return { key: 'changeFirst', subs: [] };
  if (change === 'changed') return { key: 'changeSizes', subs: [] };
  if (change === 'same-size') return { key: 'changeSameSize', subs: [] };
  if (!change.changed) return { key: 'changeNone', subs: [] };
  const files = change.added + change.removed + change.modified;
  if (change.inserted || change.deleted) {
    return files
      ? { key: 'changeTextAndFiles', subs: [String(change.inserted), String(change.deleted), String(files)] }
      : { key: 'changeText', subs: [String(change.inserted), String(change.deleted)] };
  }
  return { key: 'changeFilesOnly', subs: [String(files)] };
}

/**
 * Labels for the times of a list of snapshots, in the reader's locale and time zone: date
 * and time to the minute, or to the second for snapshots that share a minute (the old
 * dropdown's entries differed only by the minute, or not at all).
 */
export function snapshotTimes(snapshots, locale = undefined, timeZone = undefined) {
  const fmt = (iso, seconds) => {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    return new Intl.DateTimeFormat(locale, {
      year: 'numeric', month: 'short', day: 'numeric', weekday: 'short',
      hour: '2-digit', minute: '2-digit', second: seconds ? '2-digit' : undefined, hour12: false, timeZone,
    }).format(d);
  };
  const short = snapshots.map((s) => fmt(s.captured_at, false));
  const counts = new Map();
  for (const s of short) counts.set(s, (counts.get(s) ?? 0) + 1);
  return snapshots.map((s, i) => (counts.get(short[i]) > 1 ? fmt(s.captured_at, true) : short[i]));
}

/** A date and time for prose ("2 Dec 2026, 14:03"), in the reader's locale and zone. */
export function formatWhen(iso, locale = undefined, timeZone = undefined) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23', timeZone }).format(d);
}

// A check's detail is the host's (English, often library) text: only its kind is used.
function failureKind(detail) {
  const s = String(detail ?? '').toLowerCase();
  if (/dns|resolve|name or service|no such host/.test(s)) return 'statusDns';
  if (/tls|ssl|certificate/.test(s)) return 'statusTls';
  if (/timeout|timed out|deadline/.test(s)) return 'statusTimeout';
  if (/refused|connect/.test(s)) return 'statusRefused';
  return 'statusUnreachable';
}

/**
 * A link's status for a result list: null when it needs no mark (ok, redirected, never
 * checked), else {state, key, subs}: a word for the mark, shown with an icon (not colour alone).
 */
export function statusMark(status) {
  if (!status || (status.state !== 'broken' && status.state !== 'error')) return null;
  if (status.state === 'broken') {
    return Number.isInteger(status.code)
      ? { state: 'broken', key: 'statusMarkGoneCode', subs: [String(status.code)] }
      : { state: 'broken', key: 'statusMarkGone', subs: [] };
  }
  return { state: 'error', key: 'statusMarkUnreachable', subs: [] };
}

/**
 * The viewer's sentence about the live page: null for ok or no check, else {state, key, subs}.
 * "This page is gone (404 since …); this snapshot is your copy."
 */
export function statusSentence(status, locale = undefined, timeZone = undefined) {
  if (!status || !status.state || status.state === 'ok') return null;
  const when = formatWhen(status.checked_at, locale, timeZone);
  if (status.state === 'redirected') {
    return { state: 'redirected', key: 'statusRedirected', subs: [String(status.redirected_to ?? ''), when] };
  }
  if (status.state === 'broken') {
    return Number.isInteger(status.code)
      ? { state: 'broken', key: 'statusGoneCode', subs: [String(status.code), when] }
      : { state: 'broken', key: 'statusGone', subs: [when] };
  }
  if (status.state === 'error') {
    if (Number.isInteger(status.code)) return { state: 'error', key: 'statusHttpError', subs: [String(status.code), when] };
    return { state: 'error', key: failureKind(status.detail), subs: [when] };
  }
  return null;
}
