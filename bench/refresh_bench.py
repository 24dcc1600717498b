#!/usr/bin/env python3
"""Refresh: what `linksnap refresh` adds to the store and how fast it goes. N pages of one
loopback site (linksnap-test-server, 20 ms latency per request) are saved with
`import --snapshot`; then N unchanged pages are refreshed, then N pages whose text changed by
one sentence. Prints the bytes the store grew by in each case (stored files and the database,
after a WAL checkpoint) and the refresh rate in links per second.

  bench/refresh_bench.py [--build build] [--pages 100] [--jobs 4] [--latency-ms 20]
"""
import argparse
import json
import os
import random
import shutil
import sqlite3
import subprocess
import tempfile

from import_bench import run_output

WORDS = ('chrony ntp time server clock offset network tls key exchange stratum drift '
         'accuracy hardware timestamp kernel').split()


def page_html(i, sentence):
    rng = random.Random(i)
    paragraphs = ''.join('<p>' + ' '.join(rng.choice(WORDS) for _ in range(60)) + '</p>\n' for _ in range(6))
    return (f'<!doctype html><html><head><meta charset=utf-8><title>Page {i}</title>'
            f'<link rel=stylesheet href=s.css></head><body><h1>Page {i}</h1>\n{paragraphs}'
            f'<p>{sentence}</p><img src=shared.png><img src=img/p{i}.png></body></html>\n')


def bookmark_file(urls, path):
    with open(path, 'w') as f:
        f.write('<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n')
        for url in urls:
            f.write(f'<DT><A HREF="{url}">{url}</A>\n')
        f.write('</DL><p>\n')


def store_bytes(home):
    """Stored files and the database, after folding the WAL into it (a fair size)."""
    db = os.path.join(home, 'linksnap.db')
    con = sqlite3.connect(db)
    con.execute('PRAGMA wal_checkpoint(TRUNCATE)')
    con.close()
    blobs = 0
    for root, _, files in os.walk(os.path.join(home, 'blobs')):
        blobs += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    size = os.path.getsize(db) + (os.path.getsize(db + '-wal') if os.path.exists(db + '-wal') else 0)
    return blobs, size


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--build', default='build')
    ap.add_argument('--pages', type=int, default=100)
    ap.add_argument('--jobs', type=int, default=4)
    ap.add_argument('--latency-ms', type=int, default=20)
    a = ap.parse_args()
    binary = os.path.join(a.build, 'native-host', 'linksnap')
    tmp = tempfile.mkdtemp(prefix='linksnap-refresh-bench-')
    server = None
    try:
        site = os.path.join(tmp, 'site')
        os.makedirs(os.path.join(site, 'img'))
        rng = random.Random(7)
        with open(os.path.join(site, 's.css'), 'w') as f:
            f.write('body { font: 16px/1.5 serif } p { color: #333 }\n')
        with open(os.path.join(site, 'shared.png'), 'wb') as f:
            f.write(b'\x89PNG\r\n\x1a\n' + rng.randbytes(30000))
        n = a.pages
        for i in range(2 * n):
            with open(os.path.join(site, f'p{i}.html'), 'w') as f:
                f.write(page_html(i, 'The first version of this page.'))
            with open(os.path.join(site, 'img', f'p{i}.png'), 'wb') as f:
                f.write(b'\x89PNG\r\n\x1a\n' + rng.randbytes(8000))
        server = subprocess.Popen([os.path.join(a.build, 'tests', 'linksnap-test-server'), '--root', site,
                                   '--latency-ms', str(a.latency_ms)], stdout=subprocess.PIPE, text=True)
        line = server.stdout.readline().strip()
        base = line[line.index('http'):]
        home = os.path.join(tmp, 'home')
        marks = os.path.join(tmp, 'pages.html')
        bookmark_file([f'{base}/p{i}.html' for i in range(2 * n)], marks)
        t, _ = run_output(binary, home, 'import', marks, '--snapshot', '--jobs', str(a.jobs))
        _, listed = run_output(binary, home, 'list', '--limit', '10000', '--json')
        ids = {link['url'].rsplit('/', 1)[1]: link['id'] for link in json.loads(listed)['links']}
        unchanged_ids = [str(ids[f'p{i}.html']) for i in range(n)]
        changed_ids = [str(ids[f'p{i}.html']) for i in range(n, 2 * n)]
        blobs0, db0 = store_bytes(home)
        print(f'store after saving {2 * n} pages ({a.latency_ms} ms latency, --jobs {a.jobs}): '
              f'{blobs0 / 2**20:.2f} MiB of files, {db0 / 2**20:.2f} MiB database ({t:.1f} s)')

        t, out = run_output(binary, home, 'refresh', *unchanged_ids, '--jobs', str(a.jobs), '--json')
        r = json.loads(out)
        assert r['unchanged'] == n and not r['failed'], out[:2000]
        blobs1, db1 = store_bytes(home)
        print(f'refresh {n} unchanged pages: {t:.2f} s, {n / t:.1f} links/s; the store grew by '
              f'{blobs1 - blobs0} bytes of files and {db1 - db0} bytes of database '
              f'({(blobs1 - blobs0 + db1 - db0) / n:.0f} bytes per link)')

        for i in range(n, 2 * n):
            with open(os.path.join(site, f'p{i}.html'), 'w') as f:
                f.write(page_html(i, 'The second version of this page, one sentence longer. 新的一句。'))
        t, out = run_output(binary, home, 'refresh', *changed_ids, '--jobs', str(a.jobs), '--json')
        r = json.loads(out)
        assert r['changed'] == n and not r['failed'], out[:2000]
        blobs2, db2 = store_bytes(home)
        html = os.path.getsize(os.path.join(site, f'p{n}.html'))
        print(f'refresh {n} slightly changed pages: {t:.2f} s, {n / t:.1f} links/s; the store grew by '
              f'{blobs2 - blobs1} bytes of files and {db2 - db1} bytes of database '
              f'({(blobs2 - blobs1 + db2 - db1) / n:.0f} bytes per link; a page is {html} bytes of HTML, '
              f'its two images {30008 + 8008} bytes, stored once)')
    finally:
        if server:
            server.terminate()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
