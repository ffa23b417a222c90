#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""A registry look-alike for the robustness tests, on 127.0.0.1.

    hostile_server.py --dir DIR [--tls-cert PEM --tls-key PEM]

Writes DIR/port when listening and logs each request as a JSON line in
DIR/requests.log ({"method", "path", "status"}).  The first path segment
after /v2/ picks the answer:

  /v2/                      200 {}
  /v2/bigindex/...          an OCI index with 10,000 entries, none naming a
                            platform (each would need its child fetched);
                            about 2.3 MB, digest correct
  /v2/<anything else>/...   a small valid OCI index (linux/amd64,
                            linux/arm64); its children by digest

With --tls-cert/--tls-key it speaks HTTPS only, with that certificate.
"""

import argparse
import hashlib
import json
import os
import ssl
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "servers"))
import srvcommon  # noqa: E402

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
BIG_ENTRIES = 10000


def digest_of(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def canned():
    """(small index, {digest: (media type, body)}) — deterministic."""
    blobs = {}
    entries = []
    for arch in ("amd64", "arm64"):
        config = json.dumps({"architecture": arch, "os": "linux",
                             "rootfs": {"type": "layers", "diff_ids": []}},
                            sort_keys=True).encode()
        manifest = json.dumps({
            "schemaVersion": 2, "mediaType": OCI_MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                       "digest": digest_of(config), "size": len(config)},
            "layers": []}, sort_keys=True).encode()
        blobs[digest_of(config)] = ("application/octet-stream", config)
        blobs[digest_of(manifest)] = (OCI_MANIFEST, manifest)
        entries.append({"mediaType": OCI_MANIFEST,
                        "digest": digest_of(manifest), "size": len(manifest),
                        "platform": {"architecture": arch, "os": "linux"}})
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                        "manifests": entries}, sort_keys=True).encode()
    return index, blobs


def big_index():
    entries = [{"mediaType": OCI_MANIFEST,
                "digest": "sha256:%064x" % i, "size": 1000}
               for i in range(BIG_ENTRIES)]
    return json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX,
                       "manifests": entries}).encode()


class Handler(srvcommon.QuietHandler):
    def answer(self):
        self.drain_body()
        parts = self.path.split("?")[0].split("/")
        status = 404
        if self.path.split("?")[0] in ("/v2", "/v2/"):
            status = 200
            self.send_body(200, b"{}")
        elif len(parts) >= 5 and parts[1] == "v2":
            kind, ref = parts[-2], parts[-1]
            if parts[2] == "bigindex" and kind == "manifests" and \
                    not ref.startswith("sha256:"):
                status = 200
                body = self.server.big
                self.send_body(200, body, OCI_INDEX,
                               {"Docker-Content-Digest": digest_of(body)})
            elif kind == "manifests" and not ref.startswith("sha256:"):
                status = 200
                body = self.server.index
                self.send_body(200, body, OCI_INDEX,
                               {"Docker-Content-Digest": digest_of(body)})
            elif ref in self.server.blobs:
                status = 200
                media_type, body = self.server.blobs[ref]
                self.send_body(200, body, media_type,
                               {"Docker-Content-Digest": ref})
        if status == 404:
            self.send_body(404, json.dumps({"errors": [
                {"code": "MANIFEST_UNKNOWN", "message": "unknown"}]}).encode())
        self.server.log.write(method=self.command, path=self.path,
                              status=status)

    do_GET = answer
    do_HEAD = answer


class TLSServer(srvcommon.ThreadingHTTPServer):
    """Wraps each accepted socket, so a client that fails the handshake
    costs one thread, not the listener."""

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ssl_context.wrap_socket(sock, server_side=True,
                                            do_handshake_on_connect=False), \
            addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return
        super().finish_request(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    args = parser.parse_args()
    index, blobs = canned()
    attrs = {"index": index, "blobs": blobs, "big": big_index(),
             "log": srvcommon.RequestLog(
                 os.path.join(args.dir, "requests.log"))}
    if not args.tls_cert:
        srvcommon.serve(Handler, args.dir, **attrs)
        return
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.tls_cert, args.tls_key)
    server = TLSServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.ssl_context = context
    for key, value in attrs.items():
        setattr(server, key, value)
    srvcommon.write_atomically(os.path.join(args.dir, "port"),
                               "%d\n" % server.server_address[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
