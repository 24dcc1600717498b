#!/usr/bin/env python3
"""Generates the benchmark site: PAGES pages that share most of their ~60 assets, covering
every resource kind the snapshot engine handles. Writes OUT/manifest.json listing, per page,
each resource's path and kind (what "fraction saved" is measured against).

usage: gen_site.py OUT [--pages 20] [--seed 1]
"""
import argparse
import json
import os
import random
import struct
import zlib


def png_bytes(rng, size):
    # A real PNG header and IHDR, then an incompressible private chunk to reach `size`.
    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b''.join(b'\x00' + bytes(rng.randrange(256) for _ in range(12)) for _ in range(4))
    body = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 4, 4, 8, 2, 0, 0, 0))
    body += chunk(b'prVt', rng.randbytes(max(0, size - 100)))
    return body + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b'')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('out')
    ap.add_argument('--pages', type=int, default=20)
    ap.add_argument('--seed', type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = {}

    def asset(path, size=None, data=None):
        if path not in files:
            files[path] = data if data is not None else png_bytes(rng, size or rng.randrange(4000, 40000))
        return path

    # Shared stylesheets: an @import chain, url(), image-set(), @font-face, cursor.
    for p in ['img/bg.png', 'img/pattern.png', 'img/hero-1x.png', 'img/hero-2x.png', 'img/cursor.png',
              'img/style-bg.png', 'img/inline.png', 'favicon.png', 'apple-touch-icon.png', 'media/poster.png',
              'btn.png', 'frame/frame-img.png', 'frame/frame-bg.png']:
        asset(p)
    for p in ['fonts/body.woff2', 'fonts/body.woff', 'fonts/head.woff2']:
        asset(p, data=b'wOF2' + rng.randbytes(rng.randrange(20000, 60000)))
    asset('media/clip.webm', data=b'\x1a\x45\xdf\xa3' + rng.randbytes(80000))
    asset('media/subs.vtt', data=b'WEBVTT\n\n00:00.000 --> 00:02.000\nhello\n')
    asset('media/obj.svg', data=b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>')
    files['css/base.css'] = (b'@font-face{font-family:Head;src:url(../fonts/head.woff2) format("woff2")}\n'
                             b'.pattern{background:url(../img/pattern.png)}\n' + b'.x{color:#123}\n' * 200)
    files['css/main.css'] = (b'@import "base.css";\n'
                             b'@font-face{font-family:Body;src:url("../fonts/body.woff2") format("woff2"),url(../fonts/body.woff) format("woff")}\n'
                             b'body{font-family:Body;background:url(../img/bg.png)}\n'
                             b'.hero{background-image:image-set("../img/hero-1x.png" 1x,"../img/hero-2x.png" 2x)}\n'
                             b'.c{cursor:url(../img/cursor.png),auto}\n' + b'.y{margin:0 auto}\n' * 300)
    files['frame/frame.css'] = b'body{background:url(frame-bg.png)}\n'
    files['frame/frame.html'] = (b'<!DOCTYPE html><html><head><link rel="stylesheet" href="frame.css"></head>'
                                 b'<body><img src="frame-img.png"></body></html>')
    shared_imgs = [asset(f'img/shared-{i}.png') for i in range(16)]
    shared_2x = [asset(f'img/shared-{i}@2x.png') for i in range(16)]
    for n in ['a.webp', 'a-2x.webp']:
        asset('img/' + n, data=b'RIFF\x00\x00\x00\x00WEBP' + rng.randbytes(rng.randrange(5000, 20000)))
    asset('img/a.png')

    manifest = {}
    for page in range(args.pages):
        own = [asset(f'img/page{page}-{i}.png') for i in range(2)]  # not shared
        res = [('css/main.css', 'link-stylesheet'), ('css/base.css', 'css-@import'),
               ('img/bg.png', 'css-url'), ('img/pattern.png', 'css-url-in-import'),
               ('img/hero-1x.png', 'css-image-set'), ('img/hero-2x.png', 'css-image-set'),
               ('img/cursor.png', 'css-url'), ('fonts/body.woff2', 'font-face'), ('fonts/body.woff', 'font-face'),
               ('fonts/head.woff2', 'font-face-in-import'), ('img/style-bg.png', 'style-element-url'),
               ('img/inline.png', 'style-attribute-url'), ('favicon.png', 'link-icon'),
               ('apple-touch-icon.png', 'link-apple-touch-icon'), ('media/poster.png', 'video-poster'),
               ('media/clip.webm', 'video-src'), ('media/subs.vtt', 'track'), ('btn.png', 'input-image'),
               ('media/obj.svg', 'object-data'), ('frame/frame.html', 'iframe'), ('frame/frame.css', 'iframe-stylesheet'),
               ('frame/frame-img.png', 'iframe-img'), ('frame/frame-bg.png', 'iframe-css-url'),
               ('img/a.webp', 'picture-source-srcset'), ('img/a-2x.webp', 'picture-source-srcset'),
               ('img/a.png', 'img-src'), ('fonts/body.woff2', 'link-preload')]
        imgs = []
        for i in range(16):
            imgs.append(f'<img src="../{shared_imgs[i]}" srcset="../{shared_imgs[i]} 1x, ../{shared_2x[i]} 2x" alt="">')
            res += [(shared_imgs[i], 'img-src'), (shared_2x[i], 'img-srcset')]
        for o in own:
            imgs.append(f'<img src="../{o}" alt="">')
            res.append((o, 'img-src'))
        html = f'''<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Benchmark page {page}</title>
<link rel="stylesheet" href="../css/main.css">
<link rel="icon" href="../favicon.png"><link rel="apple-touch-icon" href="../apple-touch-icon.png">
<link rel="preload" href="../fonts/body.woff2" as="font" crossorigin>
<style>.s{{background:url(../img/style-bg.png)}}</style>
<script src="../app.js"></script>
</head><body class="hero">
<h1 class="s">Page {page}</h1>
<div style="background-image:url('../img/inline.png')">inline</div>
{chr(10).join(imgs)}
<picture><source srcset="../img/a.webp 1x, ../img/a-2x.webp 2x" type="image/webp"><img src="../img/a.png" alt=""></picture>
<video poster="../media/poster.png" src="../media/clip.webm"><track src="../media/subs.vtt" kind="subtitles"></video>
<input type="image" src="../btn.png" alt="go"><object data="../media/obj.svg" type="image/svg+xml"></object>
<iframe src="../frame/frame.html"></iframe>
<p>{"Lorem ipsum dolor sit amet. " * 40}</p>
</body></html>
'''
        files[f'pages/p{page}.html'] = html.encode()
        seen, unique = set(), []
        for path, kind in res:
            if (path, kind) not in seen:
                seen.add((path, kind))
                unique.append({'path': path, 'kind': kind})
        manifest[f'pages/p{page}.html'] = unique
    files['app.js'] = b'document.title = "script ran";\n'
    for path, data in files.items():
        full = os.path.join(args.out, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, 'wb') as f:
            f.write(data)
    with open(os.path.join(args.out, 'manifest.json'), 'w') as f:
        json.dump(manifest, f, indent=1)


if __name__ == '__main__':
    main()
