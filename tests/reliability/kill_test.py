#!/usr/bin/env python3
"""Kill at any point: saves (DOM saves and URL adds with assets) run in linksnap-host and the
linksnap CLI, which are killed with SIGKILL at random moments, many times. Afterwards
`linksnap check` must find no damage (leftovers are allowed and --repair removes them), and
every save that reported success must still be there with its snapshot.

  tests/reliability/kill_test.py [--build DIR] [--kills N] [--seed S]
Prints the figures for docs/reliability.md; exits non-zero on any lost save or damage.
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostlib import Host, TestServer, cli  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--kills", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    host_bin = os.path.join(a.build, "native-host", "linksnap-host")
    cli_bin = os.path.join(a.build, "native-host", "linksnap")
    server = TestServer(os.path.join(a.build, "tests", "linksnap-test-server"),
                        os.path.join(REPO, "tests", "fixtures"), latency_ms=3)
    home = tempfile.mkdtemp(prefix="linksnap-kill-")
    html = open(os.path.join(REPO, "tests", "fixtures", "chrony", "chrony-nts.html"), encoding="utf-8").read()
    pages = [server.base_url + "/chrony/chrony-nts.html"]
    for root, _, files in os.walk(os.path.join(REPO, "tests", "fixtures", "capture")):
        for f in files:
            if f == "index.html":
                rel = os.path.relpath(os.path.join(root, f), os.path.join(REPO, "tests", "fixtures"))
                pages.append(server.base_url + "/" + rel)
    confirmed = {}  # snapshot id -> link id, for every save that reported success
    started = time.monotonic()
    kills = {"host": 0, "cli": 0}
    try:
        for i in range(a.kills):
            if rng.random() < 0.7:
                host = Host(host_bin, home)
                ids = []
                for j in range(rng.randint(1, 4)):
                    if rng.random() < 0.5:
                        ids.append(host.send("add", {"url": rng.choice(pages), "tags": [f"k/{i % 7}"]}))
                    else:
                        url = f"{server.base_url}/chrony/chrony-nts.html?copy={i}-{j}"
                        ids.append(host.send("save", {"url": url, "html": html, "tags": ["dom"]}))
                time.sleep(rng.uniform(0, 0.25))
                host.proc.send_signal(signal.SIGKILL)
                host.proc.wait()
                host.reader.join(timeout=5)
                kills["host"] += 1
                for rid in ids:
                    r = host.replies.get(rid)
                    if r and r["ok"]:
                        confirmed[r["result"]["snapshot"]["id"]] = r["result"]["link"]["id"]
            else:
                p = subprocess.Popen([cli_bin, "add", rng.choice(pages), "--json"], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=dict(os.environ, LINKSNAP_HOME=home))
                time.sleep(rng.uniform(0, 0.25))
                p.send_signal(signal.SIGKILL)
                out, _ = p.communicate()
                kills["cli"] += 1
                if p.returncode == 0 and out:
                    import json
                    r = json.loads(out)
                    confirmed[r["snapshot"]["id"]] = r["link"]["id"]
        elapsed = time.monotonic() - started
        rc, report, err = cli(cli_bin, home, "check", "--verify-hashes")
        if rc != 0 or report is None:
            sys.exit(f"linksnap check failed: {err}")
        leftovers = len(report["leftovers"])
        rc, repaired, err = cli(cli_bin, home, "check", "--repair")
        rc, after, err = cli(cli_bin, home, "check", "--verify-hashes")
        lost = []
        for snap_id, link_id in confirmed.items():
            rc, shown, err = cli(cli_bin, home, "show", str(link_id))
            if rc != 0 or snap_id not in [s["id"] for s in shown["snapshots"]]:
                lost.append(snap_id)
        print(f"kills: {kills['host']} linksnap-host + {kills['cli']} linksnap in {elapsed:.0f} s; "
              f"saves reported successful: {len(confirmed)}; lost: {len(lost)}")
        print(f"check: {len(report['problems'])} problems, {leftovers} leftovers "
              f"({len(repaired['repaired'])} repaired); after repair: {len(after['problems'])} problems, "
              f"{len(after['leftovers'])} leftovers; store: {after['counts']}")
        if report["problems"] or after["problems"] or after["leftovers"] or lost:
            print("FAILED:", report["problems"][:5], after["leftovers"][:5], lost[:5])
            sys.exit(1)
        print("kill test passed")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
