#!/usr/bin/env python3
"""LinkSnap at a lifetime's scale: a store of 100,000 links, measured as the popup and the
manager use it (one persistent linksnap-host connection), plus whole-process start-up.

The store is built through the project's own bulk path, the host's `save` over one
connection, from a seeded text model: a second-order Markov chain over the tokens (CJK
characters, Latin words, punctuation) of the real Chinese/English tutorial page in
tests/fixtures/chrony/, so character and word frequencies are those of real text. Pages vary
in length (log-normal, 300 B to 40 KB of text); tags form a hierarchy, and one tag
(`bulk/ten-thousand`) is on exactly 10,000 links.

Prints, as p50 / p99 over many queries:
  - search latency per query class (Latin word, Latin prefix, 1-/2-/3-/4-character CJK,
    phrase, with a tag filter, no match);
  - index size against the indexed text, store size against the pages;
  - list of a tag with 10,000 links, first page of list, tags with counts, renaming a tag on
    10,000 links, deleting 1,000 links;
  - the host's peak RSS (VmHWM);
  - whole-process `linksnap-host` ping and `linksnap search`, against a C program that does
    nothing (and `perf stat` figures when perf works here).
Goals (issue 13) are printed next to each figure.

Usage: bench/scale_bench.py [--build DIR] [--links N] [--queries N] [--home DIR] [--seed S]
A store built once is reused from --home (default bench/out/scale-<links>-<seed>).
"""
import argparse
import collections
import html
import json
import math
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "reliability"))
from hostlib import frame, read_frames  # noqa: E402  (the protocol's framing, shared)

ORIGIN = "chrome-extension://nomplfecdkeacbabmbciobmffndchjop/"
CORPUS = os.path.join(REPO, "tests", "fixtures", "chrony", "chrony-nts.html")
BIG_TAG = "bulk/ten-thousand"
TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[A-Za-z][A-Za-z0-9_.-]*|[0-9]+|[^\sA-Za-z0-9\u3400-\u9fff]")
CJK = re.compile(r"[\u3400-\u9fff]")


# --- The text model -----------------------------------------------------------------------
class TextModel:
    """Second-order Markov chain over the corpus's tokens; seeded, so stores are reproducible."""

    def __init__(self, text):
        tokens = TOKEN.findall(text)
        self.chain = collections.defaultdict(list)
        for a, b, c in zip(tokens, tokens[1:], tokens[2:]):
            self.chain[(a, b)].append(c)
        self.starts = list(self.chain)
        self.latin = sorted({t for t in tokens if t[0].isalpha() and not CJK.match(t) and len(t) > 3})
        self.cjk = "".join(t for t in tokens if CJK.match(t))

    def text(self, rng, size):
        out, total = [], 0
        state = rng.choice(self.starts)
        while total < size:
            nxt = self.chain.get(state)
            if not nxt:
                state = rng.choice(self.starts)
                continue
            tok = rng.choice(nxt)
            # A space only between two Latin tokens, as real mixed text is written.
            if out and tok[0].isascii() and tok[0].isalnum() and out[-1][-1].isascii() and out[-1][-1].isalnum():
                out.append(" ")
            out.append(tok)
            total += len(tok.encode())
            state = (state[1], tok)
        return "".join(out)


def corpus_text():
    raw = open(CORPUS, encoding="utf-8").read()
    raw = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", raw)
    return html.unescape(re.sub(r"<[^>]+>", " ", raw))


def tag_tree(rng):
    tops = ["笔记", "dev", "reading", "ops", "研究", "news", "工具", "archive"]
    tree = []
    for t in tops:
        for j in range(6):
            tree.append(f"{t}/{t[:2]}{j}")
            tree.extend(f"{t}/{t[:2]}{j}/{k}" for k in range(3))
    return tree


# --- The host over one connection ---------------------------------------------------------
class Host:
    def __init__(self, binary, home):
        env = dict(os.environ, LINKSNAP_HOME=home)
        self.proc = subprocess.Popen([binary, ORIGIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self.frames = read_frames(self.proc.stdout)
        self.next_id = 1

    def call(self, cmd, args=None):
        rid = self.next_id
        self.next_id += 1
        self.proc.stdin.write(frame({"id": rid, "cmd": cmd, "args": args or {}}))
        self.proc.stdin.flush()
        chunks = []
        for msg in self.frames:
            if msg.get("id") == rid and "chunk" in msg:  # a large reply comes in pieces
                chunks.append(msg["chunk"]["data"])
                if len(chunks) < msg["chunk"]["total"]:
                    continue
                msg = json.loads("".join(chunks))
            if msg.get("id") == rid and "ok" in msg:
                if not msg["ok"]:
                    raise RuntimeError(f"{cmd} failed: {msg['error']}")
                return msg["result"]
        raise RuntimeError(f"host closed the connection during {cmd}")

    def timed(self, cmd, args=None):
        t0 = time.perf_counter()
        result = self.call(cmd, args)
        return time.perf_counter() - t0, result

    def peak_rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def build_store(binary, home, links, seed, model):
    """Pipelined saves over one connection; returns (seconds, bytes of page text, bytes of HTML)."""
    rng = random.Random(seed)
    tree = tag_tree(rng)
    big = set(random.Random(seed + 1).sample(range(links), min(10_000, links)))
    env = dict(os.environ, LINKSNAP_HOME=home)
    proc = subprocess.Popen([binary, ORIGIN], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    failures, done = [], [0]

    def drain():
        for msg in read_frames(proc.stdout):
            if "ok" in msg:
                done[0] += 1
                if not msg["ok"]:
                    failures.append(msg)

    reader = threading.Thread(target=drain)
    reader.start()
    text_bytes = html_bytes = 0
    started = time.monotonic()
    for i in range(links):
        size = int(min(40_000, max(300, rng.lognormvariate(math.log(3000), 0.9))))
        body = model.text(rng, size)
        title = model.text(rng, rng.randint(20, 60)).strip()[:80] or f"page {i}"
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in re.split(r"(?<=[。.])", body) if p)
        doc = f"<!DOCTYPE html><html><head><title>{html.escape(title)}</title></head><body>{paras}</body></html>"
        tags = rng.sample(tree, rng.choice((0, 1, 1, 2, 3)))
        if i in big:
            tags.append(BIG_TAG)
        proc.stdin.write(frame({"id": i + 1, "cmd": "save", "args": {
            "url": f"https://site{i % 997}.example/{rng.choice(model.latin)}/{i}", "html": doc, "tags": tags}}))
        text_bytes += len(title.encode()) + len(body.encode())
        html_bytes += len(doc.encode())
        if sys.stderr.isatty() and i % 1000 == 0:
            rate = done[0] / max(time.monotonic() - started, 1e-9)
            print(f"\r  saving {done[0]:>7}/{links} ({rate:.0f}/s)", end="", file=sys.stderr)
    proc.stdin.close()
    reader.join()
    proc.wait()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if failures:
        sys.exit(f"store generation failed: {failures[0]}")
    with open(os.path.join(home, "bench-meta.json"), "w") as f:
        json.dump({"links": links, "seed": seed, "text_bytes": text_bytes, "html_bytes": html_bytes,
                   "seconds": time.monotonic() - started}, f)


# --- Figures ------------------------------------------------------------------------------
def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def ms(s):
    return f"{s * 1000:7.2f} ms"


def verdict(value, goal):
    return "ok" if value <= goal else "MISSED"


def query_classes(model, rng, n):
    latin = [w for w in model.latin if len(w) >= 5]
    cjk = model.cjk

    def cjk_sub(k):
        i = rng.randrange(len(cjk) - k)
        return cjk[i:i + k]

    return {
        "Latin word": [rng.choice(latin) for _ in range(n)],
        "Latin prefix": [rng.choice(latin)[:3] for _ in range(n)],
        "CJK 1 char": [cjk_sub(1) for _ in range(n)],
        "CJK 2 chars": [cjk_sub(2) for _ in range(n)],
        "CJK 3 chars": [cjk_sub(3) for _ in range(n)],
        "CJK 4 chars": [cjk_sub(4) for _ in range(n)],
        "phrase": [f'"{rng.choice(latin)} {rng.choice(latin)}"' if rng.random() < 0.5 else f'"{cjk_sub(2)} {cjk_sub(2)}"'
                   for _ in range(n)],
        "tag filter": [(cjk_sub(2), ["笔记"]) for _ in range(n)],
        "no match": [f"zq{rng.randrange(10**9)}xv" for _ in range(n)],
    }


def db_sizes(home):
    db = os.path.join(home, "linksnap.db")
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = con.execute("PRAGMA page_count").fetchone()[0] * con.execute("PRAGMA page_size").fetchone()[0]
    try:
        fts = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_index%'").fetchone()[0]
    except sqlite3.OperationalError:  # dbstat not compiled in
        fts = None
    con.close()
    blobs = 0
    for root, _, files in os.walk(os.path.join(home, "blobs")):
        blobs += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total, fts, blobs


def whole_process(build, home, runs):
    host = os.path.join(build, "native-host", "linksnap-host")
    cli = os.path.join(build, "native-host", "linksnap")
    tmp = tempfile.mkdtemp(prefix="linksnap-noop-")
    noop = os.path.join(tmp, "noop")
    with open(noop + ".c", "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run(["cc", "-O2", "-o", noop, noop + ".c"], check=True)
    env = dict(os.environ, LINKSNAP_HOME=home)
    ping = frame({"id": 1, "cmd": "ping"})

    def timeit(argv, stdin=None):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run(argv, input=stdin, capture_output=True, env=env, check=True)
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    rows = [("C program that does nothing", [noop], None, None),
            ("linksnap-host: one ping", [host, ORIGIN], ping, 0.010),
            ("linksnap search 密钥 --json", [cli, "search", "密钥", "--json"], None, 0.015)]
    print(f"\nwhole process, median of {runs} runs:")
    for label, argv, stdin, goal in rows:
        t = timeit(argv, stdin)
        tail = f"  goal ≤ {goal * 1000:.0f} ms: {verdict(t, goal)}" if goal else ""
        print(f"  {label:<34} {ms(t)}{tail}")
    perf = shutil.which("perf")
    if perf and subprocess.run([perf, "stat", "-e", "instructions", "true"], capture_output=True).returncode == 0:
        print("perf stat (task-clock, instructions; 20 runs each):")
        for label, argv, stdin, _ in rows:
            r = subprocess.run([perf, "stat", "-r", "20", "-x", ",", "-e", "task-clock,instructions", "--", *argv],
                               input=stdin, capture_output=True, env=env)
            fields = [ln.split(",") for ln in r.stderr.decode().splitlines() if "," in ln]
            figures = ", ".join(f"{f[2]} {f[0]} {f[1]}".strip() for f in fields if len(f) > 2)
            print(f"  {label:<34} {figures}")
    else:
        print("perf stat: not available here (install linux-perf; some machines do not allow counters)")
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--links", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200, help="queries per class")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--home", help="the store's directory (built there when empty)")
    ap.add_argument("--runs", type=int, default=30, help="whole-process runs")
    ap.add_argument("--skip-search", action="store_true", help="leave out the search latencies")
    a = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as measured, also into a file
    host_bin = os.path.join(a.build, "native-host", "linksnap-host")
    if not os.access(host_bin, os.X_OK):
        sys.exit(f"{host_bin} is missing: build first (cmake --build {a.build})")
    home = a.home or os.path.join(REPO, "bench", "out", f"scale-{a.links}-{a.seed}")
    model = TextModel(corpus_text())
    meta_path = os.path.join(home, "bench-meta.json")
    if not os.path.exists(meta_path):
        shutil.rmtree(home, ignore_errors=True)
        os.makedirs(home)
        print(f"building a store of {a.links} links in {home} …")
        build_store(host_bin, home, a.links, a.seed, model)
    meta = json.load(open(meta_path))
    print(f"store: {meta['links']} links, built through linksnap-host `save` over one connection in "
          f"{meta['seconds']:.0f} s ({meta['links'] / meta['seconds']:.0f} saves/s)")

    # A working copy, so the destructive measurements leave the built store as it was.
    work = tempfile.mkdtemp(prefix="linksnap-scale-")
    shutil.copytree(home, work, dirs_exist_ok=True)
    try:
        total, fts, blobs = db_sizes(work)
        text = meta["text_bytes"]
        print(f"\nsizes: page text {text / 2**20:.1f} MiB, page HTML {meta['html_bytes'] / 2**20:.1f} MiB")
        if fts is not None:
            print(f"  search index {fts / 2**20:.1f} MiB = {fts / text:.2f}× the text   goal ≤ 1.5×: {verdict(fts / text, 1.5)}")
        print(f"  database {total / 2**20:.1f} MiB = {total / text:.2f}× the text; blobs {blobs / 2**20:.1f} MiB; "
              f"store {(total + blobs) / 2**20:.1f} MiB = {(total + blobs) / meta['html_bytes']:.2f}× the pages")

        host = Host(host_bin, work)
        host.call("ping")
        rng = random.Random(a.seed + 7)
        print(f"\nsearch through one host connection, {a.queries} queries per class (limit 20):")
        print(f"  {'class':<14} {'p50':>10} {'p99':>10} {'max':>10}  mean hits   goal p50 ≤ 5 ms, p99 ≤ 20 ms")
        for label, queries in ({} if a.skip_search else query_classes(model, rng, a.queries)).items():
            times, hits = [], []
            for q in queries:
                query, tags = q if isinstance(q, tuple) else (q, [])
                t, r = host.timed("search", {"query": query, "tags": tags, "limit": 20})
                times.append(t)
                hits.append(len(r["results"]))
            p50, p99 = pct(times, 50), pct(times, 99)
            ok = "ok" if p50 <= 0.005 and p99 <= 0.020 else "MISSED"
            print(f"  {label:<14} {ms(p50)} {ms(p99)} {ms(max(times))}  {statistics.mean(hits):9.1f}   {ok}")

        print("\nmanager operations (one host connection; goal ≤ 100 ms each):")

        def op(label, cmd, args, runs=5, check=None):
            times = []
            for _ in range(runs):
                t, r = host.timed(cmd, args)
                times.append(t)
            if check:
                check(r)
            t = statistics.median(times)
            print(f"  {label:<40} {ms(t)}  {verdict(t, 0.1)}")

        big = min(10_000, meta["links"])
        op(f"list --tag {BIG_TAG} ({big} links)", "list", {"tags": [BIG_TAG], "limit": 10000},
           check=lambda r: len(r["links"]) == big or sys.exit(f"list returned {len(r['links'])} links, not {big}"))
        op("list, first page (limit 100)", "list", {"limit": 100})
        op("tags with counts", "tags", {})
        t, _ = host.timed("tags.rename", {"from": BIG_TAG, "to": "bulk/renamed"})
        print(f"  {f'tags.rename on {big} links':<40} {ms(t)}  {verdict(t, 0.1)}")
        ids = [link["id"] for link in host.call("list", {"tags": ["bulk/renamed"], "limit": 1000})["links"]]
        t0 = time.perf_counter()
        try:
            host.call("rm", {"ids": ids})
            how = "one rm of 1,000 ids"
        except RuntimeError:
            for i in ids:
                host.call("rm", {"id": i})
            how = "1,000 rm calls"
        t = time.perf_counter() - t0
        print(f"  {'delete 1,000 links (' + how + ')':<40} {ms(t)}  {verdict(t, 0.1)}")
        rss = host.peak_rss_kib()
        print(f"\nhost peak RSS (VmHWM) over all of the above: {rss / 1024:.1f} MiB   goal ≤ 64 MiB: "
              f"{verdict(rss, 64 * 1024)}")
        host.close()
        whole_process(a.build, work, a.runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
