// Chunking of protocol messages (docs/protocol.md, "Chunks"), both ways. Pure: no
// browser API, so it is tested under node.
//
// Outgoing: a message's JSON text is cut into pieces so that every envelope frame
// {"id":…,"chunk":{"seq":…,"total":…,"data":"<piece>"}} stays under the frame limit as
// the *browser* writes it. Chromium's JSON writer escapes more than JSON.stringify does
// (it writes <, >, & and U+2028/9 as \uXXXX), so a piece is measured at its worst-case
// escaped size rather than with JSON.stringify: a page full of '<' cannot overflow a frame.
// Pieces end on code point boundaries, never between the halves of a surrogate pair.

export const MAX_FRAME_BYTES = 1024 * 1024; // the protocol: "pieces of at most 1 MiB"
const ENVELOPE_RESERVE = 256; // {"id":…,"chunk":{"seq":…,"total":…,"data":""}} and then some

/** UTF-8 length of a string, without allocating the encoded bytes. */
export function utf8Length(text) {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length &&
             (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { bytes += 4; i++; }
    else bytes += 3; // BMP, or a lone surrogate (written as U+FFFD, 3 bytes)
  }
  return bytes;
}

/** Worst-case bytes one UTF-16 code unit takes inside a JSON string written by a browser. */
function escapedCost(c) {
  if (c === 0x22 || c === 0x5c) return 2; // \" \\
  if (c < 0x20) return 6; // \u00XX (\n, \t… are shorter; 6 is the bound)
  if (c === 0x3c || c === 0x3e || c === 0x26) return 6; // Chromium: \u003C \u003E \u0026
  if (c < 0x80) return 1;
  if (c < 0x800) return 2;
  if (c === 0x2028 || c === 0x2029) return 6;
  return 3; // other BMP; a surrogate pair is 2 × 3 ≥ its 4 UTF-8 bytes
}

/**
 * Splits `text` into pieces whose escaped size is at most `budget` bytes.
 * Returns an array of strings whose concatenation is `text`.
 */
export function splitText(text, budget) {
  if (!(budget >= 12)) throw new RangeError('chunk budget too small');
  const pieces = [];
  let start = 0;
  let used = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let cost = escapedCost(c);
    let width = 1;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length &&
        (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      cost = 6; // a pair: 4 UTF-8 bytes, or two \uXXXX if a writer escapes it
      width = 2;
    }
    if (used + cost > budget) {
      pieces.push(text.slice(start, i));
      start = i;
      used = 0;
    }
    used += cost;
    i += width - 1;
  }
  if (start < text.length || pieces.length === 0) pieces.push(text.slice(start));
  return pieces;
}

/**
 * The frames to send for a message: the message itself when it fits in one frame, else
 * its chunk envelopes. `message.id` must be set.
 */
export function toFrames(message, maxFrameBytes = MAX_FRAME_BYTES) {
  const text = JSON.stringify(message);
  // Cheap exact-enough test first: if even the worst case fits, send it whole.
  if (text.length * 6 + ENVELOPE_RESERVE <= maxFrameBytes) return [message];
  if (worstCaseBytes(text) <= maxFrameBytes) return [message];
  const budget = maxFrameBytes - ENVELOPE_RESERVE - JSON.stringify(message.id).length * 6;
  const pieces = splitText(text, budget);
  return pieces.map((data, seq) => ({ id: message.id, chunk: { seq, total: pieces.length, data } }));
}

function worstCaseBytes(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) n += escapedCost(text.charCodeAt(i));
  return n;
}

/**
 * Reassembles chunked messages from the host. feed(frame) returns the complete message
 * (a parsed object) when the frame is a whole message or the last piece of one, null
 * while pieces are still missing, and throws a ProtocolError when the pieces break the
 * rules (the caller fails that request).
 */
export class Reassembler {
  constructor({ maxMessageBytes = 256 * 1024 * 1024, maxPending = 16 } = {}) {
    this.pending = new Map(); // id → {total, next, parts, size}
    this.maxMessageBytes = maxMessageBytes;
    this.maxPending = maxPending;
  }

  feed(frame) {
    if (!frame || typeof frame !== 'object') throw new ProtocolError(null, 'a frame is not an object');
    if (!('chunk' in frame)) return frame;
    const { id, chunk } = frame;
    if (!chunk || typeof chunk !== 'object' || !Number.isInteger(chunk.seq) ||
        !Number.isInteger(chunk.total) || typeof chunk.data !== 'string' ||
        chunk.total < 1 || chunk.seq < 0 || chunk.seq >= chunk.total) {
      this.pending.delete(id);
      throw new ProtocolError(id, 'a chunk has a bad seq, total or data');
    }
    let entry = this.pending.get(id);
    if (!entry) {
      if (chunk.seq !== 0) throw new ProtocolError(id, `chunk ${chunk.seq} arrived before chunk 0`);
      if (this.pending.size >= this.maxPending) throw new ProtocolError(id, 'too many chunked messages at once');
      entry = { total: chunk.total, next: 0, parts: [], size: 0 };
      this.pending.set(id, entry);
    }
    if (chunk.total !== entry.total || chunk.seq !== entry.next) {
      this.pending.delete(id);
      throw new ProtocolError(id, `chunk ${chunk.seq}/${chunk.total} out of order (expected ${entry.next}/${entry.total})`);
    }
    entry.parts.push(chunk.data);
    entry.size += chunk.data.length;
    entry.next++;
    if (entry.size > this.maxMessageBytes) {
      this.pending.delete(id);
      throw new ProtocolError(id, 'a chunked message is too large');
    }
    if (entry.next < entry.total) return null;
    this.pending.delete(id);
    let message;
    try {
      message = JSON.parse(entry.parts.join(''));
    } catch {
      throw new ProtocolError(id, 'a chunked message is not valid JSON');
    }
    return message;
  }

  /** Drops the pieces of every message (the port was closed). */
  reset() { this.pending.clear(); }
}

export class ProtocolError extends Error {
  constructor(id, message) {
    super(message);
    this.name = 'ProtocolError';
    this.id = id;
  }
}
