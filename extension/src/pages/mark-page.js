// Marks a search's matches in a snapshot before the viewer shows it.
//
// Why rewrite the HTML text instead of marking in the shown page: the snapshot is shown in
// an <iframe sandbox=""> (opaque origin, no script). Marking inside it would need script
// there — ours, with allow-scripts, and then the sandbox would no longer keep the archived
// page's own scripts off on its own (the CSP <meta> would be the only lock left). So the
// viewer parses the stored document with DOMParser (an inert document: nothing runs,
// nothing loads), wraps each match in <mark id="linksnap-match-N">, serializes it and loads
// the result in the same script-less frame. Scrolling needs no script either: the frame's
// address is a blob: URL with "#linksnap-match-N", and moving to the next match changes only
// that fragment. Whatever the parse → serialize round trip did to odd markup, the result
// still runs in a frame that runs nothing.

import { findMatches, matcherFor } from '../shared/find.js';

export const MARK_PREFIX = 'linksnap-match-';
export const MAX_MARKS = 2000;
// Parsing and serializing costs about as much as showing the page twice; past this size
// the snapshot is shown unmarked (the viewer says so).
export const MAX_MARK_BYTES = 24 * 1024 * 1024;

// Text in these is not shown as page text (or a <mark> there would show as markup).
const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'TITLE', 'OPTION', 'SELECT', 'IFRAME', 'SVG', 'MATH', 'HEAD']);

// A match outlined as the current one (:target) in the page's own colours would vanish on
// some pages: fixed colours, with !important against the page's own mark styles.
// scroll-margin: the match scrolled to keeps some of the text before it in view.
const STYLE = `mark[data-linksnap-match]{background:#ffe066!important;color:#000!important;` +
  `box-shadow:0 0 0 1px #b38f00!important;scroll-margin-top:20vh}` +
  `mark[data-linksnap-match]:target{background:#ff9632!important;outline:2px solid #a34700!important}`;

function textNodes(root, out) {
  const walker = root.ownerDocument.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.nodeType === Node.ELEMENT_NODE
      ? (SKIP.has(n.nodeName.toUpperCase()) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_SKIP)
      : NodeFilter.FILTER_ACCEPT),
  });
  for (let n = walker.nextNode(); n; n = walker.nextNode()) out.push(n);
  return out;
}

/**
 * The document `html` with the matches of `query` marked: {html, count, truncated}.
 * `count` is the number of marks (the first has id linksnap-match-0); `html` is unchanged
 * when nothing matched or the document is too large ({tooLarge: true}).
 */
export function markDocument(html, query) {
  const matcher = matcherFor(query);
  if (!matcher) return { html, count: 0 };
  if (html.length > MAX_MARK_BYTES) return { html, count: 0, tooLarge: true };
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const nodes = doc.body ? textNodes(doc.body, []) : [];
  let count = 0;
  let truncated = false;
  for (const node of nodes) {
    if (count >= MAX_MARKS) { truncated = true; break; }
    const text = node.data;
    const matches = findMatches(text, matcher, MAX_MARKS - count);
    if (!matches.length) continue;
    const frag = doc.createDocumentFragment();
    let at = 0;
    for (const { start, end } of matches) {
      if (start > at) frag.append(text.slice(at, start));
      const mark = doc.createElement('mark');
      mark.id = `${MARK_PREFIX}${count++}`;
      mark.setAttribute('data-linksnap-match', '');
      mark.textContent = text.slice(start, end);
      frag.append(mark);
      at = end;
    }
    if (at < text.length) frag.append(text.slice(at));
    node.replaceWith(frag);
  }
  if (!count) return { html, count: 0 };
  const style = doc.createElement('style');
  style.textContent = STYLE;
  (doc.head ?? doc.documentElement).append(style);
  // The same doctype (or none: a quirks-mode page must stay in quirks mode to look the same).
  const doctype = doc.doctype ? new XMLSerializer().serializeToString(doc.doctype) : '';
  return { html: `${doctype}\n${doc.documentElement.outerHTML}`, count, truncated };
}
