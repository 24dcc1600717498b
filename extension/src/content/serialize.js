// The DOM serializer: injected into the tab being captured (scripting.executeScript), it
// writes the document *as the person sees it* as one HTML string:
//  - form state: checked boxes and selected options as they are now; the text typed into
//    fields only when the person's "keep form text" setting is on (off by default: a
//    snapshot must not archive a draft or personal details), and never a password's,
//  - <canvas> pixels as the canvas's own background image (the element and its CSS stay),
//  - external SVG sprites (<use href="icons.svg#star">) inlined as hidden symbols, since a
//    browser renders <use> of neither another file offline nor a data: URL,
//  - content a page loads only when scrolled to (loading="lazy" images, scroll-triggered
//    backgrounds): first scrolled through, bounded in time, the scroll position restored,
//  - open shadow roots as declarative shadow DOM (<template shadowrootmode="open">),
//  - the image the browser chose (currentSrc) for srcset/<picture>/lazy images,
//  - CSS that lives only in the CSSOM: rules scripts inserted into <style> sheets,
//    adopted style sheets of the document and of shadow roots,
//  - same-origin iframes' documents (as srcdoc, recursively),
//  - a <base> (the page's own, or its base URL) and <meta charset="utf-8"> (the text is
//    sent as UTF-8 whatever the page's original charset was).
// Scripts and <noscript> are left out: the snapshot shows the page after its scripts ran.
// It then hands the string to the background over a port, in pieces, and nothing else:
// content scripts may only hand over a capture (see shared/messages.js).
//
// A classic script (content scripts cannot be modules); it defines one function on the
// isolated world's globalThis and is safe to inject twice.
(() => {
  const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta',
    'param', 'source', 'track', 'wbr', 'basefont', 'bgsound', 'frame', 'keygen']);
  const RAW_TEXT = new Set(['style', 'xmp', 'iframe', 'noembed', 'noframes', 'plaintext']);
  const DROP = new Set(['script', 'noscript']);
  const HTML_NS = 'http://www.w3.org/1999/xhtml';
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const SPRITE_FILES = 20;            // distinct sprite files inlined per page
  const SPRITE_BYTES = 2 * 1024 * 1024; // each at most this large
  const DEFERRED_MS = 2500;           // scrolling through the page for deferred content
  const DEFERRED_SCREENS = 30;        // pages longer than this many screens are not walked
  // <input> types whose value is not typed text: kept as the page set them.
  const NOT_TYPED = new Set(['checkbox', 'radio', 'submit', 'button', 'reset', 'hidden', 'image']);
  // Never stored, whatever the setting: passwords, files, and fields the page marks as
  // secrets by their autocomplete token (card numbers, one-time codes).
  const SECRET_TYPES = new Set(['password', 'file']);
  const SECRET_AUTOCOMPLETE = /\b(?:current-password|new-password|one-time-code|cc-number|cc-csc|cc-exp(?:-month|-year)?)\b/i;

  // Most text needs no escaping: test first, replace only when needed (a 10 MB page has
  // hundreds of thousands of text nodes).
  const TEXT_SPECIAL = /[&<>\u00a0]/;
  const ATTR_SPECIAL = /[&"<>\u00a0]/;
  const ENTITY = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\u00a0': '&nbsp;' };
  const escapeText = (s) => (TEXT_SPECIAL.test(s) ? s.replace(/[&<>\u00a0]/g, (c) => ENTITY[c]) : s);
  const escapeAttr = (s) => (ATTR_SPECIAL.test(s) ? s.replace(/[&"<>\u00a0]/g, (c) => ENTITY[c]) : s);

  function sheetText(sheet) {
    try {
      const rules = sheet.cssRules;
      let text = '';
      for (let i = 0; i < rules.length; i++) text += rules[i].cssText + '\n';
      return text;
    } catch {
      return null; // a cross-origin sheet: its rules cannot be read (the host refetches it)
    }
  }

  function adoptedStyles(root, out) {
    let sheets;
    try { sheets = root.adoptedStyleSheets; } catch { return; }
    if (!sheets || !sheets.length) return;
    for (const sheet of sheets) {
      const text = sheetText(sheet);
      if (text) out.push('<style data-linksnap="adopted">', text.replace(/<\/style/gi, '<\\/style'), '</style>');
    }
  }

  // The URL to keep for an <img>: what the browser shows, or for a lazy image not loaded
  // yet, the best guess of what it would show.
  function chosenImageSrc(img) {
    const lazy = img.getAttribute('data-src') || img.getAttribute('data-lazy-src') || img.getAttribute('data-original');
    const current = img.currentSrc;
    if (current && !(lazy && /^data:/.test(current) && img.naturalWidth <= 1)) return current;
    if (lazy) return new URL(lazy, img.baseURI).href;
    const srcset = img.getAttribute('srcset') || img.parentElement?.querySelector?.('source[srcset]')?.getAttribute('srcset');
    if (srcset) {
      const first = srcset.trim().split(/\s*,\s+/).map((c) => c.trim().split(/\s+/)[0]).filter(Boolean).pop();
      if (first) return new URL(first, img.baseURI).href;
    }
    return img.src || null;
  }

  // The absolute URL a <use> names (its href, else xlink:href), "" when none.
  function spriteRef(use) {
    const raw = use.getAttribute('href') ?? use.getAttributeNS('http://www.w3.org/1999/xlink', 'href') ?? '';
    if (!raw || raw.startsWith('#')) return '';
    try { return new URL(raw, use.baseURI).href; } catch { return ''; }
  }

  // Fetches the sprite files the page's <use> elements name (same origin, or allowed by
  // CORS: what the page itself could read) and picks the elements they point at. A symbol
  // keeps its id unless the page already has one: then that <use> stays as it was.
  async function collectSprites(doc) {
    const byFile = new Map(); // file URL → Set of ids
    for (const use of doc.querySelectorAll('use')) {
      const ref = spriteRef(use);
      const hash = ref.indexOf('#');
      if (hash < 0) continue;
      const file = ref.slice(0, hash);
      if (!byFile.has(file)) {
        if (byFile.size >= SPRITE_FILES) continue;
        byFile.set(file, new Set());
      }
      byFile.get(file).add(decodeURIComponent(ref.slice(hash + 1)));
    }
    const sprites = { refs: new Map(), defs: [] };
    const taken = new Set();
    await Promise.all([...byFile].map(async ([file, ids]) => {
      let text;
      try {
        const response = await fetch(file, { credentials: 'same-origin', signal: AbortSignal.timeout(3000) });
        if (!response.ok) return;
        text = await response.text();
      } catch { return; }
      if (text.length > SPRITE_BYTES) return;
      const sprite = new DOMParser().parseFromString(text, 'image/svg+xml');
      if (sprite.documentElement?.namespaceURI !== SVG_NS) return;
      // What the symbols refer to (gradients, clip paths) lives in the file's <defs>.
      for (const defs of sprite.querySelectorAll('defs')) {
        for (const child of defs.children) {
          if (child.id && !doc.getElementById(child.id) && !taken.has(child.id)) { taken.add(child.id); sprites.defs.push(child); }
        }
      }
      for (const id of ids) {
        const target = sprite.getElementById(id);
        if (!target) continue;
        if (!taken.has(id)) {
          if (doc.getElementById(id)) continue;
          taken.add(id);
          sprites.defs.push(target);
        }
        sprites.refs.set(`${file}#${encodeURIComponent(id).replace(/%2F/g, '/')}`, id);
        sprites.refs.set(`${file}#${id}`, id);
      }
    }));
    return sprites;
  }

  // A rendered frame, then a moment for the handlers it ran; a hidden tab renders no frames
  // (Firefox pauses requestAnimationFrame there), so a timer stands in for it.
  const nextFrame = () => new Promise((resolve) => {
    const fallback = setTimeout(resolve, 150);
    requestAnimationFrame(() => { clearTimeout(fallback); setTimeout(resolve, 60); });
  });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  // SingleFile's "load deferred images", bounded: lazy images are told to load now, the
  // page is scrolled through a viewport at a time (so IntersectionObserver and scroll
  // handlers fire), the images that started are given until the time is up, and the scroll
  // position is put back where the person had it.
  async function loadDeferred(doc, limitMs) {
    const win = doc.defaultView;
    const until = performance.now() + limitMs;
    for (const img of doc.querySelectorAll('img[loading="lazy"]')) img.loading = 'eager';
    const { scrollX, scrollY } = win;
    const root = doc.scrollingElement ?? doc.documentElement;
    // A tab in the background (Add link renders there) lays nothing out while hidden: no
    // scroll handler or IntersectionObserver would fire, so only the lazy images are loaded.
    const walk = !doc.hidden;
    const step = Math.max(200, Math.floor(win.innerHeight * 0.9));
    try {
      // A very long page (a 10 MB log) is not walked screen by screen: its end is enough.
      const screens = Math.ceil(root.scrollHeight / step);
      for (let y = 0; walk && screens <= DEFERRED_SCREENS && y < root.scrollHeight && performance.now() < until; y += step) {
        win.scrollTo({ left: scrollX, top: y, behavior: 'instant' });
        await nextFrame();
      }
      if (walk) {
        win.scrollTo({ left: scrollX, top: root.scrollHeight, behavior: 'instant' });
        await nextFrame();
      }
    } finally {
      win.scrollTo({ left: scrollX, top: scrollY, behavior: 'instant' });
    }
    const pending = [...doc.images].filter((img) => !img.complete);
    const left = Math.max(0, until - performance.now());
    if (pending.length && left > 0) {
      await Promise.race([
        Promise.allSettled(pending.map((img) => img.decode())),
        new Promise((resolve) => setTimeout(resolve, left)),
      ]);
    }
    await nextFrame(); // styles set by the handlers are applied
  }

  class Writer {
    constructor(doc, { keepFormText = false, sprites = null } = {}) {
      this.doc = doc;
      this.keepFormText = keepFormText;
      this.sprites = sprites; // {refs: Map(absolute href → local id), defs: [Element]} or null
      this.out = [];
    }

    // What a text field is stored with: its current text when the setting allows it; a
    // read-only or disabled field's text is the page's, not the person's, and is kept.
    fieldText(el) {
      if (SECRET_AUTOCOMPLETE.test(el.getAttribute('autocomplete') || '')) return null;
      return this.keepFormText || el.readOnly || el.disabled ? el.value : null;
    }

    document() {
      const doc = this.doc;
      const dt = doc.doctype;
      if (dt) {
        this.out.push('<!DOCTYPE ', dt.name || 'html');
        if (dt.publicId) this.out.push(' PUBLIC "', dt.publicId, '"');
        if (dt.systemId) this.out.push(dt.publicId ? '' : ' SYSTEM', ' "', dt.systemId, '"');
        this.out.push('>\n');
      }
      for (let n = doc.firstChild; n; n = n.nextSibling) if (n.nodeType !== 10) this.node(n);
      return this.out.join('');
    }

    node(n) {
      switch (n.nodeType) {
        case 1: this.element(n); break;
        case 3: {
          const p = n.parentNode;
          const parentName = p && p.nodeType === 1 ? p.localName : '';
          this.out.push(RAW_TEXT.has(parentName) && p.namespaceURI === HTML_NS ? n.data : escapeText(n.data));
          break;
        }
        case 4: this.out.push('<![CDATA[', n.data, ']]>'); break;
        case 8: this.out.push('<!--', n.data, '-->'); break;
        case 11: for (let c = n.firstChild; c; c = c.nextSibling) this.node(c); break;
        default: break;
      }
    }

    children(el) {
      for (let c = el.firstChild; c; c = c.nextSibling) this.node(c);
    }

    element(el) {
      const name = el.localName;
      const html = el.namespaceURI === HTML_NS;
      if (html && DROP.has(name)) return;
      if (html && name === 'canvas') { this.canvas(el); return; }
      if (html && name === 'meta' && (el.hasAttribute('charset') ||
          /^content-type$/i.test(el.getAttribute('http-equiv') || ''))) {
        return; // written once, as utf-8, at the top of <head>
      }

      if (!html && el.namespaceURI === SVG_NS && name === 'script') return;
      const attrs = new Map();
      for (const a of el.attributes) {
        if (/^on/i.test(a.name)) continue; // event handlers never run in a snapshot
        attrs.set(a.name, a.value);
      }
      if (name === 'use' && el.namespaceURI === SVG_NS && this.sprites) {
        const local = this.sprites.refs.get(spriteRef(el));
        if (local) {
          attrs.delete('xlink:href');
          attrs.set('href', `#${local}`);
        }
      }
      let content = null; // replacement for the children (textarea, style, iframe)

      if (html) {
        if (name === 'input') {
          const type = (el.type || 'text').toLowerCase();
          if (type === 'checkbox' || type === 'radio') {
            if (el.checked) attrs.set('checked', ''); else attrs.delete('checked');
          } else if (NOT_TYPED.has(type)) {
            // a button's label or a hidden field: the page's, not typed
          } else if (SECRET_TYPES.has(type)) {
            attrs.delete('value'); // never store a typed password
          } else {
            // The value attribute too: frameworks copy the typed text into it.
            const text = this.fieldText(el);
            if (text === null) attrs.delete('value'); else attrs.set('value', text);
          }
        } else if (name === 'textarea') {
          content = escapeText(this.fieldText(el) ?? '');
        } else if (name === 'option') {
          if (el.selected) attrs.set('selected', ''); else attrs.delete('selected');
        } else if (name === 'img') {
          const src = chosenImageSrc(el);
          if (src) {
            attrs.set('src', src);
            attrs.delete('srcset');
            attrs.delete('sizes');
            attrs.delete('loading');
          }
        } else if (name === 'source' && el.parentElement?.localName === 'picture') {
          return; // the <img> in the <picture> now names the chosen source itself
        } else if (name === 'style') {
          const text = el.sheet ? sheetText(el.sheet) : null;
          content = (text ?? el.textContent).replace(/<\/style/gi, '<\\/style');
        } else if (name === 'iframe' || name === 'frame') {
          const inner = this.frameDocument(el);
          if (inner !== null) {
            if (el.hasAttribute('src')) attrs.set('data-linksnap-src', attrs.get('src'));
            attrs.delete('src');
            attrs.set('srcdoc', inner);
          }
          content = '';
        } else if (name === 'a' || name === 'area') {
          // keep as is; the base below resolves relative links
        } else if (name === 'details' && el.open) {
          attrs.set('open', '');
        } else if (name === 'dialog' && el.open) {
          attrs.set('open', '');
        }
      }

      this.out.push('<', name);
      for (const [k, v] of attrs) this.out.push(' ', k, '="', escapeAttr(v), '"');
      this.out.push('>');
      if (html && VOID.has(name)) return;

      if (html && name === 'head') this.headPrologue(el);
      const shadow = el.shadowRoot; // open roots only: closed ones cannot be read
      if (shadow) {
        this.out.push('<template shadowrootmode="open"',
          shadow.delegatesFocus ? ' shadowrootdelegatesfocus=""' : '', '>');
        adoptedStyles(shadow, this.out);
        this.children(shadow);
        this.out.push('</template>');
      }
      if (content !== null) this.out.push(content);
      else if (html && name === 'template') this.children(el.content);
      else this.children(el);
      if (html && name === 'head') adoptedStyles(this.doc, this.out);
      if (html && name === 'body' && this.sprites?.defs.length) {
        // Hidden but rendered: gradients and clip paths in a display:none <svg> do not paint.
        this.out.push('<svg xmlns="', SVG_NS, '" aria-hidden="true" data-linksnap="sprites" ',
          'style="position:absolute;width:0;height:0;overflow:hidden"><defs>');
        for (const def of this.sprites.defs) this.node(def);
        this.out.push('</defs></svg>');
      }
      this.out.push('</', name, '>');
    }

    headPrologue(head) {
      this.out.push('<meta charset="utf-8">');
      if (!head.querySelector('base[href]')) {
        // Relative URLs keep resolving against the page, wherever the snapshot is shown.
        this.out.push('<base href="', escapeAttr(this.doc.baseURI), '" data-linksnap="base">');
      }
    }

    // A canvas stays a <canvas> — so the page's `canvas {…}` rules still give it its box —
    // with its pixels as its background image (a snapshot runs no script to draw them).
    canvas(el) {
      let data = null;
      try { data = el.toDataURL('image/png'); } catch { /* tainted by cross-origin pixels */ }
      this.out.push('<canvas');
      for (const a of el.attributes) {
        if (/^on/i.test(a.name) || (data && a.name === 'style')) continue;
        this.out.push(' ', a.name, '="', escapeAttr(a.value), '"');
      }
      if (data) {
        const own = (el.getAttribute('style') || '').trim().replace(/;?$/, ';');
        const pixels = `background-image:url("${data}");background-size:100% 100%;background-repeat:no-repeat;background-origin:content-box`;
        this.out.push(' data-linksnap="canvas" style="', escapeAttr(own === ';' ? pixels : own + pixels), '"');
      }
      if (!el.hasAttribute('width')) this.out.push(' width="', String(el.width), '"');
      if (!el.hasAttribute('height')) this.out.push(' height="', String(el.height), '"');
      this.out.push('></canvas>');
    }

    frameDocument(frame) {
      let doc = null;
      try { doc = frame.contentDocument; } catch { /* cross-origin */ }
      if (!doc || !doc.documentElement) return null;
      return new Writer(doc, { keepFormText: this.keepFormText }).document();
    }
  }

  // runtime.Port messages are serialized whole; 1 Mi-character pieces measured faster than
  // one 8 Mi piece for a 10 MB page (0.9 s against 1.5 s) and keep each message small.
  const PIECE_CHARS = 1024 * 1024;

  globalThis.__linksnapCapture = async (token, portName, options = {}) => {
    const api = globalThis.browser ?? globalThis.chrome;
    const started = performance.now();
    let html;
    let deferredMs = 0;
    try {
      // Bounded whatever the page does: past the time the capture goes on without waiting.
      if (options.loadDeferred !== false) await Promise.race([loadDeferred(document, DEFERRED_MS), sleep(DEFERRED_MS + 1000)]);
      const sprites = await collectSprites(document);
      deferredMs = performance.now() - started;
      html = new Writer(document, { keepFormText: options.keepFormText === true, sprites }).document();
    } catch (e) {
      return { ok: false, error: { code: 'capture_failed', message: String(e?.message ?? e) } };
    }
    const serializeMs = performance.now() - started - deferredMs;
    const port = api.runtime.connect({ name: portName });
    const total = Math.max(1, Math.ceil(html.length / PIECE_CHARS));
    port.postMessage({ type: 'begin', token, url: location.href, title: document.title, total,
      length: html.length, serializeMs, deferredMs });
    for (let seq = 0; seq < total; seq++) {
      // Never cut a surrogate pair in two: move the cut one unit back if it would.
      let start = seq * PIECE_CHARS;
      let end = Math.min(html.length, start + PIECE_CHARS);
      if (start > 0 && (html.charCodeAt(start) & 0xfc00) === 0xdc00) start--;
      if (end < html.length && (html.charCodeAt(end) & 0xfc00) === 0xdc00) end--;
      port.postMessage({ type: 'piece', token, seq, data: html.slice(start, end) });
    }
    port.postMessage({ type: 'end', token });
    return { ok: true, length: html.length, serializeMs };
  };
})();
