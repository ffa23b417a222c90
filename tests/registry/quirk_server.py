#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Registry quirks the shared test servers do not play, for the resolve
tests: chosen by the first segment of the repository name, like the fault
server.

  front/NAME...    demands Basic credentials (--user/--password); once
                   given, answers 307 to --target with the loopback host
                   name swapped, so Authorization must not follow.
  ratelimit/...    307 to --target with "RateLimit-Remaining: 3;w=21600".
  mismatch/...     a Docker list body served as an OCI index.
  dateretry/...    503 with Retry-After as an HTTP date one second ahead,
                   then 307 to --target.
  longretry/...    429 with Retry-After: 3600.
  schema1/...      a signed schema1 manifest (v1+prettyjws, arch arm64)
                   whose Docker-Content-Digest is that of its payload, the
                   body without signatures, as distribution sends it.
  schema1plain/... an unsigned schema1 manifest served as v1+json.
  moved/REPO...    307 to --target's /v2/REPO... (a backend that names
                   the repository otherwise, so its challenge's scope
                   differs from the one the client asked for).

With --proxy URL it is instead a counting proxy: every request is passed
to URL and logged; --delay holds each one so that concurrency shows, and
the most requests seen in flight at once is kept in DIR/max_inflight.

Every request is one JSON line in DIR/requests.log.
"""

import argparse
import base64
import email.utils
import hashlib
import http.client
import json
import os
import sys
import threading
import time
from urllib.parse import urlsplit

SERVERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                       "servers")
sys.path.insert(0, SERVERS)
import srvcommon  # noqa: E402

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
SCHEMA1_SIGNED = "application/vnd.docker.distribution.manifest.v1+prettyjws"
SCHEMA1 = "application/vnd.docker.distribution.manifest.v1+json"
PASSED_HEADERS = ("Content-Type", "Docker-Content-Digest", "Location",
                  "WWW-Authenticate", "Retry-After", "RateLimit-Remaining")


def b64url(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def schema1_manifest(name, signed):
    """A schema1 body laid out as libtrust signs it, and its digest: the
    payload's for a signed one (formatLength/formatTail in the protected
    header say how to rebuild it), the body's otherwise."""
    payload = json.dumps({"schemaVersion": 1, "name": name, "tag": "1",
                          "architecture": "arm64", "fsLayers": [],
                          "history": []}, indent=3)
    digest = "sha256:" + hashlib.sha256(payload.encode()).hexdigest()
    if not signed:
        return payload.encode(), digest
    cut = payload.rindex("\n}")
    protected = b64url(json.dumps({
        "formatLength": cut, "formatTail": b64url(payload[cut:].encode()),
        "time": "2016-01-01T00:00:00Z"}).encode())
    signatures = json.dumps([{"header": {"alg": "ES256"},
                              "signature": b64url(b"not checked"),
                              "protected": protected}], indent=3)
    body = payload[:cut] + ',\n   "signatures": ' + signatures + payload[cut:]
    return body.encode(), digest


def swap_host(base):
    parts = urlsplit(base)
    host = {"127.0.0.1": "localhost",
            "localhost": "127.0.0.1"}.get(parts.hostname, parts.hostname)
    return "%s://%s:%d" % (parts.scheme, host, parts.port)


class QuirkHandler(srvcommon.QuietHandler):
    def do_GET(self):
        self.drain_body()
        if self.server.proxy:
            self.pass_on()
        else:
            self.route()

    do_HEAD = do_POST = do_GET

    def record(self, status, **extra):
        self.server.log.write(method=self.command, path=self.path,
                              host=self.headers.get("Host"), status=status,
                              authorization="Authorization" in self.headers,
                              **extra)

    def reply(self, status, body=b"", content_type="application/json",
              headers=None):
        self.record(status)
        self.send_body(status, body, content_type, headers)

    def times_seen(self):
        with self.server.lock:
            count = self.server.seen.get(self.path, 0) + 1
            self.server.seen[self.path] = count
        return count

    def onward(self, rest):
        return self.server.target_swapped + "/v2/" + rest

    # -- quirks ---------------------------------------------------------------

    def route(self):
        path = self.path.split("?", 1)[0]
        if path in ("/v2/", "/v2"):
            self.reply(200, b"{}")
            return
        if not path.startswith("/v2/") or "/" not in path[4:]:
            self.reply(404, b'{"errors":[{"code":"NOT_FOUND"}]}')
            return
        quirk, rest = path[4:].split("/", 1)
        getattr(self, "quirk_" + quirk, self.unknown)(rest)

    def unknown(self, rest):
        self.reply(404, b'{"errors":[{"code":"NAME_UNKNOWN"}]}')

    def quirk_front(self, rest):
        if self.headers.get("Authorization") != self.server.basic:
            self.reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}',
                       headers={"WWW-Authenticate":
                                'Basic realm="archmatrix front"'})
            return
        self.reply(307, headers={"Location": self.onward(rest)})

    def quirk_ratelimit(self, rest):
        self.reply(307, headers={"Location": self.onward(rest),
                                 "RateLimit-Limit": "100;w=21600",
                                 "RateLimit-Remaining": "3;w=21600"})

    def quirk_mismatch(self, rest):
        body = json.dumps({"schemaVersion": 2, "mediaType": DOCKER_LIST,
                           "manifests": []}).encode()
        digest = "sha256:" + hashlib.sha256(body).hexdigest()
        self.reply(200, body, OCI_INDEX, {"Docker-Content-Digest": digest})

    def quirk_dateretry(self, rest):
        if self.times_seen() == 1:
            when = email.utils.formatdate(time.time() + 1, usegmt=True)
            self.reply(503, b'{"errors":[{"code":"UNAVAILABLE"}]}',
                       headers={"Retry-After": when})
            return
        self.reply(307, headers={"Location": self.onward(rest)})

    def quirk_schema1(self, rest, signed=True):
        body, digest = schema1_manifest(rest.split("/manifests/")[0], signed)
        self.reply(200, body, SCHEMA1_SIGNED if signed else SCHEMA1,
                   {"Docker-Content-Digest": digest})

    def quirk_schema1plain(self, rest):
        self.quirk_schema1(rest, signed=False)

    def quirk_moved(self, rest):
        self.reply(307, headers={"Location": self.onward(rest)})

    def quirk_longretry(self, rest):
        self.reply(429, b'{"errors":[{"code":"TOOMANYREQUESTS"}]}',
                   headers={"Retry-After": "3600"})

    # -- counting proxy -------------------------------------------------------

    def pass_on(self):
        with self.server.lock:
            self.server.inflight += 1
            if self.server.inflight > self.server.max_inflight:
                self.server.max_inflight = self.server.inflight
                srvcommon.write_atomically(
                    os.path.join(self.server.dir, "max_inflight"),
                    "%d\n" % self.server.max_inflight)
        try:
            time.sleep(self.server.delay)
            target = urlsplit(self.server.proxy)
            conn = http.client.HTTPConnection(target.hostname, target.port,
                                              timeout=30)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() in ("accept", "authorization")}
            conn.request(self.command, self.path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
        finally:
            with self.server.lock:
                self.server.inflight -= 1
        passed = {k: resp.headers[k] for k in PASSED_HEADERS
                  if k in resp.headers and k != "Content-Type"}
        self.record(resp.status)
        self.send_body(resp.status, body,
                       resp.headers.get("Content-Type", "text/plain"), passed)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--target", help="where the quirks send clients on")
    parser.add_argument("--user", default="frontuser")
    parser.add_argument("--password", default="frontpass")
    parser.add_argument("--proxy", help="be a counting proxy to this URL")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    basic = "Basic " + base64.b64encode(
        ("%s:%s" % (args.user, args.password)).encode()).decode()
    log = srvcommon.RequestLog(os.path.join(args.dir, "requests.log"))
    srvcommon.serve(QuirkHandler, args.dir, log=log, basic=basic,
                    target_swapped=swap_host(args.target)
                    if args.target else None,
                    proxy=args.proxy, delay=args.delay, dir=args.dir,
                    inflight=0, max_inflight=0, seen={},
                    lock=threading.Lock())


if __name__ == "__main__":
    main()
