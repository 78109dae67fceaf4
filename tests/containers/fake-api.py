#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# A misbehaving container API on a unix socket, for robustness tests:
#   fake-api.py SOCKET MODE     MODE: hang | garbage | huge | drip | badjson
# hang: accepts and never answers; garbage: random bytes, then closes;
# huge: an endless chunked 200 body; drip: one byte a second; badjson: a 200
# with truncated, deeply nested JSON.
import os, random, socket, sys, threading, time

path, mode = sys.argv[1], sys.argv[2]
try:
    os.unlink(path)
except FileNotFoundError:
    pass
srv = socket.socket(socket.AF_UNIX)
srv.bind(path)
srv.listen(64)


def serve(c):
    try:
        c.recv(65536)
        if mode == "hang":
            time.sleep(3600)
        elif mode == "garbage":
            c.sendall(bytes(random.getrandbits(8) for _ in range(5000)))
        elif mode == "huge":
            c.sendall(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"[" * 65536
            while True:
                c.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        elif mode == "drip":
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]":
                c.sendall(bytes([b]))
                time.sleep(1)
        elif mode == "badjson":
            body = b'[{"Id":"' + b"a" * 64 + b'","Names":["/x"' + b"[" * 100000
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    except OSError:
        pass
    finally:
        c.close()


while True:
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn,), daemon=True).start()
