#!/usr/bin/env python3
"""Time from `linksnap add` to searchable for links that are not plain HTML (issue 10).

For each case, in a fresh store: start `linksnap add URL`, and when it exits run
`linksnap search WORD --json`; the figure is the wall time from the start of `add` to the
end of the search that finds the link (one word only the case's content has):

  render   tests/fixtures/files/script-written.html with --render (headless chromium); the
           word is written by script after load
  auto     tests/fixtures/files/fetch-later.html with the default --render=auto; the word
           arrives by fetch() 300 ms after load
  pdf      tests/fixtures/files/report.pdf (served as application/octet-stream); a Chinese
           word on its second page

Pages are served by linksnap-test-server on loopback. Medians of --runs runs (default 5).

Usage: bench/any_link_bench.py [--build DIR] [--runs N]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CASES = [
    ('render', 'script-written.html', ['--render'], 'zeppelin'),
    ('auto', 'fetch-later.html', [], 'astrolabe'),
    ('pdf', 'report.pdf', [], '光谱仪'),
]


def start_server(build):
    proc = subprocess.Popen([os.path.join(build, 'tests', 'linksnap-test-server'), '--root',
                             os.path.join(REPO, 'tests', 'fixtures', 'files')], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith('listening on '):
        sys.exit('test server did not start: ' + line)
    return proc, line[len('listening on '):]


def one_run(build, base, page, flags, word):
    home = tempfile.mkdtemp(prefix='linksnap-anylink-bench-')
    cli = os.path.join(build, 'native-host', 'linksnap')
    try:
        start = time.monotonic()
        add = subprocess.run([cli, '--home', home, '--json', 'add', *flags, base + '/' + page],
                             capture_output=True, text=True)
        added = time.monotonic()
        if add.returncode != 0:
            sys.exit(f'add {page} failed: {add.stderr.strip()}')
        search = subprocess.run([cli, '--home', home, '--json', 'search', word], capture_output=True, text=True)
        done = time.monotonic()
        found = len(json.loads(search.stdout)['results'])
        if found != 1:
            sys.exit(f'search {word} after adding {page} found {found} links, not 1')
        source = json.loads(add.stdout)['snapshot']['source']
        return added - start, done - start, source
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build', default=os.path.join(REPO, 'build'))
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    server, base = start_server(args.build)
    try:
        print(f'{"case":<8} {"source":<7} {"add (s)":>8} {"add→searchable (s)":>19}  runs={args.runs}')
        for name, page, flags, word in CASES:
            runs = [one_run(args.build, base, page, flags, word) for _ in range(args.runs)]
            print(f'{name:<8} {runs[0][2]:<7} {statistics.median(r[0] for r in runs):>8.3f} '
                  f'{statistics.median(r[1] for r in runs):>19.3f}')
    finally:
        server.terminate()
        server.wait()


if __name__ == '__main__':
    main()
