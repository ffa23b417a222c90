# SPDX-License-Identifier: MIT
"""Pieces shared by the small stdlib test servers (redirect, fault, token).

Each server binds 127.0.0.1 port 0 itself and then writes the port it got
to DIR/port, so there is no window in which another process can take the
port between choosing and binding it.
"""

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RequestLog:
    """Append-only JSON-lines log, one line per request; thread-safe."""

    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        open(path, "w").close()

    def write(self, **fields):
        line = json.dumps(fields, sort_keys=True) + "\n"
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(line)


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


class QuietHandler(BaseHTTPRequestHandler):
    """Base handler: HTTP/1.1, access lines to stderr (the server log)."""

    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.log_date_time_string(),
                                      fmt % args))

    def send_body(self, code, body, content_type="application/json",
                  headers=None):
        """Send a complete response; HEAD gets the headers only."""
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def drain_body(self):
        """Read a request body so keep-alive stays in sync."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)


def serve(handler_class, directory, **attributes):
    """Bind a free loopback port, publish it in DIR/port, serve forever.

    `attributes` are set on the server object so handlers can reach shared
    state as self.server.<name>.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
    server.daemon_threads = True
    for key, value in attributes.items():
        setattr(server, key, value)
    # SIGTERM from `serverctl stop` should end the process promptly, even
    # with handler threads stuck in a deliberate stall.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    write_atomically(os.path.join(directory, "port"),
                     "%d\n" % server.server_address[1])
    server.serve_forever()
