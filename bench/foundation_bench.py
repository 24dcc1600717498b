#!/usr/bin/env python3
"""Whole-process timings of the native side, as a person or the browser experiences them.

  1. `linksnap-host` answering one ping: start the process, send the frame, read the reply,
     close stdin, wait for exit — what a `sendNativeMessage` call costs.
  2. `linksnap search QUERY --json` on a generated store of N links (default 10,000) whose
     pages carry ~3 KB of mixed Chinese/English text — Latin words, 1-, 2- and 4-character
     CJK queries, with and without a tag filter.

The store is generated through the real host (pipelined `save` requests), so it is built by
the same code path the extension uses.

Usage: bench/foundation_bench.py [--build DIR] [--links N] [--runs N]
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "tests", "reliability"))
from hostlib import frame, read_frames  # noqa: E402  (the protocol's framing, shared)

CJK_WORDS = ("时间 同步 配置 笔记 服务器 客户端 验证 机制 网络 协议 证书 安全 加密 "
             "算法 系统 管理 文件 目录 用户 权限 日志 监控 性能 测试 部署 容器 镜像 "
             "数据库 索引 查询 缓存 队列 消息 接口 文档 版本 发布 回滚 备份 恢复 密钥 验证机制").split()
LATIN_WORDS = ("chrony ntp server client config sync kernel clock offset drift leap "
               "stratum daemon systemd network socket tls certificate cipher keyfile "
               "logdir tracking sources makestep rtcsync iburst pool chronyc NTS").split()


def page_text(rng, size=3000):
    parts = []
    total = 0
    while total < size:
        if rng.random() < 0.6:
            w = "".join(rng.choice(CJK_WORDS) for _ in range(rng.randint(2, 6)))
        else:
            w = " ".join(rng.choice(LATIN_WORDS) for _ in range(rng.randint(2, 6)))
        parts.append(w)
        total += len(w.encode())
    return "，".join(parts)


def generate_store(host, home, links):
    rng = random.Random(42)
    env = dict(os.environ, LINKSNAP_HOME=home)
    proc = subprocess.Popen([host, "chrome-extension://nomplfecdkeacbabmbciobmffndchjop/"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, env=env)
    failures = []

    def drain():
        for msg in read_frames(proc.stdout):
            if "ok" in msg and not msg["ok"]:
                failures.append(msg)

    reader = threading.Thread(target=drain)
    reader.start()
    started = time.monotonic()
    for i in range(links):
        text = page_text(rng)
        title = f"{rng.choice(CJK_WORDS)}{rng.choice(CJK_WORDS)} {rng.choice(LATIN_WORDS)} 笔记 {i}"
        html = f"<html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
        tags = [rng.choice(["笔记/时间", "dev/cpp", "reading", "ops/linux"])]
        proc.stdin.write(frame({"id": i, "cmd": "save", "args": {
            "url": f"https://site{i % 97}.example/page/{i}", "html": html, "tags": tags}}))
    proc.stdin.close()
    reader.join()
    proc.wait()
    if failures:
        sys.exit(f"store generation failed: {failures[0]}")
    return time.monotonic() - started


def time_ping(host, home, runs):
    env = dict(os.environ, LINKSNAP_HOME=home)
    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run([host, "chrome-extension://nomplfecdkeacbabmbciobmffndchjop/"], input=frame({"id": i, "cmd": "ping"}),
                           capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t0)
        assert b'"ok":true' in p.stdout, p.stdout
    return times


def time_search(cli, home, query, tags, runs):
    env = dict(os.environ, LINKSNAP_HOME=home)
    args = [cli, "search", query, "--json", "--limit", "20"]
    for t in tags:
        args += ["--tag", t]
    times = []
    hits = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        p = subprocess.run(args, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t0)
        hits = len(json.loads(p.stdout)["results"])
    return times, hits


def ms(seconds):
    return f"{seconds * 1000:8.1f} ms"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default=os.path.join(REPO, "build"))
    ap.add_argument("--links", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", action="store_true", help="keep the generated store")
    ap.add_argument("--home", help="reuse the store in this directory (generated there if empty)")
    a = ap.parse_args()
    host = os.path.join(a.build, "native-host", "linksnap-host")
    cli = os.path.join(a.build, "native-host", "linksnap")
    for b in (host, cli):
        if not os.access(b, os.X_OK):
            sys.exit(f"{b} is missing: build first (cmake --build {a.build})")

    home = a.home or tempfile.mkdtemp(prefix="linksnap-bench-")
    try:
        db = os.path.join(home, "linksnap.db")
        if a.home and os.path.exists(db):
            gen = float("nan")
            print("reusing the existing store")
        else:
            gen = generate_store(host, home, a.links)
        size = sum(os.path.getsize(os.path.join(home, f)) for f in os.listdir(home) if f.startswith("linksnap.db"))
        made = "reused" if gen != gen else f"generated through linksnap-host in {gen:.1f} s ({a.links / gen:.0f} saves/s)"
        print(f"store: {a.links} links {made}; database {size / 2**20:.1f} MiB ({db})")
        print(f"median of {a.runs} whole-process runs (min .. max):")
        t = time_ping(host, home, a.runs)
        print(f"  linksnap-host ping (start, reply, exit)    {ms(statistics.median(t))}"
              f"   ({ms(min(t)).strip()} .. {ms(max(t)).strip()})")
        for query, tags in [("chronyc", []), ("NTS", []), ("密钥", []), ("验证机制", []), ("证", []),
                            ("时间同步 kernel", []), ("密钥", ["笔记"]), ("zzzznotfound", [])]:
            t, hits = time_search(cli, home, query, tags, a.runs)
            label = f"search {query!r}" + (f" --tag {tags[0]}" if tags else "")
            print(f"  linksnap {label:<34} {ms(statistics.median(t))}"
                  f"   ({ms(min(t)).strip()} .. {ms(max(t)).strip()}), {hits} results")
    finally:
        if a.keep or a.home:
            print(f"kept {home}")
        else:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
