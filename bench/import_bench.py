#!/usr/bin/env python3
"""Import and export speed: `linksnap import` of a generated bookmark file (N links in nested
folders with tags), then `linksnap import --snapshot` of M links on a loopback site served by
linksnap-test-server, then `linksnap export --bookmarks` and `--json` of the store.

  bench/import_bench.py [--build build] [--links 100000] [--snapshot-links 200] [--jobs 4]
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time


def bookmark_file(urls, path):
    with open(path, 'w') as f:
        f.write('<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<META HTTP-EQUIV="Content-Type" '
                'CONTENT="text/html; charset=UTF-8">\n<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n'
                '<DL><p>\n<DT><H3 PERSONAL_TOOLBAR_FOLDER="true">Bookmarks bar</H3>\n<DL><p>\n')
        per_folder = 500
        for start in range(0, len(urls), per_folder):
            folder = start // per_folder
            f.write(f'<DT><H3>area{folder % 20}</H3>\n<DL><p>\n<DT><H3>topic{folder}</H3>\n<DL><p>\n')
            for i, url in enumerate(urls[start:start + per_folder], start):
                f.write(f'<DT><A HREF="{url}" ADD_DATE="{1600000000 + i}" TAGS="t{i % 50},u{i % 7}">'
                        f'Page {i} about topic {folder}</A>\n<DD>note {i}\n')
            f.write('</DL><p>\n</DL><p>\n')
        f.write('</DL><p>\n</DL><p>\n')


def run_output(cli, home, *args):
    """Runs linksnap on the store in home: (seconds it took, what it printed); exits on failure."""
    start = time.monotonic()
    r = subprocess.run([cli, '--home', home, *args], capture_output=True, text=True)
    elapsed = time.monotonic() - start
    if r.returncode != 0:
        raise SystemExit(f'{" ".join(args)} failed: {r.stderr}')
    return elapsed, r.stdout


def run(cli, home, *args):
    return run_output(cli, home, *args)[0]


def start_server(build, root):
    proc = subprocess.Popen([os.path.join(build, 'tests', 'linksnap-test-server'), '--root', root],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    return proc, line[line.index('http'):] if 'http' in line else line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--links', type=int, default=100000)
    ap.add_argument('--snapshot-links', type=int, default=200)
    ap.add_argument('--export-links', type=int, default=10000)
    ap.add_argument('--jobs', type=int, default=4)
    a = ap.parse_args()
    cli = os.path.join(a.build, 'native-host', 'linksnap')
    tmp = tempfile.mkdtemp(prefix='linksnap-import-bench-')
    try:
        big = os.path.join(tmp, 'big.html')
        bookmark_file([f'https://site{i % 997}.example/path/{i}?q={i}' for i in range(a.links)], big)
        home = os.path.join(tmp, 'home-big')
        t = run(cli, home, 'import', big)
        print(f'import {a.links} links: {t:.2f} s, {a.links / t:.0f} links/s '
              f'(file {os.path.getsize(big) / 2**20:.1f} MiB)')
        t = run(cli, home, 'import', big)
        print(f'import the same file again (all already saved): {t:.2f} s, {a.links / t:.0f} links/s')

        home = os.path.join(tmp, 'home-export')
        ten = os.path.join(tmp, 'ten.html')
        bookmark_file([f'https://site{i % 97}.example/p/{i}' for i in range(a.export_links)], ten)
        run(cli, home, 'import', ten)
        t = run(cli, home, 'export', '--bookmarks', os.path.join(tmp, 'out.html'))
        print(f'export --bookmarks {a.export_links} links: {t:.2f} s, {a.export_links / t:.0f} links/s')
        t = run(cli, home, 'export', '--json', os.path.join(tmp, 'out.json'))
        print(f'export --json {a.export_links} links: {t:.2f} s, {a.export_links / t:.0f} links/s')

        site = os.path.join(tmp, 'site')
        os.makedirs(site)
        for i in range(a.snapshot_links):
            with open(os.path.join(site, f'p{i}.html'), 'w') as f:
                f.write(f'<!doctype html><title>Page {i}</title><link rel=stylesheet href=s.css>'
                        f'<p>Text of page {i}.<img src=i.png></p>')
        with open(os.path.join(site, 's.css'), 'w') as f:
            f.write('p { color: #333 }')
        shutil.copy(os.path.join(os.path.dirname(__file__), '..', 'tests', 'fixtures', 'chrony',
                                 'clock.png'), os.path.join(site, 'i.png'))
        server, base = start_server(a.build, site)
        try:
            small = os.path.join(tmp, 'site.html')
            bookmark_file([f'{base}/p{i}.html' for i in range(a.snapshot_links)], small)
            home = os.path.join(tmp, 'home-snap')
            t = run(cli, home, 'import', small, '--snapshot', '--jobs', str(a.jobs))
            print(f'import --snapshot --jobs {a.jobs} {a.snapshot_links} links (one loopback host, '
                  f'2 at a time): {t:.2f} s, {a.snapshot_links / t:.1f} links/s')
        finally:
            server.terminate()
            server.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
