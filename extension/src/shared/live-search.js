// Search as you type without a debounce and without stale answers. Pure: tested under node.
//
// Every change of the query is sent at once, so the answer to the last key is not held back
// by a typing delay. The host runs a few requests at once and has no way to abandon one, so
// requests typed faster than it answers would queue behind each other: at most `maxInFlight`
// are sent, and a query typed while they run waits (only the newest one; the ones it
// replaced are never sent) until one of them answers. Answers come back in any order; only
// the answer to the newest query is shown, an older one is dropped even when it comes last.

export class LiveSearch {
  /**
   * run(args) → Promise of the answer; show(answer, args) / fail(error, args) get only the
   * newest query's outcome. `key(args)` tells equal queries apart (default: JSON text).
   */
  constructor({ run, show, fail, maxInFlight = 1, key = (args) => JSON.stringify(args) }) {
    Object.assign(this, { run, show, fail, maxInFlight, key });
    this.seq = 0; // the newest query's number
    this.newestKey = null;
    this.inFlight = 0;
    this.waiting = null; // {seq, args}: typed while maxInFlight were running
    this.sent = 0; // requests sent (tests and benches read it)
  }

  /**
   * The query is now `args`. The same query as the newest one sends nothing (a space typed
   * at the end, a key that changed nothing) unless `force` (the store changed).
   */
  update(args, { force = false } = {}) {
    const key = this.key(args);
    if (!force && key === this.newestKey) return;
    this.newestKey = key;
    const seq = ++this.seq;
    if (this.inFlight < this.maxInFlight) this.start(seq, args);
    else this.waiting = { seq, args };
  }

  /** Is `seq` still the newest query? */
  isNewest(seq) { return seq === this.seq; }

  start(seq, args) {
    this.inFlight++;
    this.sent++;
    let answer;
    try {
      answer = Promise.resolve(this.run(args));
    } catch (e) {
      answer = Promise.reject(e);
    }
    answer.then(
      (result) => { if (this.isNewest(seq)) this.show(result, args); },
      (error) => { if (this.isNewest(seq)) this.fail(error, args); },
    ).catch((e) => console.error(e)).finally(() => {
      this.inFlight--;
      const next = this.waiting;
      this.waiting = null;
      if (next) this.start(next.seq, next.args);
    });
  }
}
