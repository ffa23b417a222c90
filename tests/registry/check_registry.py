#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Resolve-stage tests against real servers on loopback.

    check_registry.py --probe BIN --servers DIR --work DIR CASE

The ctest fixtures (tests/servers/servers.cmake) have started the
registries under --servers; this script starts its own quirk server and
counting proxy when a case needs them, and stops them by pid.  Every check
prints what it expected and what it got when it fails.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERCTL = os.path.join(HERE, "..", "servers", "serverctl")
SPEC = os.path.join(HERE, "images.json")
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import amtest  # noqa: E402

PYTHON = "/usr/bin/python3"
Failed = amtest.Failure
check = amtest.check
read = amtest.read


class Env:
    def __init__(self, args):
        self.probe = args.probe
        self.archmatrix = args.archmatrix
        self.servers = args.servers
        self.work = args.work
        self.scripts = amtest.Scripts(self.work)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)

    def server(self, name, what="host"):
        return read(os.path.join(self.servers, name, what))

    def pushed(self, name):
        with open(os.path.join(self.servers, name, "pushed.json")) as f:
            return json.load(f)

    def requests(self, directory):
        path = os.path.join(directory, "requests.log")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]

    def clear_requests(self, directory):
        open(os.path.join(directory, "requests.log"), "w").close()

    def env(self, docker_config=None, auth_file=None, path_extra=None):
        """A clean environment: no credentials unless a case asks."""
        env = {"HOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin")}
        if docker_config:
            env["DOCKER_CONFIG"] = docker_config
        if auth_file:
            env["REGISTRY_AUTH_FILE"] = auth_file
        if path_extra:
            env["PATH"] = path_extra + ":" + env["PATH"]
        return env

    def resolve(self, images, *options, env=None, expect_rc=None):
        """Run the probe; returns (document, stderr, seconds)."""
        argv = [self.probe] + list(options) + list(images)
        start = time.monotonic()
        proc = subprocess.run(argv, capture_output=True, text=True,
                              env=env or self.env(), timeout=170)
        took = time.monotonic() - start
        if proc.returncode not in (0, 3):
            raise Failed("probe exited %d: %s" % (proc.returncode,
                                                 proc.stderr[-2000:]))
        doc = json.loads(proc.stdout)
        statuses = [im["status"] for im in doc["images"]]
        want_rc = 0 if all(s == "ok" for s in statuses) else 3
        check(proc.returncode == want_rc,
              "exit %d for statuses %s" % (proc.returncode, statuses))
        if expect_rc is not None:
            check(proc.returncode == expect_rc, "exit %d, wanted %d" % (
                proc.returncode, expect_rc))
        return doc, proc.stderr, took

    def docker_config(self, name, auths=None, helpers=None, store=None):
        """Write DIR/name/config.json; returns the directory."""
        directory = os.path.join(self.work, name)
        os.makedirs(directory, exist_ok=True)
        config = {}
        if auths:
            config["auths"] = {
                host: {"auth": base64.b64encode(
                    ("%s:%s" % cred).encode()).decode()}
                for host, cred in auths.items()}
        if helpers:
            config["credHelpers"] = helpers
        if store:
            config["credsStore"] = store
        with open(os.path.join(directory, "config.json"), "w") as f:
            json.dump(config, f)
        return directory

    def fake_helper(self, answers):
        """A docker-credential-archtest on a private PATH answering for the
        hosts in `answers` ({host: (user, secret)})."""
        bindir = os.path.join(self.work, "helperbin")
        os.makedirs(bindir, exist_ok=True)
        cases = "".join(
            "  %s) echo '%s' ;;\n" % (host, json.dumps(
                {"ServerURL": host, "Username": u, "Secret": s}))
            for host, (u, s) in answers.items())
        path = os.path.join(bindir, "docker-credential-archtest")
        with open(path, "w") as f:
            f.write("#!/bin/sh\n[ \"$1\" = get ] || exit 2\n"
                    "server=$(cat)\necho \"$server\" >> %s/helper.log\n"
                    "case \"$server\" in\n%s"
                    "  *) echo 'credentials not found in native keychain';"
                    " exit 1 ;;\nesac\n" % (bindir, cases))
        os.chmod(path, 0o755)
        return bindir

    def start_quirks(self, name, *args):
        """Start quirk_server.py in work/name; returns (host, dir)."""
        return self.scripts.start(
            name, [os.path.join(HERE, "quirk_server.py")] + list(args))

    def stop(self):
        self.scripts.stop()


def by_image(doc):
    return {im["image"]: im for im in doc["images"]}


def platform_key(p):
    return (p["platform"], p.get("os_version") or "", p["digest"])


def normalise(platform):
    """The containerd normalisation the tool promises (DESIGN.md)."""
    parts = platform.split("/")
    os_, arch = parts[0], parts[1]
    variant = parts[2] if len(parts) > 2 else ""
    if arch == "arm64" and variant in ("v8", "8"):
        variant = ""
    if arch == "arm" and not variant:
        variant = "v7"
    return "/".join([os_, arch] + ([variant] if variant else []))


def expected_platforms(summary):
    """What resolve must print for one pushed image: the config's platform
    (the truth), never the attestations."""
    if summary["kind"] in ("oci-manifest", "docker-manifest"):
        p = summary["platforms"][0]
        return [(normalise(p["config_platform"]), p.get("os_version") or "",
                 summary["digest"])]
    return sorted((normalise(p["config_platform"]),
                   p.get("os_version") or "", p["digest"])
                  for p in summary["platforms"])


def compare_with_pushed(env, host, pushed, doc, names):
    got = by_image(doc)
    for name in names:
        summary = pushed["images"][name]
        image = "%s/%s" % (host, name)
        check(image in got, "no answer for %s" % image)
        im = got[image]
        check(im["status"] == "ok", "%s: %s" % (image, im))
        check(im["digest"] == summary["digest"], "%s: digest %s, pushed %s"
              % (image, im["digest"], summary["digest"]))
        check(im["media_type"] == summary["media_type"], "%s: media type %s"
              % (image, im["media_type"]))
        want = expected_platforms(summary)
        have = [platform_key(p) for p in im["platforms"]]
        check(have == want, "%s: platforms\n  got  %s\n  want %s"
              % (image, have, want))


# -- cases ---------------------------------------------------------------------

def case_plain(env):
    """Every fixture image, plus this folder's variant-in-config images,
    exactly as pushed; digest references; not found; stable output."""
    host = env.server("reg_plain")
    directory = os.path.join(env.servers, "reg_plain")
    mine = json.loads(subprocess.run(
        [PYTHON, SERVERCTL, "push", "--dir", directory, "--spec", SPEC],
        check=True, capture_output=True, text=True).stdout)
    pushed = env.pushed("reg_plain")
    pushed["images"].update(mine["images"])
    names = sorted(pushed["images"])
    images = ["%s/%s" % (host, n) for n in names]
    doc, _, _ = env.resolve(images, "--no-cache")
    check([im["image"] for im in doc["images"]] == images,
          "answers not in input order")
    compare_with_pushed(env, host, pushed, doc, names)

    # The variant lives only in the child's config: v6 and v5, not the v7
    # that normalising a bare "arm" would claim.
    got = by_image(doc)
    v6 = got["%s/reg/arm-v6-in-config:1.0" % host]["platforms"]
    check(any(p["platform"] == "linux/arm/v6" for p in v6), "no arm/v6")
    v5 = got["%s/reg/list-arm-v5:2.0" % host]["platforms"]
    check(any(p["platform"] == "linux/arm/v5" for p in v5), "no arm/v5")
    multi = got["%s/demo/multi:1.0" % host]
    check(all(p["platform"] != "unknown/unknown" for p in multi["platforms"]),
          "an attestation counted as a platform")

    # The same answers print the same bytes.
    again, _, _ = env.resolve(images, "--no-cache")
    check(json.dumps(again) == json.dumps(doc), "output differs between runs")

    # A digest reference, a missing tag, a missing repository, a bad name.
    summary = pushed["images"]["demo/list:2.1"]
    by_digest = "%s/demo/list@%s" % (host, summary["digest"])
    doc, _, _ = env.resolve([by_digest, host + "/demo/list:9.9",
                             host + "/demo/absent:1", "UPPER/Case:1",
                             host + "/demo/list:2.1"], "--no-cache")
    ims = doc["images"]
    check(ims[0]["status"] == "ok" and ims[0]["image"] == by_digest,
          "digest reference: %s" % ims[0])
    check([platform_key(p) for p in ims[0]["platforms"]] ==
          [platform_key(p) for p in ims[4]["platforms"]],
          "digest and tag answers differ")
    check(ims[1]["status"] == "not_found" and ims[1]["digest"] is None and
          ims[1]["platforms"] == [] and "error" in ims[1],
          "missing tag: %s" % ims[1])
    check(ims[2]["status"] == "not_found", "missing repo: %s" % ims[2])
    check(ims[3]["status"] == "error", "bad reference: %s" % ims[3])
    check("error" not in ims[0], "error field on an ok answer")


def case_htpasswd(env):
    host = env.server("reg_htpasswd")
    directory = os.path.join(env.servers, "reg_htpasswd")
    user, password = read(directory + "/user"), read(directory + "/password")
    images = [host + "/demo/multi:1.0", host + "/private/secret:1.0"]

    doc, _, _ = env.resolve(images, "--no-cache")
    check([im["status"] for im in doc["images"]] ==
          ["unauthorized", "unauthorized"], "anonymous: %s" % doc)

    good = env.docker_config("good", auths={host: (user, password)})
    doc, err, _ = env.resolve(images, "--no-cache", "-vv",
                              env=env.env(docker_config=good))
    check([im["status"] for im in doc["images"]] == ["ok", "ok"],
          "with credentials: %s" % doc)
    secret_b64 = base64.b64encode(("%s:%s" % (user, password)).encode())
    check(password not in err and secret_b64.decode() not in err,
          "the password reached the trace log")
    check("[redacted]" in err, "no redacted Authorization in the trace")

    bad = env.docker_config("bad", auths={host: (user, "wrong")})
    doc, _, _ = env.resolve(images, "--no-cache",
                            env=env.env(docker_config=bad))
    check(all(im["status"] == "unauthorized" for im in doc["images"]),
          "wrong password: %s" % doc)

    # The same credentials through a credential helper, and through
    # REGISTRY_AUTH_FILE with an empty docker config.
    bindir = env.fake_helper({host: (user, password)})
    helpers = env.docker_config("helpers", helpers={host: "archtest"})
    doc, _, _ = env.resolve(images, "--no-cache", env=env.env(
        docker_config=helpers, path_extra=bindir))
    check(all(im["status"] == "ok" for im in doc["images"]),
          "credHelpers: %s" % doc)
    store = env.docker_config("store", store="archtest")
    doc, _, _ = env.resolve(images, "--no-cache", env=env.env(
        docker_config=store, path_extra=bindir))
    check(all(im["status"] == "ok" for im in doc["images"]),
          "credsStore: %s" % doc)
    podman = os.path.join(env.docker_config("podman", auths={
        host: (user, password)}), "config.json")
    empty = env.docker_config("empty")
    doc, _, _ = env.resolve(images, "--no-cache", env=env.env(
        docker_config=empty, auth_file=podman))
    check(all(im["status"] == "ok" for im in doc["images"]),
          "REGISTRY_AUTH_FILE: %s" % doc)


def token_case(env, fixture):
    host = env.server(fixture)
    directory = os.path.join(env.servers, fixture)
    issuer = os.path.join(directory, "issuer")
    user, password = read(directory + "/user"), read(directory + "/password")
    public = [host + "/demo/multi:1.0", host + "/demo/list:2.1",
              host + "/demo/single:1.0", host + "/demo/win:1.0"]
    private = [host + "/private/secret:1.0", host + "/private/base:3.19"]

    env.clear_requests(issuer)
    doc, _, _ = env.resolve(public + private, "--no-cache")
    statuses = [im["status"] for im in doc["images"]]
    check(statuses == ["ok"] * 4 + ["unauthorized"] * 2,
          "anonymous: %s" % statuses)
    # Tokens are cached per scope: one request per repository for the
    # public ones (manifests and config blobs share it); the private ones
    # ask once, then once more after the refused token (the refetch).
    asked = [r for r in env.requests(issuer) if r["path"].startswith("/token")]
    scopes = sorted(s for r in asked for s in r.get("scopes", []))
    for image in public:
        repo = image.split("/", 1)[1].split(":")[0]
        n = scopes.count("repository:%s:pull" % repo)
        check(n == 1, "%d token requests for %s, wanted 1" % (n, repo))
    for image in private:
        repo = image.split("/", 1)[1].split(":")[0]
        n = scopes.count("repository:%s:pull" % repo)
        check(n == 2, "%d token requests for %s, wanted 2" % (n, repo))

    config = env.docker_config("token", auths={host: (user, password)})
    doc, err, _ = env.resolve(public + private, "--no-cache", "-vv",
                              env=env.env(docker_config=config))
    statuses = [im["status"] for im in doc["images"]]
    check(statuses == ["ok"] * 6, "with credentials: %s" % statuses)
    check(password not in err, "the password reached the trace log")
    check("eyJ" not in err, "a token (JWT) reached the trace log")
    check("Bearer [redacted]" in err or "Authorization [redacted]" in err,
          "no redacted Authorization line in the trace")


def case_token(env):
    token_case(env, "reg_token")


def case_token_kid(env):
    token_case(env, "reg_token_kid")


def case_token_expiry(env):
    """A token is asked for again once its expires_in has passed, before
    the registry refuses it: the issuer announces 1 s (the JWT lasts
    longer), and a slow proxy spaces the manifest and config requests."""
    issuer = os.path.join(env.servers, "reg_token", "issuer")
    proxy, proxy_dir = env.start_quirks("expiry", "--proxy",
                                        env.server("reg_token", "url"),
                                        "--delay", "1.2")
    announced = os.path.join(issuer, "expires_in")
    with open(announced, "w") as f:
        f.write("1\n")
    try:
        env.clear_requests(issuer)
        doc, _, _ = env.resolve([proxy + "/demo/single:1.0"], "--no-cache")
    finally:
        os.unlink(announced)
    check(doc["images"][0]["status"] == "ok", "answer: %s" % doc)
    scopes = [s for r in env.requests(issuer) for s in r.get("scopes", [])]
    check(scopes == ["repository:demo/single:pull"] * 2,
          "token requests: %s, wanted two (the first expired)" % scopes)
    refused = [r for r in env.requests(proxy_dir) if r["status"] == 401]
    check(len(refused) == 1, "the expired token was sent anyway: %s"
          % refused)


def case_redirect(env):
    """A front answering 307 to the token registry under another host name:
    the backend challenges on its own, and credentials are chosen by the
    host actually contacted."""
    front = env.server("reg_redirect")
    front_dir = os.path.join(env.servers, "reg_redirect")
    backend_dir = os.path.join(env.servers, "reg_token")
    backend = env.server("reg_token")
    swapped = backend.replace("127.0.0.1", "localhost")
    user, password = read(backend_dir + "/user"), read(
        backend_dir + "/password")
    images = [front + "/demo/multi:1.0", front + "/private/secret:1.0"]

    env.clear_requests(front_dir)
    doc, _, _ = env.resolve(images, "--no-cache")
    check([im["status"] for im in doc["images"]] == ["ok", "unauthorized"],
          "anonymous through the front: %s" % doc)
    check(env.requests(front_dir), "the front saw no request")

    # Credentials for the front's host are not the backend's.
    front_only = env.docker_config("front_only",
                                   auths={front: (user, password)})
    doc, _, _ = env.resolve(images, "--no-cache",
                            env=env.env(docker_config=front_only))
    check(doc["images"][1]["status"] == "unauthorized",
          "front credentials used for the backend: %s" % doc["images"][1])
    backend_creds = env.docker_config("backend",
                                      auths={swapped: (user, password)})
    doc, _, _ = env.resolve(images, "--no-cache",
                            env=env.env(docker_config=backend_creds))
    check([im["status"] for im in doc["images"]] == ["ok", "ok"],
          "backend credentials: %s" % doc)


def case_rescope(env):
    """A front sending clients on to the token registry under another
    repository name (moved/demo/x → demo/x): the backend's challenge names
    its own scope, and the token is asked for that scope, once."""
    issuer = os.path.join(env.servers, "reg_token", "issuer")
    front, _ = env.start_quirks("rescope", "--target",
                                env.server("reg_token", "url"))
    images = [front + "/moved/demo/multi:1.0",
              front + "/moved/demo/single:1.0"]
    env.clear_requests(issuer)
    doc, err, _ = env.resolve(images, "--no-cache")
    check([im["status"] for im in doc["images"]] == ["ok", "ok"],
          "through the renaming front: %s" % doc)
    scopes = [s for r in env.requests(issuer) for s in r.get("scopes", [])]
    check(sorted(scopes) == ["repository:demo/multi:pull",
                             "repository:demo/single:pull"],
          "token scopes asked: %s, wanted the backend's, once each" % scopes)


def case_front(env):
    """A front that demands Basic and then redirects to another host: the
    Authorization header goes to the front and never to the backend."""
    fault_dir = os.path.join(env.servers, "reg_fault")
    target = env.server("reg_fault", "url")
    front, front_dir = env.start_quirks("front", "--target", target,
                                        "--user", "fu", "--password", "fp")
    image = front + "/front/ok/demo:1.0"

    doc, _, _ = env.resolve([image], "--no-cache")
    check(doc["images"][0]["status"] == "unauthorized",
          "no credentials: %s" % doc)
    config = env.docker_config("front", auths={front: ("fu", "fp")})
    env.clear_requests(fault_dir)
    doc, _, _ = env.resolve([image], "--no-cache",
                            env=env.env(docker_config=config))
    im = doc["images"][0]
    check(im["status"] == "ok" and len(im["platforms"]) == 2,
          "through the front: %s" % im)
    front_log = env.requests(front_dir)
    check(any(r["authorization"] and r["status"] == 307 for r in front_log),
          "the front never got credentials: %s" % front_log)
    backend_log = env.requests(fault_dir)
    check(backend_log, "the backend saw no request")
    check(not any(r["authorization"] for r in backend_log),
          "Authorization followed the redirect: %s" % backend_log)


def case_quirks(env):
    host = env.server("reg_plain")
    quirks, _ = env.start_quirks("quirks", "--target",
                                 env.server("reg_plain", "url"))
    ratelimit = quirks + "/ratelimit/demo/multi:1.0"
    mismatch = quirks + "/mismatch/x:1"
    dateretry = quirks + "/dateretry/demo/list:2.1"
    longretry = quirks + "/longretry/x:1"
    doc, err, took = env.resolve([ratelimit, mismatch, dateretry, longretry],
                                 "--no-cache")
    got = doc["images"]
    check(got[0]["status"] == "ok", "ratelimit: %s" % got[0])
    check("rate limit nearly used up: 3 requests left" in err,
          "no rate limit warning in: %s" % err)
    check(err.count("rate limit nearly used up") == 1,
          "rate limit warned more than once per host")
    check(got[1]["status"] == "error" and "mismatch" in got[1]["error"],
          "Content-Type/mediaType mismatch: %s" % got[1])
    check(got[2]["status"] == "ok" and len(got[2]["platforms"]) == 8,
          "Retry-After date: %s" % got[2])
    check("dateretry/demo/list:2.1: 503, retrying in" in err,
          "no retry line for the HTTP-date case: %s" % err)
    check(got[3]["status"] == "error" and "3600" in got[3]["error"],
          "Retry-After over the cap: %s" % got[3])
    check(took < 30, "a Retry-After over the cap was waited for (%.0f s)"
          % took)
    del host

    # Schema1: a signed manifest's digest names its payload (distribution's
    # rule), by tag and by digest; an unsigned one keeps its served type.
    signed, plain = quirks + "/schema1/x:1", quirks + "/schema1plain/x:1"
    doc, err, _ = env.resolve([signed, plain], "--no-cache")
    got = doc["images"]
    check(got[0]["status"] == "ok" and got[0]["media_type"] ==
          "application/vnd.docker.distribution.manifest.v1+prettyjws" and
          [p["platform"] for p in got[0]["platforms"]] == ["linux/arm64"],
          "signed schema1: %s" % got[0])
    check(got[1]["status"] == "ok" and got[1]["media_type"] ==
          "application/vnd.docker.distribution.manifest.v1+json",
          "schema1 served as v1+json: %s" % got[1])
    by_digest = quirks + "/schema1/x@" + got[0]["digest"]
    cache = os.path.join(env.work, "cache")
    for _ in range(2):  # the second answer comes from the cache
        doc, err, _ = env.resolve([by_digest], "--cache-dir", cache)
        im = doc["images"][0]
        check(im["status"] == "ok" and im["platforms"] == got[0]["platforms"]
              and im["media_type"] == got[0]["media_type"],
              "signed schema1 by digest: %s %s" % (im, err))


def case_faults(env):
    host = env.server("reg_fault")
    fault_dir = os.path.join(env.servers, "reg_fault")
    cache = os.path.join(env.work, "cache")
    names = ["f429", "f503", "f502", "f504", "f500", "notfound", "stall",
             "badjson", "huge", "baddigest", "loop", "tofile", "truncated",
             "ok"]
    images = ["%s/%s/a:1" % (host, n) for n in names]
    # A port nobody listens on: curl's whole reason reaches the retry line.
    refused = "127.0.0.1:%d/refused/a:1" % closed_port()
    doc, err, _ = env.resolve(images + [refused], "--cache-dir", cache,
                              "--timeout", "3")
    got = dict(zip(names, doc["images"]))
    check(doc["images"][-1]["status"] == "error",
          "refused connection: %s" % doc["images"][-1])
    retry_lines = [line for line in err.splitlines()
                   if "/refused/a:1: " in line and "retrying" in line]
    check(len(retry_lines) == 4, "refused connection: %d retry lines, "
          "wanted 4: %s" % (len(retry_lines), err))
    check(all("Couldn't connect to server, retrying in" in line
              for line in retry_lines),
          "curl's reason cut short in: %s" % retry_lines)

    def expect(name, status, text=None):
        im = got[name]
        check(im["status"] == status, "%s: %s, wanted %s" % (
            name, im, status))
        if text:
            check(text in im.get("error", ""), "%s: error %r lacks %r" % (
                name, im.get("error"), text))

    expect("f429", "ok")
    check("%s/f429/a:1: 429, retrying in" % host in err,
          "no retry line naming the image for 429: %s" % err)
    for code in ("503", "502", "504"):
        expect("f" + code, "ok")
        check("%s/f%s/a:1: %s, retrying in" % (host, code, code) in err,
              "no %s retry line" % code)
    expect("f500", "error", "HTTP 500")
    expect("notfound", "not_found", "404")
    expect("stall", "error", "timed out")
    expect("badjson", "error", "JSON")
    expect("huge", "error", "over")
    expect("baddigest", "error", "mismatch")
    expect("loop", "error", "redirects")
    expect("tofile", "error", "refused")
    expect("truncated", "error")
    expect("ok", "ok")
    check("truncated/a:1: " in err and "retrying" in err,
          "connection errors were not retried")
    check(len(got["ok"]["platforms"]) == 2, "ok: %s" % got["ok"])

    # Each retried path was asked for exactly twice; the 500 once.
    log = env.requests(fault_dir)
    counts = {}
    for r in log:
        counts[r["path"]] = counts.get(r["path"], 0) + 1
    check(counts.get("/v2/f429/a/manifests/1") == 2,
          "429 asked %s times" % counts.get("/v2/f429/a/manifests/1"))
    for code in ("503", "502", "504"):
        path = "/v2/f%s/a/manifests/1" % code
        check(counts.get(path) == 2, "%s asked %s times, wanted 2" % (
            code, counts.get(path)))
    check(counts.get("/v2/f500/a/manifests/1") == 1, "500 was retried")
    check(counts.get("/v2/truncated/a/manifests/1") == 5,
          "truncated asked %s times, wanted 1 + 4 retries"
          % counts.get("/v2/truncated/a/manifests/1"))

    # The body that did not match its digest was never stored.
    stored = []
    for root, _, files in os.walk(cache):
        stored += files
    bad = [im for im in doc["images"] if im["image"].endswith("baddigest/a:1")]
    check(bad, "baddigest missing")
    doc2, _, _ = env.resolve([host + "/baddigest/a:1"], "--cache-dir", cache)
    check(doc2["images"][0]["status"] == "error",
          "a mismatched body was served from the cache")


def closed_port():
    """A loopback port that was free a moment ago."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def count(log, method):
    return sum(1 for r in log if r["method"] == method)


def case_cache_counts(env):
    """Through a counting proxy set as the mirror of a made-up registry:
    the first resolve GETs, a second within the TTL asks nothing, one after
    the TTL only HEADs, --no-cache GETs again."""
    backend = env.server("reg_plain", "url")
    proxy, proxy_dir = env.start_quirks("proxy", "--proxy", backend)
    mirror = "mirrored.example=http://" + proxy
    names = ["demo/multi:1.0", "demo/list:2.1", "demo/win:1.0",
             "demo/single:1.0", "demo/single-docker:1.0",
             "demo/variant-in-config:1.0"]
    images = ["mirrored.example/" + n for n in names]
    cache = os.path.join(env.work, "cache")
    common = ["--mirror", mirror, "--cache-dir", cache]

    first, _, _ = env.resolve(images, *common)
    check(all(im["status"] == "ok" for im in first["images"]),
          "first run: %s" % first)
    log = env.requests(proxy_dir)
    check(count(log, "GET") >= len(images) and count(log, "HEAD") == 0,
          "first run: %d GET, %d HEAD" % (count(log, "GET"),
                                          count(log, "HEAD")))
    tag_gets = [r for r in log if r["method"] == "GET" and "/manifests/" in
                r["path"] and "sha256:" not in r["path"]]
    check(len(tag_gets) == len(images),
          "a never-seen tag must cost one GET: %d" % len(tag_gets))

    env.clear_requests(proxy_dir)
    second, _, _ = env.resolve(images, *common)
    check(second == first, "cached answers differ")
    log = env.requests(proxy_dir)
    check(log == [], "a resolve within the TTL made requests: %s" % log)

    time.sleep(2.2)
    env.clear_requests(proxy_dir)
    third, _, _ = env.resolve(images, *common, "--ttl", "2")
    check(third == first, "answers after the TTL differ")
    log = env.requests(proxy_dir)
    check(count(log, "HEAD") == len(images) and count(log, "GET") == 0,
          "after the TTL: %d HEAD, %d GET, wanted %d HEAD only" % (
              count(log, "HEAD"), count(log, "GET"), len(images)))

    env.clear_requests(proxy_dir)
    fourth, _, _ = env.resolve(images, *common, "--no-cache")
    check(fourth == first, "--no-cache answers differ")
    log = env.requests(proxy_dir)
    check(count(log, "GET") >= len(images), "--no-cache used the cache")


def case_tag_ttl(env):
    """`archmatrix resolve --tag-ttl 0` (or `registries.tag_ttl: 0`) asks
    the registry again on every run: a tag pushed anew is seen at once,
    with one HEAD per cached tag. A command-line value wins over the
    configuration, 0 included."""
    check(env.archmatrix, "no --archmatrix given")
    backend = env.server("reg_plain", "url")
    directory = os.path.join(env.servers, "reg_plain")
    proxy, proxy_dir = env.start_quirks("ttlproxy", "--proxy", backend)
    image = proxy + "/ttl/zero:1.0"
    cache = os.path.join(env.work, "cache")

    def push(platform):
        spec = os.path.join(env.work, "spec.json")
        with open(spec, "w") as f:
            json.dump({"images": [{"name": "ttl/zero", "tag": "1.0",
                                   "kind": "oci-manifest",
                                   "platform": platform}]}, f)
        out = subprocess.run([PYTHON, SERVERCTL, "push", "--dir", directory,
                              "--spec", spec], check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out)["images"]["ttl/zero:1.0"]["digest"]

    def config(ttl):
        path = os.path.join(env.work, "config-%d.json" % ttl)
        with open(path, "w") as f:
            json.dump({"registries": {"tag_ttl": ttl}}, f)
        return path

    def resolve(*options):
        env.clear_requests(proxy_dir)
        proc = subprocess.run(
            [env.archmatrix, "resolve", "--format", "json", "--cache-dir",
             cache] + list(options) + [image],
            capture_output=True, text=True, env=env.env(), timeout=120)
        check(proc.returncode == 0, "archmatrix resolve %s: exit %d: %s" % (
            " ".join(options), proc.returncode, proc.stderr))
        im = json.loads(proc.stdout)["images"][0]
        return im["digest"], [p["platform"] for p in im["platforms"]], \
            env.requests(proxy_dir)

    amd64 = push("linux/amd64")
    digest, platforms, _ = resolve()
    check((digest, platforms) == (amd64, ["linux/amd64"]),
          "first answer: %s %s" % (digest, platforms))

    # Within the default hour the cache answers, without a request.
    arm64 = push("linux/arm64")
    digest, _, log = resolve()
    check(digest == amd64 and log == [],
          "default TTL: %s after %s" % (digest, log))

    digest, platforms, log = resolve("--tag-ttl", "0")
    check((digest, platforms) == (arm64, ["linux/arm64"]),
          "--tag-ttl 0 after a re-push: %s %s" % (digest, platforms))
    check(count(log, "HEAD") == 1, "--tag-ttl 0: %d HEAD, wanted 1: %s"
          % (count(log, "HEAD"), log))
    digest, _, log = resolve("--tag-ttl", "0")
    check(digest == arm64 and [r["method"] for r in log] == ["HEAD"],
          "--tag-ttl 0, tag unchanged: wanted one HEAD, got %s" % log)

    # From the configuration file, and the command line over it.
    amd64_again = push("linux/amd64")
    check(amd64_again == amd64, "the build is not deterministic")
    digest, _, log = resolve("-c", config(0))
    check(digest == amd64 and count(log, "HEAD") == 1,
          "registries.tag_ttl 0: %s after %s" % (digest, log))
    push("linux/arm64")
    digest, _, log = resolve("-c", config(3600), "--tag-ttl", "0")
    check(digest == arm64 and count(log, "HEAD") == 1,
          "--tag-ttl 0 over registries.tag_ttl 3600: %s after %s"
          % (digest, log))
    push("linux/amd64")
    digest, _, log = resolve("-c", config(0), "--tag-ttl", "3600")
    check(digest == arm64 and log == [],
          "--tag-ttl 3600 over registries.tag_ttl 0: %s after %s"
          % (digest, log))


def case_shared_fetch(env):
    """Three tags naming one image, resolved at once through a slow
    counting proxy: each child manifest and config is fetched once; the
    jobs that need it while it is on its way wait for that one answer."""
    backend = env.server("reg_plain", "url")
    directory = os.path.join(env.servers, "reg_plain")
    spec = os.path.join(env.work, "spec.json")
    tags = ["a", "b", "c"]
    with open(spec, "w") as f:
        json.dump({"images": [
            {"name": "shared/single", "tags": tags, "kind": "oci-manifest",
             "platform": "linux/amd64"},
            {"name": "shared/index", "tags": tags, "kind": "oci-index",
             "platforms": [{"platform": "linux/arm/v6",
                            "index_platform": "linux/arm",
                            "config_variant": "v6"}]}]}, f)
    subprocess.run([PYTHON, SERVERCTL, "push", "--dir", directory, "--spec",
                    spec], check=True, capture_output=True)
    proxy, proxy_dir = env.start_quirks("shared", "--proxy", backend,
                                        "--delay", "0.3")
    images = ["%s/shared/%s:%s" % (proxy, name, t)
              for name in ("single", "index") for t in tags]
    doc, _, _ = env.resolve(images, "--no-cache")
    check(all(im["status"] == "ok" and len(im["platforms"]) == 1
              for im in doc["images"]), "answers: %s" % doc)
    log = env.requests(proxy_dir)
    by_digest = {}
    for r in log:
        if r["method"] == "GET" and "sha256:" in r["path"]:
            by_digest[r["path"]] = by_digest.get(r["path"], 0) + 1
    check(len(by_digest) == 3, "wanted a config, a child manifest and its "
          "config by digest: %s" % sorted(by_digest))
    twice = {p: n for p, n in by_digest.items() if n != 1}
    check(not twice, "fetched more than once in one run: %s" % twice)
    tag_gets = [r for r in log if "/manifests/" in r["path"] and
                "sha256:" not in r["path"]]
    check(len(tag_gets) == len(images), "tag requests: %s" % tag_gets)


def case_concurrency(env):
    """In-flight limits per registry and overall, seen by a slow proxy."""
    pushed = env.pushed("reg_plain")
    backend = env.server("reg_plain", "url")
    proxy, proxy_dir = env.start_quirks("slow", "--proxy", backend,
                                        "--delay", "0.25")
    images = ["%s/%s" % (proxy, n) for n in sorted(pushed["images"])
              if not n.startswith("private/")] 
    check(len(images) >= 8, "too few fixture images for this test")
    limit_file = os.path.join(proxy_dir, "max_inflight")

    def run(*options):
        if os.path.exists(limit_file):
            os.unlink(limit_file)
        doc, _, _ = env.resolve(images, "--no-cache", *options)
        check(all(im["status"] == "ok" for im in doc["images"]), str(doc))
        return int(read(limit_file))

    seen = run("--per-registry", "2")
    check(seen <= 2, "per-registry 2, yet %d in flight" % seen)
    seen = run("--per-registry", "8", "--overall", "3")
    check(seen <= 3, "overall 3, yet %d in flight" % seen)
    seen = run()
    check(2 < seen <= 8, "default limits: %d in flight, wanted 3..8" % seen)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--archmatrix", help="the archmatrix binary")
    parser.add_argument("--servers", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("case")
    args = parser.parse_args()
    func = globals().get("case_" + args.case)
    if func is None:
        sys.stderr.write("unknown case %s\n" % args.case)
        return 2
    env = Env(args)
    try:
        func(env)
    except Failed as err:
        sys.stderr.write("FAIL %s: %s\n" % (args.case, err))
        return 1
    finally:
        env.stop()
    print("PASS %s" % args.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
