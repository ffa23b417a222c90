#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Front server that redirects every request to another host name.

It plays registry.k8s.io, which answers 307 to a regional backend on a
different host: the Location keeps path and query but swaps 127.0.0.1 for
localhost (or the reverse), so a client sees a change of host and must not
carry credentials across.  Started by `serverctl redirect start`.
"""

import argparse
import os
import sys
from urllib.parse import urlsplit, urlunsplit

sys.dont_write_bytecode = True  # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srvcommon  # noqa: E402


def swap_host(target):
    """Return target's scheme://host:port with the loopback name swapped."""
    parts = urlsplit(target)
    host = parts.hostname
    if host == "127.0.0.1":
        host = "localhost"
    elif host == "localhost":
        host = "127.0.0.1"
    netloc = host + (":%d" % parts.port if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))


class RedirectHandler(srvcommon.QuietHandler):
    def handle_any(self):
        self.drain_body()
        self.server.log.write(method=self.command, path=self.path,
                              authorization="Authorization" in self.headers)
        location = self.server.base + self.path
        self.send_body(self.server.code, b"", "text/plain",
                       {"Location": location})

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--target", required=True,
                        help="backend base URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--code", type=int, default=307,
                        choices=(301, 302, 303, 307, 308))
    args = parser.parse_args()
    log = srvcommon.RequestLog(os.path.join(args.dir, "requests.log"))
    srvcommon.serve(RedirectHandler, args.dir, log=log, code=args.code,
                    base=swap_host(args.target))


if __name__ == "__main__":
    main()
