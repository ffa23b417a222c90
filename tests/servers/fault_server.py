#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A registry look-alike that misbehaves on purpose, chosen by path.

The first segment of the repository name picks the behaviour, so one server
covers every fault (`/v2/f429/any/name/manifests/1.0`).  Any other first
segment (e.g. `ok`) serves a small valid OCI index with two platforms, its
child manifests and their config blobs.  See README.md for the table.
Every request is one JSON line in DIR/requests.log.
"""

import argparse
import base64
import hashlib
import json
import os
import re
import sys
import threading
import time

sys.dont_write_bytecode = True  # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import imagebuild  # noqa: E402
import srvcommon  # noqa: E402

ROUTE = re.compile(r"^/v2/(?P<name>.+)/(?P<kind>manifests|blobs)/"
                   r"(?P<ref>[^/]+)$")
HUGE_SIZE = 6 * 1024 * 1024
BAD_CHILDREN = 1000
# What /token/inject hands out: a "token" that would add a header.
INJECTED_TOKEN = "abc\r\nX-Injected: yes"


def error_body(code, message):
    return json.dumps({"errors": [{"code": code, "message": message}]}
                      ).encode()


class Content:
    """The valid image the server hands out when it is not misbehaving."""

    def __init__(self):
        self.image = imagebuild.build_image({
            "name": "fault/demo", "kind": "oci-index",
            "platforms": ["linux/amd64", "linux/arm64"]})
        self.by_digest = {d: (t, b) for d, t, b in self.image.manifests}
        self.huge = self.make_huge()
        self.bad_children = self.make_bad_children()

    def lookup(self, kind, ref):
        """Return (media type, body) for a tag or digest, or None."""
        if kind == "blobs":
            blob = self.image.blobs.get(ref)
            return None if blob is None else ("application/octet-stream",
                                              blob)
        if ref.startswith("sha256:"):
            return self.by_digest.get(ref)
        digest, media_type, body = self.image.top
        return media_type, body

    def make_bad_children(self):
        """An index whose entries name digests no body will match, and no
        platform: each child must be fetched to learn it."""
        entries = [{"mediaType": imagebuild.OCI_MANIFEST,
                    "digest": "sha256:%064x" % (i + 1), "size": 40}
                   for i in range(BAD_CHILDREN)]
        return imagebuild.to_json_bytes({
            "schemaVersion": 2, "mediaType": imagebuild.OCI_INDEX,
            "manifests": entries})

    def make_huge(self):
        """A well-formed index padded past any sane manifest size cap."""
        index = json.loads(self.image.top[2])
        index["annotations"] = {"padding": ""}
        overhead = len(imagebuild.to_json_bytes(index))
        index["annotations"]["padding"] = "x" * (HUGE_SIZE - overhead)
        return imagebuild.to_json_bytes(index)


class FaultHandler(srvcommon.QuietHandler):
    def do_GET(self):
        self.route()

    do_HEAD = do_GET

    def do_POST(self):
        self.drain_body()
        self.reply(405, error_body("UNSUPPORTED", "read-only fault server"))

    do_PUT = do_PATCH = do_DELETE = do_POST

    # -- helpers ---------------------------------------------------------

    def record(self, status):
        extra = {}
        if "X-Injected" in self.headers:
            extra["injected"] = True   # a header smuggled in by a token
        self.server.log.write(method=self.command, path=self.path,
                              status=status,
                              authorization="Authorization" in self.headers,
                              **extra)

    def reply(self, status, body, content_type="application/json",
              headers=None):
        self.record(status)
        self.send_body(status, body, content_type, headers)

    def times_seen(self):
        """How many times this exact path was asked for, this one included."""
        with self.server.lock:
            count = self.server.seen.get(self.path, 0) + 1
            self.server.seen[self.path] = count
        return count

    def self_url(self, path=None):
        host, port = self.server.server_address[:2]
        return "http://%s:%d%s" % (host, port,
                                   self.path if path is None else path)

    def shown_authorization(self):
        """The request's Authorization as a registry might echo it: the
        value, and for Basic also "user:password" decoded."""
        value = self.headers.get("Authorization", "")
        scheme, _, cred = value.partition(" ")
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(cred).decode(errors="replace")
            except ValueError:
                decoded = "?"
            return "%s %s" % (decoded, cred)
        return cred

    # -- routing ---------------------------------------------------------

    def route(self):
        path = self.path.split("?", 1)[0]
        if path.startswith("/token/"):
            self.token(path[len("/token/"):])
            return
        if path in ("/v2/", "/v2"):
            self.reply(200, b"{}", headers={
                "Docker-Distribution-API-Version": "registry/2.0"})
            return
        match = ROUTE.match(path)
        if not match:
            self.reply(404, error_body("NOT_FOUND", "no such route"))
            return
        behaviour = match["name"].split("/", 1)[0]
        handler = getattr(self, "fault_" + behaviour, self.serve_valid)
        handler(match["kind"], match["ref"])

    def serve_valid(self, kind, ref):
        found = self.server.content.lookup(kind, ref)
        if found is None:
            code = "BLOB_UNKNOWN" if kind == "blobs" else "MANIFEST_UNKNOWN"
            self.reply(404, error_body(code, "unknown " + ref))
            return
        media_type, body = found
        self.reply(200, body, media_type, {
            "Docker-Content-Digest": imagebuild.sha256_digest(body)})

    # -- a token realm for the token faults -------------------------------

    def token(self, mode):
        """/token/inject: a token with CR LF in it. /token/echo: a token
        named after the repository, ECHOTOK-<last segment>.
        /token/echofail: 400 echoing the Basic credentials."""
        query = self.path.partition("?")[2]
        scope = ""
        for field in query.split("&"):
            if field.startswith("scope="):
                scope = field[len("scope="):].replace("%3A", ":").replace(
                    "%2F", "/")
        if mode == "inject":
            body = json.dumps({"token": INJECTED_TOKEN}).encode()
            self.reply(200, body)
        elif mode == "echo":
            name = scope.split(":")[1] if scope.count(":") == 2 else "x"
            body = json.dumps({"token": "ECHOTOK-" + name.split("/")[-1]})
            self.reply(200, body.encode())
        elif mode == "echofail":
            self.reply(400, error_body(
                "DENIED", "bad login %s" % self.shown_authorization()))
        else:
            self.reply(404, error_body("NOT_FOUND", "no such token mode"))

    def bearer_challenge(self, mode):
        realm = self.self_url("/token/" + mode)
        self.reply(401, error_body("UNAUTHORIZED", "log in"), headers={
            "WWW-Authenticate":
                'Bearer realm="%s",service="fault"' % realm})

    # -- faults, one per first path segment ------------------------------

    def fault_injecttoken(self, kind, ref):
        """Bearer auth whose token server answers a token holding CR LF."""
        if "Authorization" not in self.headers:
            self.bearer_challenge("inject")
        else:
            self.serve_valid(kind, ref)

    def fault_echo401(self, kind, ref):
        """Basic auth; with credentials, 403 echoing them (decoded too)."""
        if "Authorization" not in self.headers:
            self.reply(401, error_body("UNAUTHORIZED", "log in"), headers={
                "WWW-Authenticate": 'Basic realm="fault"'})
        else:
            self.reply(403, error_body(
                "DENIED", "no access for %s" % self.shown_authorization()))

    def fault_echobearer(self, kind, ref):
        """Bearer auth (realm /token/echo); with the token, 403 echoing
        it."""
        if "Authorization" not in self.headers:
            self.bearer_challenge("echo")
        else:
            self.reply(403, error_body(
                "DENIED", "token %s refused" % self.shown_authorization()))

    def fault_echotoken(self, kind, ref):
        """Bearer auth whose token server answers 400 echoing the Basic
        credentials it got."""
        if "Authorization" not in self.headers:
            self.bearer_challenge("echofail")
        else:
            self.serve_valid(kind, ref)

    def fault_f429huge(self, kind, ref):
        """429 every time, asking for a wait no integer type holds."""
        self.reply(429, error_body("TOOMANYREQUESTS", "slow down"),
                   headers={"Retry-After": "9" * 40})

    def fault_badchildren(self, kind, ref):
        """An index of BAD_CHILDREN entries; every child's body hashes to
        something else than its digest."""
        if ref.startswith("sha256:") or kind == "blobs":
            body = b'{"schemaVersion": 2, "tampered": true}'
            self.reply(200, body, imagebuild.OCI_MANIFEST,
                       {"Docker-Content-Digest": ref})
            return
        body = self.server.content.bad_children
        self.reply(200, body, imagebuild.OCI_INDEX,
                   {"Docker-Content-Digest": imagebuild.sha256_digest(body)})

    def fault_f429(self, kind, ref):
        if self.times_seen() == 1:
            self.reply(429, error_body("TOOMANYREQUESTS", "slow down"),
                       headers={"Retry-After": "1"})
        else:
            self.serve_valid(kind, ref)

    def fault_f503(self, kind, ref):
        if self.times_seen() == 1:
            self.reply(503, error_body("UNAVAILABLE", "try again"))
        else:
            self.serve_valid(kind, ref)

    def fault_f502(self, kind, ref):
        if self.times_seen() == 1:
            self.reply(502, error_body("UNAVAILABLE", "bad gateway"))
        else:
            self.serve_valid(kind, ref)

    def fault_f504(self, kind, ref):
        if self.times_seen() == 1:
            self.reply(504, error_body("UNAVAILABLE", "gateway timeout"))
        else:
            self.serve_valid(kind, ref)

    def fault_emptyindex(self, kind, ref):
        """A valid index that lists no manifest at all."""
        body = imagebuild.to_json_bytes({
            "schemaVersion": 2, "mediaType": imagebuild.OCI_INDEX,
            "manifests": []})
        self.reply(200, body, imagebuild.OCI_INDEX,
                   {"Docker-Content-Digest": imagebuild.sha256_digest(body)})

    def fault_f500(self, kind, ref):
        self.reply(500, error_body("UNKNOWN", "internal error"))

    def fault_notfound(self, kind, ref):
        self.reply(404, error_body("MANIFEST_UNKNOWN", "unknown " + ref))

    def fault_stall(self, kind, ref):
        """Promise a body, then send nothing; a client must time out."""
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Type", imagebuild.OCI_INDEX)
        self.send_header("Content-Length", "4096")
        self.end_headers()
        self.wfile.flush()
        time.sleep(self.server.stall_seconds)
        self.close_connection = True

    def fault_badjson(self, kind, ref):
        body = b'{"schemaVersion": 2, "mediaType": "%s", "manifests": [{' % (
            imagebuild.OCI_INDEX.encode())
        self.reply(200, body, imagebuild.OCI_INDEX,
                   {"Docker-Content-Digest": imagebuild.sha256_digest(body)})

    def fault_huge(self, kind, ref):
        body = self.server.content.huge
        self.reply(200, body, imagebuild.OCI_INDEX,
                   {"Docker-Content-Digest": imagebuild.sha256_digest(body)})

    def fault_baddigest(self, kind, ref):
        media_type, body = self.server.content.lookup("manifests", "latest")
        wrong = "sha256:" + hashlib.sha256(body + b"tampered").hexdigest()
        self.reply(200, body, media_type, {"Docker-Content-Digest": wrong})

    def fault_loop(self, kind, ref):
        self.reply(307, b"", "text/plain", {"Location": self.self_url()})

    def fault_tofile(self, kind, ref):
        self.reply(302, b"", "text/plain",
                   {"Location": "file:///etc/passwd"})

    def fault_truncated(self, kind, ref):
        """Announce more bytes than are sent, then hang up."""
        media_type, body = self.server.content.lookup("manifests", "latest")
        self.record(200)
        self.send_response(200)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body) + 1000))
        self.send_header("Docker-Content-Digest",
                         imagebuild.sha256_digest(body))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body[: len(body) // 2])
        self.wfile.flush()
        self.close_connection = True


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--stall-seconds", type=float, default=60.0)
    args = parser.parse_args()
    log = srvcommon.RequestLog(os.path.join(args.dir, "requests.log"))
    srvcommon.serve(FaultHandler, args.dir, log=log, content=Content(),
                    seen={}, lock=threading.Lock(),
                    stall_seconds=args.stall_seconds)


if __name__ == "__main__":
    main()
