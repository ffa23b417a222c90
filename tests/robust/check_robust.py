#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Robustness tests: the archmatrix binary against hostile registries,
planted secrets, TLS, interrupts and oversized inputs.

    check_robust.py --bin ARCHMATRIX --servers DIR --work DIR CASE

The ctest fixtures (tests/servers/servers.cmake) have started the servers
under --servers; cases that need a server of their own (the TLS and
hostile registries, the quirk front) start it here and stop it by pid.
Checks count requests in the servers' logs; none asserts on seconds.
"""

import argparse
import base64
import glob
import html
import json
import os
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(TESTS, "integration"))
import amtest  # noqa: E402
from amtest import check  # noqa: E402

PYTHON = "/usr/bin/python3"
PLATFORMS = "linux/amd64,linux/arm64"


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read().strip()


def log_lines(directory):
    path = os.path.join(directory, "requests.log")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def free_port():
    """A loopback port nothing listens on (bound, then released)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_repo(root, files):
    """A git repository at `root` holding `files` ({path: text or bytes})."""
    src = root + ".src"
    shutil.rmtree(src, ignore_errors=True)
    for path, data in files.items():
        full = os.path.join(src, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
    amtest.git_repo(src, root)
    shutil.rmtree(src)
    return root


class Env:
    def __init__(self, args):
        self.bin = args.bin
        self.servers = args.servers
        self.work = args.work
        self.scripts = amtest.Scripts(self.work)
        shutil.rmtree(self.work, ignore_errors=True)
        os.makedirs(self.work)
        self.home = os.path.join(self.work, "home")
        os.makedirs(self.home)

    def server_dir(self, name):
        return os.path.join(self.servers, name)

    def server(self, name, what="host"):
        return read(os.path.join(self.servers, name, what))

    def env(self, **extra):
        """A clean environment: no credentials, no CA variables."""
        env = {"HOME": self.home, "PATH": os.environ.get("PATH", "/usr/bin"),
               "XDG_CACHE_HOME": os.path.join(self.work, "xdg")}
        for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(extra)
        return env

    def run(self, argv, env=None, timeout=170):
        """Run archmatrix; returns (exit code, stdout, stderr, max RSS MiB)."""
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run([self.bin] + argv, capture_output=True,
                              env=env or self.env(), timeout=timeout)
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return (proc.returncode, proc.stdout.decode(errors="replace"),
                proc.stderr.decode(errors="replace"),
                max(rss, before) / 1024.0)

    def start(self, name, argv):
        """Start a server script writing DIR/port; returns (host, dir)."""
        return self.scripts.start(name, argv)

    def stop(self):
        self.scripts.stop()


def load_site(site):
    data = amtest.load_json(os.path.join(site, "data.json"))
    rows = {r["image"]: r for r in data["analysis"]["rows"]}
    images = {im["image"]: im for im in data["images"]}
    return data, rows, images


def page_text(site, row):
    with open(os.path.join(site, "images", row["page"] + ".html"),
              encoding="utf-8") as f:
        return f.read()


# -- faults through `report` ---------------------------------------------------

def case_faults(env):
    """Every fault of the fault server, a token server answering 500 and a
    refused connection, in one `report` run beside images that work."""
    fault = env.server("robust_fault")
    fault_dir = env.server_dir("robust_fault")
    reg = env.server("robust_reg")
    tok = env.server("robust_tokfail")
    issuer_dir = os.path.join(env.server_dir("robust_tokfail"), "issuer")
    sfx = secrets.token_hex(4)   # "first time" is per path: fresh names
    refused = "127.0.0.1:%d" % free_port()

    # name → (image, reason in the error, most requests to its paths)
    bad = {
        "f500": (fault + "/f500/r%s:1" % sfx, "HTTP 500", 5),
        # A Retry-After no integer holds is a wait over the cap: one
        # request, failed at once with the wait in the error.
        "f429huge": (fault + "/f429huge/r%s:1" % sfx, "asked to wait", 1),
        "stall": (fault + "/stall/r%s:1" % sfx, "timed out", 2),
        "truncated": (fault + "/truncated/r%s:1" % sfx, "transfer closed", 5),
        "badjson": (fault + "/badjson/r%s:1" % sfx, "JSON", 2),
        "huge": (fault + "/huge/r%s:1" % sfx, "over", 2),
        "baddigest": (fault + "/baddigest/r%s:1" % sfx, "mismatch", 2),
        "loop": (fault + "/loop/r%s:1" % sfx, "redirects", 11),
        "tofile": (fault + "/tofile/r%s:1" % sfx, "refused", 1),
        "token500": (tok + "/demo/multi:1.0", "token", None),
        "refused": (refused + "/x/r%s:1" % sfx, "connect", None),
    }
    good = {
        "f429": (fault + "/f429/r%s:1" % sfx, 2),
        "f503": (fault + "/f503/r%s:1" % sfx, 2),
        "ok": (fault + "/ok/r%s:1" % sfx, 1),
        "registry": (reg + "/demo/multi:1.0", None),
    }
    # An index listing nothing: answered, with no platform (and no crash
    # in the sanitizer build, which once sorted its NULL list).
    empty = fault + "/emptyindex/r%s:1" % sfx
    files = {"emptyindex/Dockerfile": "FROM %s\n" % empty}
    for name, entry in list(bad.items()) + list(good.items()):
        files["%s/Dockerfile" % name] = "FROM %s\n" % entry[0]
    repo = write_repo(os.path.join(env.work, "repo"), files)
    site = os.path.join(env.work, "site")

    tokens_before = len(log_lines(issuer_dir))
    fail_flag = os.path.join(issuer_dir, "fail")
    open(fail_flag, "w").close()
    try:
        rc, out, err, _ = env.run(
            ["report", repo, "-o", site, "--no-cache", "--timeout", "5",
             "--platforms", PLATFORMS])
    finally:
        os.unlink(fail_flag)
    check(rc == 3, "report exit %d, wanted 3; stderr: %s" % (rc, err[-3000:]))
    check(out.strip() == site + "/index.html", "stdout: %r" % out)
    data, rows, images = load_site(site)

    for name, (image, reason, _) in bad.items():
        im = images.get(image)
        check(im is not None, "%s: %s not in data.json" % (name, image))
        check(im["status"] in ("error", "unauthorized"),
              "%s: status %s, wanted error: %s" % (name, im["status"], im))
        check(reason.lower() in im.get("error", "").lower(),
              "%s: error %r does not say %r" % (name, im.get("error"), reason))
        row = rows[image]
        for platform, cell in row["cells"].items():
            check(cell["state"] == "unknown",
                  "%s: %s is %s, wanted unknown" % (name, platform, cell))
            check(cell.get("note") and reason.lower() in cell["note"].lower(),
                  "%s: cell note %r lacks the reason %r" % (
                      name, cell.get("note"), reason))
        page = page_text(site, row)
        check(im["error"] in html.unescape(page),
              "%s: the image page does not show %r" % (name, im["error"]))
    for name, (image, _) in good.items():
        row = rows.get(image)
        check(row is not None, "%s: no row for %s" % (name, image))
        states = {p: c["state"] for p, c in row["cells"].items()}
        check(set(states.values()) == {"published"},
              "%s: cells %s, wanted all published" % (name, states))

    check(images[empty]["status"] == "ok" and
          images[empty]["platforms"] == [],
          "emptyindex: %s, wanted ok with no platform" % images[empty])
    states = {c["state"] for c in rows[empty]["cells"].values()}
    check(states == {"missing"}, "emptyindex: cells %s, wanted missing" %
          states)

    # Requests stay bounded, per fault and in all.
    log = log_lines(fault_dir)
    counts = {}
    for r in log:
        if sfx in r["path"]:
            seg = r["path"].split("/")[2]
            counts[seg] = counts.get(seg, 0) + 1
    for name, (_, _, most) in bad.items():
        if most is not None:
            check(0 < counts.get(name, 0) <= most,
                  "%s: %s requests, wanted 1..%d" % (
                      name, counts.get(name, 0), most))
    for name, (_, most) in good.items():
        if most is not None and name != "ok":
            check(counts.get(name, 0) == most, "%s: %s requests, wanted %d" % (
                name, counts.get(name, 0), most))
    check(sum(counts.values()) <= 41, "%d requests to the fault server" %
          sum(counts.values()))
    tokens = len(log_lines(issuer_dir)) - tokens_before
    check(0 < tokens <= 5, "%d token requests while the issuer failed" %
          tokens)
    print("fault server requests: %s; token requests: %d" % (counts, tokens))


# -- secrets -----------------------------------------------------------------

def case_secrets(env):
    """Credentials from the docker config never reach stdout, stderr (up to
    -v -v -v), data.json, the HTML or the cache, while they are used."""
    planted = []
    auths = {}
    images = []
    for fixture in ("robust_tok", "robust_htp"):
        host = env.server(fixture)
        user = env.server(fixture, "user")
        password = env.server(fixture, "password")
        auths[host] = {"auth": base64.b64encode(
            ("%s:%s" % (user, password)).encode()).decode()}
        planted += [password, auths[host]["auth"]]
        images += [host + "/private/secret:1.0", host + "/demo/multi:1.0"]
    # One more, for a registry the repository names but never answers.
    never = "PLANTED-" + secrets.token_hex(8)
    auths["never.invalid"] = {"auth": base64.b64encode(
        ("u:" + never).encode()).decode()}
    planted += [never, auths["never.invalid"]["auth"]]
    images.append("never.invalid/x/y:1")
    config_dir = os.path.join(env.work, "docker")
    os.makedirs(config_dir)
    with open(os.path.join(config_dir, "config.json"), "w") as f:
        json.dump({"auths": auths}, f)
    repo = write_repo(os.path.join(env.work, "repo"), {
        "d%d/Dockerfile" % i: "FROM %s\n" % im for i, im in enumerate(images)})

    for verbosity in (["-v", "-v"], ["-v", "-v", "-v"]):
        site = os.path.join(env.work, "site%d" % len(verbosity))
        cache = os.path.join(env.work, "cache%d" % len(verbosity))
        rc, out, err, _ = env.run(
            ["report", repo, "-o", site, "--cache-dir", cache, "--timeout",
             "5", "--platforms", PLATFORMS] + verbosity,
            env=env.env(DOCKER_CONFIG=config_dir))
        check(rc == 3, "exit %d (never.invalid must fail): %s" % (
            rc, err[-2000:]))
        _, _, answers = load_site(site)
        for im in images[:-1]:
            check(answers[im]["status"] == "ok",
                  "%s: %s (were the credentials used?)" % (im, answers[im]))
        if len(verbosity) == 3:
            check("[redacted]" in err, "no redacted Authorization in trace")
        outputs = {"stdout": out, "stderr": err}
        for root in (site, cache):
            for path in glob.glob(root + "/**", recursive=True):
                if os.path.isfile(path):
                    with open(path, "rb") as f:
                        outputs[path] = f.read().decode(errors="replace")
        check(any(p.endswith("data.json") for p in outputs), "no data.json")
        for secret in planted:
            for where, text in outputs.items():
                check(secret not in text, "a planted secret (%s...) is in %s"
                      % (secret[:4], where))
    print("%d planted secrets absent from %d outputs" % (
        len(planted), len(outputs)))


def all_outputs(out, err, roots):
    """{where: text} for stdout, stderr and every file under `roots`."""
    outputs = {"stdout": out, "stderr": err}
    for root in roots:
        for path in glob.glob(root + "/**", recursive=True):
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    outputs[path] = f.read().decode(errors="replace")
    return outputs


def case_token_injection(env):
    """A token server answering a "token" with CR LF in it: the token
    request fails with one clear error, the registry never receives the
    smuggled header, and the -v -v -v trace does not show it."""
    fault = env.server("robust_fault")
    fault_dir = env.server_dir("robust_fault")
    sfx = secrets.token_hex(4)
    image = fault + "/injecttoken/r%s:1" % sfx
    repo = write_repo(os.path.join(env.work, "repo"),
                      {"a/Dockerfile": "FROM %s\n" % image})
    site = os.path.join(env.work, "site")
    rc, out, err, _ = env.run(["report", repo, "-o", site, "--no-cache",
                               "--platforms", PLATFORMS, "-v", "-v", "-v"])
    check(rc == 3, "exit %d, wanted 3: %s" % (rc, err[-2000:]))
    _, _, images = load_site(site)
    error = images[image].get("error", "")
    check(images[image]["status"] != "ok" and "malformed token" in error,
          "the token was not refused: %s" % images[image])
    mine = [r for r in log_lines(fault_dir) if sfx in r["path"]]
    check(mine, "the registry saw no request")
    check(not any(r.get("injected") for r in log_lines(fault_dir)),
          "the registry received the injected header")
    for where, text in all_outputs(out, err, [site]).items():
        check("X-Injected" not in text, "the token's text is in %s" % where)
    print("refused: %s; %d registry requests" % (error, len(mine)))


def case_secret_echo(env):
    """Registries and token servers that echo the credentials they got in
    their error messages (the password, user:password, its base64 form,
    the bearer token): the secrets reach no stdout, stderr (-v -v -v),
    site or cache file; the errors say [redacted] instead."""
    fault = env.server("robust_fault")
    sfx = secrets.token_hex(4)
    user = "echouser"
    password = "ECHOPW-" + secrets.token_hex(8)
    basic = base64.b64encode(("%s:%s" % (user, password)).encode()).decode()
    config_dir = os.path.join(env.work, "docker")
    os.makedirs(config_dir)
    with open(os.path.join(config_dir, "config.json"), "w") as f:
        json.dump({"auths": {fault: {"auth": basic}}}, f)
    planted = [password, basic, "%s:%s" % (user, password)]
    # One run per mode: each teaches the host a challenge of its own.
    for mode in ("echo401", "echobearer", "echotoken"):
        name = "r%s%s" % (sfx, mode[4:])
        image = "%s/%s/%s:1" % (fault, mode, name)
        token = "ECHOTOK-" + name
        repo = write_repo(os.path.join(env.work, "repo-" + mode),
                          {"a/Dockerfile": "FROM %s\n" % image})
        site = os.path.join(env.work, "site-" + mode)
        cache = os.path.join(env.work, "cache-" + mode)
        rc, out, err, _ = env.run(
            ["report", repo, "-o", site, "--cache-dir", cache, "--platforms",
             PLATFORMS, "-v", "-v", "-v"],
            env=env.env(DOCKER_CONFIG=config_dir))
        check(rc == 3, "%s: exit %d, wanted 3: %s" % (mode, rc, err[-2000:]))
        _, _, images = load_site(site)
        error = images[image].get("error", "")
        check(images[image]["status"] != "ok" and "[redacted]" in error,
              "%s: the echo is not redacted in %r" % (mode, error))
        outputs = all_outputs(out, err, [site, cache])
        for secret in planted + [token]:
            for where, text in outputs.items():
                check(secret not in text, "%s: a secret (%s...) is in %s" % (
                    mode, secret[:9], where))
        print("%s: %s" % (mode, error))


def case_bad_children(env):
    """An index of 1,000 entries whose children all fail their digest:
    the first mismatch fails the image and stops fetching the rest."""
    fault = env.server("robust_fault")
    fault_dir = env.server_dir("robust_fault")
    sfx = secrets.token_hex(4)
    image = fault + "/badchildren/r%s:1" % sfx
    rc, out, err, _ = env.run(["resolve", image, "--format", "json",
                               "--no-cache"])
    check(rc == 3, "exit %d, wanted 3: %s" % (rc, err[-2000:]))
    answer = json.loads(out)["images"][0]
    check(answer["status"] == "error" and "mismatch" in answer["error"],
          "the image did not fail with the mismatch: %s" % answer)
    gets = [r for r in log_lines(fault_dir) if sfx in r["path"]]
    # The index, then at most one window of children in flight (8 per
    # registry) besides the first to fail, and a little slack.
    check(len(gets) <= 20, "%d requests for one index of bad children" %
          len(gets))
    print("%s; %d requests" % (answer["error"], len(gets)))


def case_git_userinfo(env):
    """A user and password in a git source URL are used for the clone and
    fetch, and appear nowhere archmatrix writes: stdout, stderr (up to
    -v -v -v), the site (history included), the cache (the mirror's
    config and folder names), nor the messages of a failed clone."""
    git_dir = env.server_dir("robust_git")
    host = env.server("robust_git")
    user = env.server("robust_git", "user")
    password = env.server("robust_git", "password")
    image = env.server("robust_reg") + "/demo/multi:1.0"
    repos = os.path.join(git_dir, "repos")
    name = "ui-%s.git" % secrets.token_hex(4)
    work = write_repo(os.path.join(env.work, "src"),
                      {"img/Dockerfile": "FROM %s\n" % image})
    subprocess.run(["git", "clone", "-q", "--bare", work,
                    os.path.join(repos, name)], check=True)
    shown = "http://%s/auth-git/%s" % (host, name)
    url = "http://%s:%s@%s/auth-git/%s" % (user, password, host, name)
    site = os.path.join(env.work, "site")
    cache = os.path.join(env.work, "cache")
    outputs = {}

    def run(label, argv, want_rc):
        rc, out, err, _ = env.run(argv + ["--cache-dir", cache])
        check(rc == want_rc, "%s: exit %d, not %d: %s" % (
            label, rc, want_rc, err[-2000:]))
        outputs[label + " stdout"] = out
        outputs[label + " stderr"] = err
        return out, err

    # Without the password the server refuses: the clone below works only
    # because archmatrix hands the URL's credentials to libgit2.
    _, err = run("no password", ["scan", shown, "--format", "json"], 1)
    check("URL holds none" in err, "no credentials error: %s" % err)
    for verbosity in (["-v", "-v", "-v"], ["-v", "-v"]):   # clone, fetch
        run("report %d" % len(verbosity),
            ["report", url, "-o", site, "--platforms", PLATFORMS]
            + verbosity, 0)
    data, _, _ = load_site(site)
    check(data["sources"][0]["source"]["url"] == shown,
          "data.json names %s" % data["sources"][0]["source"])
    out, _ = run("scan json", ["scan", url, "--format", "json", "-v"], 0)
    check(json.loads(out)["source"]["url"] == shown,
          "scan names %s" % json.loads(out)["source"])
    run("scan table", ["scan", url, "--format", "table"], 0)
    config = os.path.join(env.work, "config.json")
    with open(config, "w") as f:
        json.dump({"sources": [{"url": url}]}, f)
    run("config", ["report", "-c", config, "-o", site, "--platforms",
                   PLATFORMS, "-v"], 0)
    wrong = url.replace(password, "WRONG-" + password[::-1])
    _, err = run("wrong password", ["scan", wrong, "-v", "-v"], 1)
    check("refused" in err, "no refusal: %s" % err)
    _, err = run("missing repo", ["report", url.replace(name, "none.git"),
                                  "-o", site], 1)
    check("none.git" in err, "the error does not name the URL: %s" % err)

    for root in (site, cache):
        for path in glob.glob(root + "/**", recursive=True):
            outputs["path " + path] = path
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    outputs[path] = f.read().decode(errors="replace")
    check(any(p.endswith("/config") for p in outputs), "no mirror config")
    check(any("/history/" in p for p in outputs), "no history file")
    for secret in (password, password[::-1], user + ":", user + "@"):
        for where, text in outputs.items():
            check(secret not in text, "%s... from the URL is in %s"
                  % (secret[:4], where))
    print("the URL's password absent from %d outputs" % len(outputs))


def case_helper_hang(env):
    """A credential helper that never answers (a keychain waiting for a
    prompt) is given up on after its time limit: the run goes on without
    credentials and says why, instead of hanging the scheduled job."""
    host = env.server("robust_htp")
    bindir = os.path.join(env.work, "bin")
    os.makedirs(bindir)
    helper = os.path.join(bindir, "docker-credential-hang")
    with open(helper, "w") as f:
        f.write("#!/bin/sh\nexec sleep 300\n")
    os.chmod(helper, 0o755)
    config_dir = os.path.join(env.work, "docker")
    os.makedirs(config_dir)
    with open(os.path.join(config_dir, "config.json"), "w") as f:
        json.dump({"credHelpers": {host: "hang"}}, f)
    image = host + "/private/secret:1.0"
    env_vars = env.env(DOCKER_CONFIG=config_dir,
                       ARCHMATRIX_HELPER_TIMEOUT="2")
    env_vars["PATH"] = bindir + ":" + env_vars["PATH"]
    # The subprocess timeout is the hang detector: 300 s of sleep would
    # overrun it.
    rc, out, err, _ = env.run(["resolve", image, "--no-cache"],
                              env=env_vars, timeout=90)
    check(rc == 3, "exit %d, wanted 3 (unauthorized): %s" % (rc, err[-2000:]))
    check("docker-credential-hang did not answer within 2 s" in err,
          "no warning naming the helper: %r" % err[-2000:])
    status = json.loads(out)["images"][0]["status"]
    check(status == "unauthorized", "status %s, wanted unauthorized" % status)


def case_bad_auth_entry(env):
    """A docker config entry that is not base64, or not user:password, is
    named in one warning with the file, and the run goes on without it."""
    host = env.server("robust_htp")
    cases = (("notb64", "!!!notbase64"),
             ("nocolon", base64.b64encode(b"nocolon").decode()))
    for i, (name, auth) in enumerate(cases):
        config_dir = os.path.join(env.work, "docker%d" % i)
        os.makedirs(config_dir)
        with open(os.path.join(config_dir, "config.json"), "w") as f:
            json.dump({"auths": {host: {"auth": auth}}}, f)
        rc, out, err, _ = env.run(
            ["resolve", host + "/private/secret:1.0", "--no-cache"],
            env=env.env(DOCKER_CONFIG=config_dir), timeout=90)
        check(rc == 3, "%s: exit %d, wanted 3: %s" % (name, rc, err[-2000:]))
        warnings = [line for line in err.splitlines()
                    if "going on without credentials for " + host in line]
        check(len(warnings) == 1 and "config.json" in warnings[0],
              "%s: wanted one warning naming the file: %r" % (name, err))
        check("nocolon" not in err and auth not in err,
              "%s: the entry's text is in stderr" % name)


def case_redirect_auth(env):
    """A front that wants Basic credentials and then redirects to another
    host: `report` sends Authorization to the front, never to the
    backend."""
    fault_dir = env.server_dir("robust_fault")
    sfx = secrets.token_hex(4)
    front, front_dir = env.start("front", [
        os.path.join(TESTS, "registry", "quirk_server.py"), "--target",
        env.server("robust_fault", "url"), "--user", "fu", "--password",
        "fp-" + sfx])
    image = front + "/front/ok/r%s:1" % sfx
    config_dir = os.path.join(env.work, "docker")
    os.makedirs(config_dir)
    with open(os.path.join(config_dir, "config.json"), "w") as f:
        json.dump({"auths": {front: {"auth": base64.b64encode(
            ("fu:fp-" + sfx).encode()).decode()}}}, f)
    repo = write_repo(os.path.join(env.work, "repo"),
                      {"a/Dockerfile": "FROM %s\n" % image})
    site = os.path.join(env.work, "site")
    rc, _, err, _ = env.run(["report", repo, "-o", site, "--no-cache",
                             "--platforms", PLATFORMS],
                            env=env.env(DOCKER_CONFIG=config_dir))
    check(rc == 0, "exit %d: %s" % (rc, err[-2000:]))
    _, rows, _ = load_site(site)
    states = {c["state"] for c in rows[image]["cells"].values()}
    check(states == {"published"}, "through the front: %s" % rows[image])
    front_log = log_lines(front_dir)
    check(any(r.get("authorization") and r["status"] == 307
              for r in front_log), "the front never got credentials")
    backend = [r for r in log_lines(fault_dir) if sfx in r["path"]]
    check(backend, "the backend saw no request")
    check(not any(r["authorization"] for r in backend),
          "Authorization followed the redirect: %s" % backend)
    print("front: %d requests, backend: %d, none with Authorization" % (
        len(front_log), len(backend)))


# -- TLS ---------------------------------------------------------------------

def make_cert(directory):
    """A self-signed CA and a certificate for 127.0.0.1 signed by it."""
    def openssl(*argv):
        p = subprocess.run(["openssl"] + list(argv), cwd=directory,
                           capture_output=True, text=True)
        check(p.returncode == 0, "openssl %s: %s" % (argv[0], p.stderr))
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=archmatrix test CA", "-keyout", "ca.key",
            "-out", "ca.pem")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
            "-keyout", "server.key", "-out", "server.csr")
    with open(os.path.join(directory, "ext.cnf"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey",
            "ca.key", "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf",
            "-out", "server.pem")
    return os.path.join(directory, "ca.pem")


def case_tls(env):
    """A registry with a certificate no system CA signed: a clear error by
    default; it works with --ca-file and with SSL_CERT_FILE."""
    certs = os.path.join(env.work, "certs")
    os.makedirs(certs)
    ca = make_cert(certs)
    host, _ = env.start("tls", [
        os.path.join(HERE, "hostile_server.py"), "--tls-cert",
        os.path.join(certs, "server.pem"), "--tls-key",
        os.path.join(certs, "server.key")])
    mirror = ["--registry-mirror", "tls.example=https://" + host]
    image = "tls.example/tls/app:1.0"

    rc, out, err, _ = env.run(["resolve", image, "--format", "json",
                               "--no-cache"] + mirror)
    check(rc == 3, "unverified TLS: exit %d, wanted 3: %s" % (rc, err))
    answer = json.loads(out)["images"][0]
    check(answer["status"] == "error" and
          "certificate" in answer.get("error", "").lower(),
          "the error does not name the certificate: %s" % answer)
    print("without a CA: %s" % answer["error"])

    for how, argv, extra in (("--ca-file", ["--ca-file", ca], {}),
                             ("SSL_CERT_FILE", [], {"SSL_CERT_FILE": ca})):
        rc, out, err, _ = env.run(["resolve", image, "--format", "json",
                                   "--no-cache"] + mirror + argv,
                                  env=env.env(**extra))
        check(rc == 0, "%s: exit %d: %s" % (how, rc, err))
        answer = json.loads(out)["images"][0]
        got = sorted(p["platform"] for p in answer["platforms"])
        check(got == ["linux/amd64", "linux/arm64"], "%s: %s" % (how, answer))


# -- interrupts ----------------------------------------------------------------

def tmp_folders(parent):
    return [n for n in os.listdir(parent) if ".tmp-" in n]


def case_sigint_render(env):
    """SIGINT while the site is being written: one message, exit 130, the
    temporary folder removed, the previous site untouched. (SIGKILL at any
    file is unit.report_publish's test_killed_run_keeps_site.)"""
    host, _ = env.start("hostile", [os.path.join(HERE, "hostile_server.py")])
    n = 1500
    pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n" + "".join(
        "  - image: %s/ok/img%d:1\n" % (host, i) for i in range(n))
    repo = write_repo(os.path.join(env.work, "repo"), {"pod.yaml": pod})
    out_parent = os.path.join(env.work, "out")
    os.makedirs(out_parent)
    site = os.path.join(out_parent, "site")
    cache = os.path.join(env.work, "cache")
    argv = ["report", repo, "-o", site, "--cache-dir", cache, "--platforms",
            PLATFORMS]
    rc, _, err, _ = env.run(argv)
    check(rc == 0, "first run: exit %d: %s" % (rc, err[-2000:]))
    with open(os.path.join(site, "index.html"), "rb") as f:
        before = f.read()
    before_data = read(os.path.join(site, "data.json"))

    caught = False
    for attempt in range(5):
        proc = subprocess.Popen([env.bin] + argv, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env.env())
        while proc.poll() is None and not tmp_folders(out_parent):
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        err = err.decode(errors="replace")
        if proc.returncode == 0:
            continue    # finished before the signal: try again
        caught = True
        check(proc.returncode == 130, "exit %d after SIGINT, wanted 130: %s"
              % (proc.returncode, err[-2000:]))
        check(err.count("interrupted") == 1 and "error: interrupted" in err,
              "not one interrupt message: %r" % err[-2000:])
        check(out == b"", "stdout after SIGINT: %r" % out)
        break
    check(caught, "the run always finished before SIGINT reached it")
    check(tmp_folders(out_parent) == [], "temporary folders left: %s" %
          tmp_folders(out_parent))
    with open(os.path.join(site, "index.html"), "rb") as f:
        check(f.read() == before, "the previous site changed")
    check(read(os.path.join(site, "data.json")) == before_data,
          "the previous data.json changed")
    print("interrupted while rendering on attempt %d" % (attempt + 1))


def case_sigint_resolve(env):
    """SIGINT while a registry stalls: the run stops at once (no waiting
    for the stall), with one message and exit 130."""
    fault = env.server("robust_fault")
    fault_dir = env.server_dir("robust_fault")
    sfx = secrets.token_hex(4)
    repo = write_repo(os.path.join(env.work, "repo"), {
        "a/Dockerfile": "FROM %s/stall/r%s:1\n" % (fault, sfx)})
    site = os.path.join(env.work, "site")
    proc = subprocess.Popen([env.bin, "report", repo, "-o", site,
                             "--no-cache", "--timeout", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env.env())
    deadline = time.monotonic() + 60
    while not any(sfx in r["path"] for r in log_lines(fault_dir)):
        check(proc.poll() is None and time.monotonic() < deadline,
              "the stalled request never reached the server")
        time.sleep(0.01)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    err = err.decode(errors="replace")
    check(proc.returncode == 130, "exit %d, wanted 130: %s" % (
        proc.returncode, err))
    check(err.strip().splitlines() ==
          ["archmatrix: error: interrupted; temporary folders removed"],
          "stderr: %r" % err)
    check(not os.path.exists(site) and tmp_folders(env.work) == [],
          "something was left: %s" % os.listdir(env.work))


# -- oversized inputs --------------------------------------------------------

def scan_json(env, repo, limit_mb=300):
    rc, out, err, rss = env.run(["scan", repo, "--format", "json"])
    check(rc == 0, "scan exit %d: %s" % (rc, err[-2000:]))
    check(rss < limit_mb, "scan used %.0f MiB, over %d" % (rss, limit_mb))
    return json.loads(out), rss


def case_big_dockerfile(env):
    """100,000-line Dockerfiles: short instructions, one instruction
    continued over every line, and one past the size cap."""
    lines = 100000
    short = "FROM alpine:3.19 AS first\n" + "RUN a\n" * (lines - 2) + \
        "FROM busybox:1.36\n"
    continued = "FROM alpine:3.19\nRUN a \\\n" + "  b \\\n" * (lines - 3) + \
        "  c\n"
    wide = "FROM alpine:3.19\n" + "RUN %s\n" % ("x" * 20) * (lines - 1)
    repo = write_repo(os.path.join(env.work, "repo"), {
        "short/Dockerfile": short, "continued/Dockerfile": continued,
        "wide/Dockerfile": wide})
    doc, rss = scan_json(env, repo)
    refs = {(r["path"], r["image"]) for r in doc["references"]}
    check(("short/Dockerfile", "docker.io/library/busybox:1.36") in refs,
          "the last FROM of 100,000 lines was not found: %s" % refs)
    check(("continued/Dockerfile", "docker.io/library/alpine:3.19") in refs,
          "continued: %s" % refs)
    reasons = {u["path"]: u["reason"] for u in doc["unresolved"]}
    check("over the" in reasons.get("wide/Dockerfile", ""),
          "a %d-byte Dockerfile: %s" % (len(wide), reasons))
    print("100,000 lines: %.0f MiB; over the cap: %s" % (
        rss, reasons["wide/Dockerfile"]))


def case_big_blob(env):
    """A blob named Dockerfile of AM_ROBUST_BLOB_MIB MiB (default 1024),
    written into the object database from a sparse file, never read
    whole."""
    mib = int(os.environ.get("AM_ROBUST_BLOB_MIB", "1024"))
    repo = os.path.join(env.work, "repo")
    write_repo(repo, {"small/Dockerfile": "FROM alpine:3.19\n"})
    sparse = os.path.join(env.work, "sparse")
    with open(sparse, "wb") as f:
        f.truncate(mib * 1024 * 1024)

    def git(*argv, stdin=None):
        p = subprocess.run(["git"] + list(argv), cwd=repo, input=stdin,
                           capture_output=True, text=True)
        check(p.returncode == 0, "git %s: %s" % (argv[0], p.stderr))
        return p.stdout.strip()
    blob = git("hash-object", "-w", "--no-filters", sparse)
    os.unlink(sparse)
    small = git("rev-parse", "HEAD:small")
    tree = git("mktree", stdin="100644 blob %s\tDockerfile\n"
               "040000 tree %s\tsmall\n" % (blob, small))
    commit = git("-c", "user.name=t", "-c", "user.email=t@example.invalid",
                 "commit-tree", tree, "-m", "big")
    git("update-ref", "refs/heads/main", commit)
    doc, rss = scan_json(env, repo)
    reasons = {u["path"]: u["reason"] for u in doc["unresolved"]}
    check("%d bytes, over the" % (mib * 1024 * 1024) in
          reasons.get("Dockerfile", ""), "the big blob: %s" % reasons)
    check(any(r["path"] == "small/Dockerfile" for r in doc["references"]),
          "the small Dockerfile beside it was not scanned")
    print("%d MiB blob: %.0f MiB peak; %s" % (mib, rss, reasons["Dockerfile"]))


def case_deep_yaml(env):
    """YAML nested 10,000 deep, as block and as flow collections."""
    depth = 10000
    # Block style: compact nested sequences, "- - - ...", on one line
    # (nested mappings would need 50 MB of indentation).
    block = "apiVersion: v1\nkind: List\nitems:\n  " + "- " * depth + \
        "{containers: [{image: deep:1}]}\n"
    flow = "apiVersion: v1\nkind: List\nitems: " + "[" * depth + \
        "{image: x}" + "]" * depth + "\n"
    shallow = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n" \
        "  - image: nginx:1.25\n"
    repo = write_repo(os.path.join(env.work, "repo"), {
        "block.yaml": block, "flow.yaml": flow, "ok.yaml": shallow})
    doc, rss = scan_json(env, repo)
    refs = {r["path"]: r["image"] for r in doc["references"]}
    check(refs.get("ok.yaml") == "docker.io/library/nginx:1.25",
          "the ordinary file beside the deep ones: %s" % refs)
    reasons = {u["path"]: u["reason"] for u in doc["unresolved"]}
    for path in ("block.yaml", "flow.yaml"):
        check("deep" in reasons.get(path, ""),
              "%s: no message about the depth: %s" % (path, reasons))
    print("10,000 deep: %.0f MiB; %s" % (rss, reasons["block.yaml"]))


def case_big_index(env):
    """An index with 10,000 entries, none naming its platform (each would
    cost two more requests): refused with its size, in one request."""
    host, directory = env.start("hostile", [
        os.path.join(HERE, "hostile_server.py")])
    image = host + "/bigindex/app:1.0"
    rc, out, err, rss = env.run(["resolve", image, "--format", "json",
                                 "--no-cache"])
    check(rc == 3, "exit %d: %s" % (rc, err))
    answer = json.loads(out)["images"][0]
    check(answer["status"] == "error" and "10000" in answer["error"],
          "the error does not say how big the index is: %s" % answer)
    gets = [r for r in log_lines(directory) if "/bigindex/" in r["path"]]
    check(len(gets) <= 2, "%d requests for one index" % len(gets))
    check(rss < 300, "resolve used %.0f MiB" % rss)
    print("10,000 entries: %s; %d requests, %.0f MiB" % (
        answer["error"], len(gets), rss))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bin", required=True)
    parser.add_argument("--servers", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("case")
    args = parser.parse_args()
    fn = globals().get("case_" + args.case)
    if fn is None:
        print("no case %s" % args.case, file=sys.stderr)
        return 2
    env = Env(args)
    try:
        fn(env)
    except amtest.Failure as e:
        print("FAIL: %s: %s" % (args.case, e), file=sys.stderr)
        return 1
    finally:
        env.stop()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
