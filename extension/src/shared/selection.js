// The manager's selection over a paged list: either some ids, or "every link that matches
// the filter" minus some ids (so selecting 100,000 links needs no list of them). Pure:
// tested under node.

export class Selection {
  constructor() { this.clear(); }

  clear() {
    this.all = false; // every matching link, except `except`
    this.ids = new Set(); // when !all: the selected ids
    this.except = new Set(); // when all: ids unticked by hand
  }

  has(id) { return this.all ? !this.except.has(id) : this.ids.has(id); }

  set(id, on) {
    if (this.all) { if (on) this.except.delete(id); else this.except.add(id); } else if (on) this.ids.add(id); else this.ids.delete(id);
  }

  selectAll() { this.all = true; this.ids = new Set(); this.except = new Set(); }

  /** How many are selected, given how many links match. */
  count(total) { return this.all ? Math.max(0, total - this.except.size) : this.ids.size; }

  /** Forgets ids that are gone (deleted), so counts stay right. */
  forget(ids) { for (const id of ids) { this.ids.delete(id); this.except.delete(id); } }
}

/** Pages for `total` rows of `size`: at least one, so an empty list still has page 1. */
export function pageCount(total, size) {
  return Math.max(1, Math.ceil(Math.max(0, total) / size));
}

/** A page number typed or clicked, kept within 0 … pages-1. */
export function clampPage(page, pages) {
  const p = Math.trunc(Number(page));
  if (!Number.isFinite(p)) return 0;
  return Math.min(Math.max(0, p), Math.max(0, pages - 1));
}

/**
 * The number of rows of a list whose pages are known only by asking "is there a row at
 * offset k?" (`exists(k)` → Promise<bool>), given that offset `known` exists (-1: none known).
 * Doubles, then bisects: about 2·log2(n) questions.
 */
export async function countByProbing(exists, known = -1) {
  let lo = known; // exists
  let hi = Math.max(1, (known + 1) * 2); // to test
  while (await exists(hi)) { lo = hi; hi *= 2; }
  // lo exists (or -1), hi does not.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (await exists(mid)) lo = mid; else hi = mid;
  }
  return lo + 1;
}
