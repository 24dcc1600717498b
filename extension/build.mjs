#!/usr/bin/env node
// Builds the unpacked extensions from one source:
//   node extension/build.mjs OUT_DIR   →   OUT_DIR/chromium and OUT_DIR/firefox
// Each gets src/, _locales/, generated icons and its manifest.json: manifest.base.json
// with manifest.<family>.json merged over it (objects merge key by key; anything else
// replaces). `cmake --build` runs this (target linksnap_extension). No bundler: the
// sources are ES modules both browsers load as they are.
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const FAMILIES = ['chromium', 'firefox'];

export function merge(base, over) {
  if (!isPlainObject(base) || !isPlainObject(over)) return structuredClone(over);
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over)) out[k] = k in out ? merge(out[k], v) : structuredClone(v);
  return out;
}

function isPlainObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
function readJson(path) { return JSON.parse(readFileSync(path, 'utf8')); }

export function manifestFor(family) {
  return merge(readJson(join(here, 'manifest.base.json')), readJson(join(here, `manifest.${family}.json`)));
}

// --- Icons: a blue rounded square with a white bookmark, drawn here so the repository
// holds no binary files. Anti-aliased by 4×4 supersampling.
function icon(size) {
  const px = Buffer.alloc(size * size * 4);
  const r = size * 0.22;
  const inRounded = (x, y) => {
    const cx = Math.min(Math.max(x, r), size - r);
    const cy = Math.min(Math.max(y, r), size - r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const inMark = (x, y) => {
    const left = size * 0.32; const right = size * 0.68; const top = size * 0.2; const bottom = size * 0.8;
    if (x < left || x > right || y < top || y > bottom) return false;
    const notch = bottom - (size * 0.18) * (1 - Math.abs(x - size / 2) / ((right - left) / 2));
    return y <= notch;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let bg = 0; let fg = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const fx = x + (sx + 0.5) / 4; const fy = y + (sy + 0.5) / 4;
          if (inRounded(fx, fy)) { bg++; if (inMark(fx, fy)) fg++; }
        }
      }
      const a = bg / 16; const w = bg ? fg / bg : 0;
      const o = (y * size + x) * 4;
      px[o] = Math.round(26 + (255 - 26) * w);
      px[o + 1] = Math.round(115 + (255 - 115) * w);
      px[o + 2] = Math.round(232 + (255 - 232) * w);
      px[o + 3] = Math.round(255 * a);
    }
  }
  return png(size, size, px);
}

function png(width, height, rgba) {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

let crcTable;
function crc32(buf) {
  crcTable ??= Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// Writes a file only when its bytes change, so a loaded unpacked extension is not
// touched by a no-op build.
function writeIfChanged(path, data) {
  if (existsSync(path) && Buffer.compare(readFileSync(path), Buffer.from(data)) === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
}

function copyTree(from, to) {
  for (const name of readdirSync(from)) {
    const src = join(from, name); const dst = join(to, name);
    if (statSync(src).isDirectory()) copyTree(src, dst);
    else writeIfChanged(dst, readFileSync(src));
  }
}

export function build(outRoot) {
  for (const family of FAMILIES) {
    const out = join(outRoot, family);
    // Stale files (a module that was deleted from the source) go: start from src/ and
    // _locales/ afresh, then copy.
    for (const dir of ['src', '_locales']) if (existsSync(join(out, dir))) rmSync(join(out, dir), { recursive: true });
    mkdirSync(out, { recursive: true });
    for (const name of readdirSync(out)) {
      if (!['src', '_locales', 'icons', 'manifest.json'].includes(name)) rmSync(join(out, name), { recursive: true });
    }
    copyTree(join(here, 'src'), join(out, 'src'));
    copyTree(join(here, '_locales'), join(out, '_locales'));
    for (const size of [16, 32, 48, 128]) writeIfChanged(join(out, 'icons', `icon-${size}.png`), icon(size));
    writeIfChanged(join(out, 'manifest.json'), JSON.stringify(manifestFor(family), null, 2) + '\n');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node extension/build.mjs OUT_DIR');
    process.exit(2);
  }
  build(resolve(out));
  console.log(`extension built in ${resolve(out)}/{${FAMILIES.join(',')}}`);
}
