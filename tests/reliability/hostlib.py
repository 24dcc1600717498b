"""Talking to the real linksnap-host and linksnap binaries from reliability scripts."""
import json
import os
import struct
import subprocess
import threading

EXTENSION_ORIGIN = "chrome-extension://nomplfecdkeacbabmbciobmffndchjop/"


def frame(obj):
    data = json.dumps(obj, ensure_ascii=False).encode()
    return struct.pack("=I", len(data)) + data


def read_frames(stream):
    while True:
        header = stream.read(4)
        if len(header) < 4:
            return
        (n,) = struct.unpack("=I", header)
        body = stream.read(n)
        if len(body) < n:
            return
        yield json.loads(body)


class Host:
    """One linksnap-host process; replies are collected by a reader thread."""

    def __init__(self, binary, home):
        self.proc = subprocess.Popen([binary, EXTENSION_ORIGIN], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, LINKSNAP_HOME=home))
        self.replies = {}
        self.cond = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        self.next_id = 0

    def _read(self):
        for msg in read_frames(self.proc.stdout):
            if "ok" in msg:
                with self.cond:
                    self.replies[msg["id"]] = msg
                    self.cond.notify_all()
        with self.cond:
            self.cond.notify_all()

    def send(self, cmd, args=None):
        self.next_id += 1
        try:
            self.proc.stdin.write(frame({"id": self.next_id, "cmd": cmd, "args": args or {}}))
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        return self.next_id

    def wait(self, request_id, timeout=60):
        with self.cond:
            self.cond.wait_for(lambda: request_id in self.replies or self.proc.poll() is not None,
                               timeout=timeout)
            return self.replies.get(request_id)

    def call(self, cmd, args=None, timeout=60):
        return self.wait(self.send(cmd, args), timeout)

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.wait(timeout=120)
        self.reader.join(timeout=10)


def cli(binary, home, *args):
    p = subprocess.run([binary, *args, "--json"], capture_output=True, text=True,
                       env=dict(os.environ, LINKSNAP_HOME=home), timeout=300)
    # `check` prints its report and exits 1 when it found damage: parse stdout either way.
    out = None
    if p.stdout.strip():
        try:
            out = json.loads(p.stdout)
        except ValueError:
            out = None
    return p.returncode, out, p.stderr


class TestServer:
    """The loopback server binary from the build (tests/support/server_main.cpp)."""

    def __init__(self, binary, root, latency_ms=0):
        self.proc = subprocess.Popen([binary, "--root", root, "--latency-ms", str(latency_ms)],
                                     stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"test server did not start: {line!r}")
        self.base_url = line[len("listening on "):]

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
