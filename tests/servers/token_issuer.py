#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Docker registry token issuer for tests (the `realm` of a Bearer challenge).

GET /token?service=S&scope=repository:NAME:pull[,push]... with optional
Basic credentials answers {"token", "access_token", "expires_in",
"issued_at"}.  The token is an RS256 JWT that distribution 2.8 accepts:
the header carries the signing certificate in x5c, or with --kid the
libtrust key ID of the public key, which distribution looks up among the
keys of its rootcertbundle.

Grants: anonymous callers get pull on every repository except those
matching a --private pattern; a user from --users gets pull, push and
delete everywhere; wrong credentials get 401.  If DIR/fail exists every
request gets 500 (--fail creates it; tests may also touch or remove it
while the server runs).  Each request is one JSON line in DIR/requests.log.
"""

import argparse
import base64
import datetime
import fnmatch
import hashlib
import json
import os
import secrets
import sys
import time
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

sys.dont_write_bytecode = True  # keep __pycache__ out of the tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import srvcommon  # noqa: E402

KEY_FILE = "key.pem"
CERT_FILE = "cert.pem"
USER_ACTIONS = ("pull", "push", "delete")


# -- keys ---------------------------------------------------------------------

def ensure_keys(directory):
    """Create DIR/key.pem and a self-signed DIR/cert.pem unless present."""
    key_path = os.path.join(directory, KEY_FILE)
    cert_path = os.path.join(directory, CERT_FILE)
    if os.path.exists(key_path) and os.path.exists(cert_path):
        return key_path, cert_path
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME,
                                         "archmatrix test token issuer")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None),
                           critical=True)
            .sign(key, hashes.SHA256()))
    srvcommon.write_atomically(key_path, key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()).decode())
    srvcommon.write_atomically(cert_path, cert.public_bytes(
        serialization.Encoding.PEM).decode())
    return key_path, cert_path


def libtrust_key_id(public_key):
    """Key ID as docker/libtrust computes it, which distribution matches
    against `kid`: SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits,
    base32 without padding, in colon-separated groups of four."""
    der = public_key.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo)
    text = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode()
    text = text.rstrip("=")
    return ":".join(text[i:i + 4] for i in range(0, len(text), 4))


class Signer:
    def __init__(self, directory, issuer, use_kid):
        key_path, cert_path = ensure_keys(directory)
        with open(key_path, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), None)
        with open(cert_path, "rb") as f:
            cert = x509.load_pem_x509_certificate(f.read())
        if use_kid:
            self.header = {"kid": libtrust_key_id(cert.public_key())}
        else:
            der = cert.public_bytes(serialization.Encoding.DER)
            self.header = {"x5c": [base64.b64encode(der).decode()]}
        self.issuer = issuer

    def sign(self, subject, service, access, expires_in):
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": subject, "aud": service,
                  "iat": now, "nbf": now - 10, "exp": now + expires_in,
                  "jti": secrets.token_hex(12), "access": access}
        return jwt.encode(claims, self.key, algorithm="RS256",
                          headers=self.header)


# -- grants -------------------------------------------------------------------

def parse_scope(scope):
    """'repository:a/b:pull,push' -> ('repository', 'a/b', ['pull','push']).

    The name may itself hold a colon (a registry host:port), so type and
    actions are taken from the two ends.
    """
    kind, _, rest = scope.partition(":")
    name, _, actions = rest.rpartition(":")
    if not kind or not name:
        return None
    return kind, name, [a for a in actions.split(",") if a]


def granted_actions(user, kind, name, wanted, private):
    if kind != "repository":
        return []
    if user is not None:
        allowed = USER_ACTIONS
    elif any(fnmatch.fnmatchcase(name, p) for p in private):
        allowed = ()
    else:
        allowed = ("pull",)
    return [a for a in wanted if a in allowed]


def load_users(path):
    users = {}
    if path:
        with open(path, encoding="utf-8") as f:
            for line in f:
                user, sep, password = line.rstrip("\n").partition(":")
                if sep:
                    users[user] = password
    return users


# -- server -------------------------------------------------------------------

class TokenHandler(srvcommon.QuietHandler):
    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        service = (query.get("service") or [""])[0]
        scopes = query.get("scope") or []
        user = self.authenticate()
        status, body = self.answer(url.path, service, scopes, user)
        self.server.log.write(method="GET", path=self.path, status=status,
                              user=user if user else None, scopes=scopes,
                              authorization="Authorization" in self.headers)
        self.send_body(status, json.dumps(body).encode())

    def authenticate(self):
        """None for anonymous, the user name, or False for bad credentials."""
        header = self.headers.get("Authorization", "")
        if not header.lower().startswith("basic "):
            return None
        try:
            raw = base64.b64decode(header[6:].strip()).decode()
        except (ValueError, UnicodeDecodeError):
            return False
        user, _, password = raw.partition(":")
        users = self.server.users
        if user in users and secrets.compare_digest(users[user], password):
            return user
        return False

    def answer(self, path, service, scopes, user):
        server = self.server
        if os.path.exists(os.path.join(server.dir, "fail")):
            return 500, {"errors": [{"code": "UNKNOWN",
                                     "message": "issuer told to fail"}]}
        if path != "/token":
            return 404, {"errors": [{"code": "NOT_FOUND", "message": path}]}
        if user is False:
            return 401, {"errors": [{"code": "UNAUTHORIZED",
                                     "message": "bad credentials"}]}
        if server.service and service != server.service:
            return 400, {"errors": [{"code": "DENIED",
                                     "message": "unknown service"}]}
        access = []
        for scope in scopes:
            parsed = parse_scope(scope)
            if parsed is None:
                continue
            kind, name, wanted = parsed
            actions = granted_actions(user, kind, name, wanted,
                                      server.private)
            access.append({"type": kind, "name": name, "actions": actions})
        token = server.signer.sign(user or "", service or server.service,
                                   access, server.expires_in)
        issued = datetime.datetime.now(datetime.timezone.utc)
        # A test may announce a shorter life than the JWT has, to see the
        # client ask again on time rather than after a refusal.
        announced = server.expires_in
        try:
            with open(os.path.join(server.dir, "expires_in")) as f:
                announced = int(f.read().strip())
        except (OSError, ValueError):
            pass
        return 200, {"token": token, "access_token": token,
                     "expires_in": announced,
                     "issued_at": issued.strftime("%Y-%m-%dT%H:%M:%SZ")}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--issuer", default="archmatrix-test-issuer")
    parser.add_argument("--service", default="archmatrix-test-registry")
    parser.add_argument("--users", help="file of user:password lines")
    parser.add_argument("--private", action="append", default=[],
                        help="fnmatch pattern of repositories anonymous "
                             "callers may not pull (repeatable)")
    parser.add_argument("--kid", action="store_true",
                        help="identify the key by kid instead of x5c")
    parser.add_argument("--expires-in", type=int, default=300)
    args = parser.parse_args()

    srvcommon.serve(
        TokenHandler, args.dir, dir=args.dir,
        log=srvcommon.RequestLog(os.path.join(args.dir, "requests.log")),
        signer=Signer(args.dir, args.issuer, args.kid),
        users=load_users(args.users), private=args.private,
        service=args.service, expires_in=args.expires_in)


if __name__ == "__main__":
    main()
