#!/usr/bin/env python3
"""Export speed for N links: `linksnap export --bookmarks`, `--json`, `--warc` and `--wacz` of a
store whose links each have one snapshot (a page with a stylesheet and an image, the stylesheet
and image shared by every page, so the WARC has N page responses and 2N revisits). The store is
built as bench/import_bench.py builds its snapshot store: a bookmark file of pages on a loopback
site (linksnap-test-server), imported with --snapshot.

  bench/export_bench.py [--build build] [--links 10000] [--jobs 4]
"""
import argparse
import os
import shutil
import tempfile

from import_bench import bookmark_file, run, start_server


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default='build')
    ap.add_argument('--links', type=int, default=10000)
    ap.add_argument('--jobs', type=int, default=4)
    a = ap.parse_args()
    cli = os.path.join(a.build, 'native-host', 'linksnap')
    tmp = tempfile.mkdtemp(prefix='linksnap-export-bench-')
    try:
        site = os.path.join(tmp, 'site')
        os.makedirs(site)
        for i in range(a.links):
            with open(os.path.join(site, f'p{i}.html'), 'w') as f:
                f.write(f'<!doctype html><title>Page {i}</title><link rel=stylesheet href=s.css>'
                        f'<p>Text of page {i}, with some words to index: {"lorem ipsum " * 40}'
                        f'<img src=i.png></p>')
        with open(os.path.join(site, 's.css'), 'w') as f:
            f.write('p { color: #333 } img { width: 32px }')
        shutil.copy(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'fixtures',
                                 'chrony', 'clock.png'), os.path.join(site, 'i.png'))
        home = os.path.join(tmp, 'home')
        server, base = start_server(a.build, site)
        try:
            marks = os.path.join(tmp, 'site.html')
            bookmark_file([f'{base}/p{i}.html' for i in range(a.links)], marks)
            t = run(cli, home, 'import', marks, '--snapshot', '--jobs', str(a.jobs))
            print(f'store: {a.links} links snapshotted in {t:.1f} s')
        finally:
            server.terminate()
            server.wait()
        for flag, name in (('--bookmarks', 'out.html'), ('--json', 'out.json'),
                           ('--warc', 'out.warc.gz'), ('--wacz', 'out.wacz')):
            out = os.path.join(tmp, name)
            t = run(cli, home, 'export', flag, out)
            print(f'export {flag} {a.links} links: {t:.2f} s, {a.links / t:.0f} links/s, '
                  f'{os.path.getsize(out) / 2**20:.1f} MiB')
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
