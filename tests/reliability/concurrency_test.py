#!/usr/bin/env python3
"""Many at once: several linksnap-host processes (as with several browser windows) and the
CLI save, tag, untag, delete and search the same store for a bounded time. No
`database is locked` (or any database error) may reach a user, no update may be lost, and
the counts must add up at the end.

  tests/reliability/concurrency_test.py [--build DIR] [--hosts N] [--seconds S]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostlib import Host, cli  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def worker(index, host_bin, home, deadline, results):
    rng = random.Random(index)
    host = Host(host_bin, home)
    kept, deleted, errors, ops = set(), set(), [], 0
    n = 0
    while time.monotonic() < deadline:
        n += 1
        url = f"https://w{index}.example/page/{n}"
        html = f"<title>工作者 {index} 页 {n}</title><p>并发 concurrency 测试 w{index}x{n}</p>"
        r = host.call("save", {"url": url, "html": html, "tags": [f"w{index}", "common"]})
        ops += 1
        if not r or not r["ok"]:
            errors.append(r)
            continue
        link = r["result"]["link"]["id"]
        kept.add(link)
        for cmd, args in [("tag", {"id": link, "tags": ["extra"]}),
                          ("untag", {"id": link, "tags": ["extra"]}),
                          ("search", {"query": f'"w{index}x{n}"'}),
                          ("list", {"tags": ["common"], "limit": 5})]:
            r = host.call(cmd, args)
            ops += 1
            if not r or not r["ok"]:
                errors.append(r)
            elif cmd == "search" and [x["id"] for x in r["result"]["results"]] != [link]:
                errors.append({"lost search": link, "got": r["result"]})
        if rng.random() < 0.2:
            r = host.call("rm", {"id": link})
            ops += 1
            if r and r["ok"]:
                kept.discard(link)
                deleted.add(link)
            else:
                errors.append(r)
    host.close()
    results[index] = (kept, deleted, errors, ops)


def cli_worker(cli_bin, home, deadline, results):
    errors, ops = [], 0
    while time.monotonic() < deadline:
        for args in (["search", "并发"], ["list", "--tag", "common", "--limit", "3"], ["tags"]):
            rc, out, err = cli(cli_bin, home, *args)
            ops += 1
            if rc != 0:
                errors.append(err)
    results["cli"] = (set(), set(), errors, ops)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--hosts", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=60)
    a = ap.parse_args()
    host_bin = os.path.join(a.build, "native-host", "linksnap-host")
    cli_bin = os.path.join(a.build, "native-host", "linksnap")
    home = tempfile.mkdtemp(prefix="linksnap-conc-")
    try:
        deadline = time.monotonic() + a.seconds
        results = {}
        threads = [threading.Thread(target=worker, args=(i, host_bin, home, deadline, results))
                   for i in range(a.hosts)]
        threads.append(threading.Thread(target=cli_worker, args=(cli_bin, home, deadline, results)))
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        kept = set().union(*(r[0] for r in results.values()))
        errors = [e for r in results.values() for e in r[2]]
        ops = sum(r[3] for r in results.values())
        rc, listed, err = cli(cli_bin, home, "list", "--limit", "10000")
        rc, tags, err = cli(cli_bin, home, "tags")
        counts = {t["name"]: t["links"] for t in tags["tags"]}
        listed_ids = {link["id"] for link in listed["links"]}
        rc, report, err = cli(cli_bin, home, "check")
        print(f"{a.hosts} hosts + 1 CLI for {a.seconds:.0f} s: {ops} operations, {len(errors)} errors; "
              f"links kept {len(kept)}, listed {len(listed_ids)}, tag 'common' on {counts.get('common', 0)}; "
              f"check: {len(report['problems'])} problems")
        ok = (not errors and listed_ids == kept and counts.get("common", 0) == len(kept)
              and all(counts.get(f"w{i}", 0) == len(results[i][0]) for i in range(a.hosts))
              and "extra" not in counts and not report["problems"])
        if not ok:
            print("FAILED:", errors[:5], sorted(kept ^ listed_ids)[:10], counts)
            sys.exit(1)
        print("concurrency test passed")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
