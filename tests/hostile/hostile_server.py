"""A loopback HTTP server built for abuse: every route misbehaves in one way.

Raw sockets (not http.server) so a route can send anything: lying lengths, broken status
lines, resets, endless or dripping bodies. Payloads are generated while they are sent, a block
at a time, never built whole in memory. One thread per connection; stop() closes everything.
Routes are registered by path (query ignored), so cases running in parallel use their own.
"""
import socket
import threading
import urllib.parse
import zlib

BLOCK = 64 * 1024


class Client:
    """One request on one connection, with helpers that write raw HTTP."""

    def __init__(self, sock, path, query, headers):
        self.sock = sock
        self.path = path
        self.query = query
        self.headers = headers

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def head(self, status="200 OK", headers=(), length=None, chunked=False):
        lines = [f"HTTP/1.1 {status}", "Connection: close"]
        lines += list(headers)
        if length is not None:
            lines.append(f"Content-Length: {length}")
        if chunked:
            lines.append("Transfer-Encoding: chunked")
        self.send("\r\n".join(lines) + "\r\n\r\n")

    def page(self, html, content_type="text/html; charset=utf-8", headers=()):
        body = html.encode() if isinstance(html, str) else html
        self.head(headers=[f"Content-Type: {content_type}", *headers], length=len(body))
        self.send(body)

    def stream(self, blocks, content_type="text/html", headers=(), length=None):
        """Sends the blocks as they are produced: chunked unless a length is given."""
        self.head(headers=[f"Content-Type: {content_type}", *headers], length=length,
                  chunked=length is None)
        for block in blocks:
            if not block:
                continue
            if length is None:
                self.send(b"%x\r\n" % len(block) + block + b"\r\n")
            else:
                self.send(block)
        if length is None:
            self.send(b"0\r\n\r\n")

    def reset(self):
        """Closes with RST instead of FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        self.sock.close()


def repeated(unit, total):
    """`total` bytes of `unit` repeated, in blocks (the last one cut to size)."""
    unit = unit.encode() if isinstance(unit, str) else unit
    block = unit * max(1, BLOCK // len(unit))
    sent = 0
    while sent < total:
        part = block[: total - sent]
        sent += len(part)
        yield part


def joined(*parts):
    """Concatenates blocks and generators of blocks, in order."""
    for p in parts:
        if isinstance(p, (bytes, str)):
            yield p.encode() if isinstance(p, str) else p
        else:
            yield from p


def compressed(blocks, wbits):
    """zlib-compresses a stream of blocks on the fly (wbits 31: gzip, 15: zlib 'deflate')."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    for b in blocks:
        out = c.compress(b)
        if out:
            yield out
    yield c.flush()


def endless(unit):
    unit = unit.encode() if isinstance(unit, str) else unit
    block = unit * max(1, BLOCK // len(unit))
    while True:
        yield block


class HostileServer:
    def __init__(self):
        self.routes = {}
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(512)
        self.port = self.listener.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.conns = set()
        self.stopping = threading.Event()
        self.requests = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def route(self, path, handler):
        """handler(client) answers requests for `path` (any query)."""
        with self.lock:
            self.routes[path] = handler
        return self.base + path

    def _accept(self):
        while not self.stopping.is_set():
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            with self.lock:
                self.conns.add(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, sock):
        try:
            sock.settimeout(600)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = sock.recv(65536)
                if not chunk or len(data) > 8 * 1024 * 1024:
                    return
                data += chunk
            head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
            request_line, *header_lines = head.split("\r\n")
            parts = request_line.split(" ")
            target = parts[1] if len(parts) > 1 else "/"
            headers = {}
            for line in header_lines:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            url = urllib.parse.urlsplit(target)
            with self.lock:
                self.requests += 1
                handler = self.routes.get(url.path)
            client = Client(sock, url.path, urllib.parse.parse_qs(url.query), headers)
            if handler is None:
                client.head("404 Not Found", ["Content-Type: text/plain"], length=9)
                client.send(b"not found")
            else:
                handler(client)
        except (OSError, ValueError):
            pass  # the client hung up: that is what clients under attack do
        finally:
            with self.lock:
                self.conns.discard(sock)
            try:
                sock.close()
            except OSError:
                pass

    def stop(self):
        self.stopping.set()
        self.listener.close()
        with self.lock:
            conns = list(self.conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

