#!/usr/bin/env python3
"""LinkSnap's snapshot engine against `wget --page-requisites --convert-links --span-hosts
-e robots=off`, side by side on the same generated pages served by linksnap-test-server with
20 ms latency per request. Prints medians and LinkSnap/wget ratios for: wall time to snapshot
one page with ~60 assets, bytes on disk after snapshotting 20 pages sharing most of their assets
(one snapshot folder per page for wget, as a user archiving 20 pages would get), peak memory
(max RSS), and the fraction of each page's resources saved, with the kinds wget misses.
LinkSnap's figures include what wget does not do: fsync of every stored file and the SQLite
transaction (links, resources, search index).

usage: bench/snapshot_bench.py [--build DIR] [--runs 5] [--latency-ms 20]
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
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))


def run_measured(cmd, env=None):
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.execvpe(cmd[0], cmd, env or os.environ)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 8):
        sys.exit(f'{" ".join(cmd)} exited {code}')
    return elapsed, usage.ru_maxrss


def tree_bytes(path):
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(root, f))
    return total


def start_server(build, root, latency):
    proc = subprocess.Popen([os.path.join(build, 'tests', 'linksnap-test-server'), '--root', root,
                             '--latency-ms', str(latency)], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith('listening on '):
        sys.exit('test server did not start: ' + line)
    return proc, line[len('listening on '):]


def linksnap_cmd(build, home, *args):
    return [os.path.join(build, 'native-host', 'linksnap'), '--home', home, *args]


def wget_cmd(dest, url):
    return ['wget', '--quiet', '--page-requisites', '--convert-links', '--span-hosts', '-e', 'robots=off',
            '--tries=1', '--timeout=30', '-P', dest, url]


def saved_by_linksnap(build, home, link_id, base):
    out = subprocess.run(linksnap_cmd(build, home, '--json', 'show', str(link_id)), capture_output=True,
                         check=True).stdout
    saved = set()
    for r in json.loads(out)['resources']:
        if r['saved']:
            saved.add(urllib.parse.unquote(r['url'][len(base) + 1:]))
    return saved


def saved_by_wget(dest, base):
    host = urllib.parse.urlparse(base).netloc
    root = os.path.join(dest, host)
    saved = set()
    for dirpath, _, files in os.walk(root):
        for f in files:
            saved.add(os.path.relpath(os.path.join(dirpath, f), root))
    return saved


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--build', default=os.path.join(HERE, '..', 'build'))
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--latency-ms', type=int, default=20)
    ap.add_argument('--pages', type=int, default=20)
    args = ap.parse_args()
    build = os.path.abspath(args.build)
    work = tempfile.mkdtemp(prefix='linksnap-bench-')
    site = os.path.join(work, 'site')
    subprocess.run([sys.executable, os.path.join(HERE, 'gen_site.py'), site, '--pages', str(args.pages)], check=True)
    manifest = json.load(open(os.path.join(site, 'manifest.json')))
    server, base = start_server(build, site, args.latency_ms)
    page0 = 'pages/p0.html'
    url0 = f'{base}/{page0}'
    results = {'linksnap': {'time': [], 'rss': [], 'bytes': [], 'rss20': []},
               'wget': {'time': [], 'rss': [], 'bytes': [], 'rss20': []}}
    try:
        # 1. One page, ~60 assets: alternate the tools so neither always runs on a warm server.
        for i in range(args.runs):
            home = os.path.join(work, f'ls-one-{i}')
            # The store exists before the timed run (a user's store does; creating it costs
            # ~50 ms of SQLite schema work that is not snapshotting).
            run_measured(linksnap_cmd(build, home, 'list'))
            t, rss = run_measured(linksnap_cmd(build, home, 'add', url0))
            results['linksnap']['time'].append(t)
            results['linksnap']['rss'].append(rss)
            dest = os.path.join(work, f'wget-one-{i}')
            t, rss = run_measured(wget_cmd(dest, url0))
            results['wget']['time'].append(t)
            results['wget']['rss'].append(rss)
        # Resources saved, per kind (from the first run of each).
        wanted = manifest[page0]
        ls_saved = saved_by_linksnap(build, os.path.join(work, 'ls-one-0'), 1, base)
        wg_saved = saved_by_wget(os.path.join(work, 'wget-one-0'), base)
        # 2. Twenty pages sharing most assets: bytes on disk (3 repetitions, median).
        for rep in range(3):
            home = os.path.join(work, f'ls-20-{rep}')
            for page in manifest:
                _, rss = run_measured(linksnap_cmd(build, home, 'add', f'{base}/{page}'))
                results['linksnap']['rss20'].append(rss)
            results['linksnap']['bytes'].append(tree_bytes(home))
            dest_root = os.path.join(work, f'wget-20-{rep}')
            for n, page in enumerate(manifest):
                _, rss = run_measured(wget_cmd(os.path.join(dest_root, f'p{n}'), f'{base}/{page}'))
                results['wget']['rss20'].append(rss)
            results['wget']['bytes'].append(tree_bytes(dest_root))
    finally:
        server.terminate()
        server.wait()

    def med(tool, key):
        return statistics.median(results[tool][key])

    kinds = {}
    for r in wanted:
        k = kinds.setdefault(r['kind'], [0, 0, 0])
        k[0] += 1
        k[1] += r['path'] in ls_saved
        k[2] += r['path'] in wg_saved
    paths = {r['path'] for r in wanted}
    ls_frac = len(paths & ls_saved) / len(paths)
    wg_frac = len(paths & wg_saved) / len(paths)
    rows = [
        ('wall time, 1 page with %d assets (s)' % len(paths), med('linksnap', 'time'), med('wget', 'time')),
        ('bytes on disk, %d pages (MB)' % len(manifest), med('linksnap', 'bytes') / 1e6, med('wget', 'bytes') / 1e6),
        ('peak memory, 1-page run (MB RSS)', med('linksnap', 'rss') / 1024, med('wget', 'rss') / 1024),
        ('fraction of resources saved', ls_frac, wg_frac),
    ]
    print(f'\nLinkSnap snapshot engine vs wget {subprocess.run(["wget", "--version"], capture_output=True, text=True).stdout.split()[2]}'
          f' — {args.latency_ms} ms latency per request, medians of {args.runs} runs (bytes: of 3)\n')
    print(f'{"measure":<42} {"LinkSnap":>10} {"wget":>10} {"LinkSnap/wget":>14}')
    for name, a, b in rows:
        print(f'{name:<42} {a:>10.3f} {b:>10.3f} {a / b if b else float("nan"):>14.2f}')
    print('\nresource kinds (saved / present on the page):')
    print(f'{"kind":<26} {"LinkSnap":>9} {"wget":>6}')
    for kind, (total, ls, wg) in sorted(kinds.items()):
        flag = '' if wg == total else '   <- wget misses'
        print(f'{kind:<26} {ls:>4}/{total:<4} {wg:>2}/{total:<3}{flag}')
    shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
