#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The command line as a user meets it: help, version, and one clear line
with the right exit code for every mistake."""
import json
import os
import subprocess

from amtest import check, git_repo, main, read, run


def expect(argv, code, stderr_has=None, stdout_has=None):
    rc, out, err = run(argv)
    check(rc == code, "%s: exit %d, want %d (stderr: %s)" %
          (" ".join(argv[1:]), rc, code, err.strip()))
    if stderr_has is not None:
        check(stderr_has in err, "%s: stderr lacks %r: %s" %
              (" ".join(argv[1:]), stderr_has, err))
        first = err.splitlines()[0] if err else ""
        check(first.startswith("archmatrix: error: "),
              "%s: first stderr line is %r" % (" ".join(argv[1:]), first))
    if stdout_has is not None:
        check(stdout_has in out, "%s: stdout lacks %r" %
              (" ".join(argv[1:]), stdout_has))
    return out


def test(args):
    am, work, reg_dir = args
    os.makedirs(work, exist_ok=True)

    expect([am, "--version"], 0, stdout_has="archmatrix 0.")
    expect([am, "--help"], 0, stdout_has="scan SOURCE")
    for cmd in ("scan", "resolve", "report", "merge"):
        expect([am, cmd, "--help"], 0, stdout_has="usage: archmatrix " + cmd)
    # merge asks no registry: its help lists the site options it takes,
    # and none of the registry ones.
    merge_help = expect([am, "merge", "--help"], 0, stdout_has="--title")
    check("--tag-ttl" not in merge_help and "--keep-runs" in merge_help,
          "merge --help lists the wrong options:\n" + merge_help)
    rc, _, err = run([am])
    check(rc == 2 and "usage" in err, "no command: exit %d" % rc)
    expect([am, "frobnicate"], 2, stderr_has="unknown command 'frobnicate'")
    expect([am, "scan", "--bogus", "."], 2, stderr_has="--bogus")
    expect([am, "scan"], 2, stderr_has="SOURCE")
    expect([am, "resolve"], 2, stderr_has="IMAGE")
    expect([am, "resolve", "Not/Valid"], 2, stderr_has="Not/Valid")
    expect([am, "resolve", "alpine", "--format", "yaml"], 2,
           stderr_has="yaml")
    expect([am, "resolve", "alpine", "--concurrency", "0"], 2,
           stderr_has="--concurrency")
    expect([am, "scan", ".", "--platforms", "linux"], 2,
           stderr_has="linux")
    # A mirror is no way round --insecure-registry: plain HTTP to a host
    # that is neither loopback nor allowed is refused before any request.
    expect([am, "resolve", "alpine", "--registry-mirror",
            "docker.io=http://10.1.2.3:5000"], 2,
           stderr_has="--insecure-registry 10.1.2.3:5000")
    # An option the command has no use for is refused, not ignored.
    expect([am, "scan", ".", "--title", "x"], 2,
           stderr_has="option '--title' does not apply to scan")
    expect([am, "resolve", "alpine", "--platforms", "linux/amd64"], 2,
           stderr_has="option '--platforms' does not apply to resolve")
    expect([am, "merge", "-o", "d", "x.json", "--cache-dir", "c"], 2,
           stderr_has="option '--cache-dir' does not apply to merge")
    expect([am, "merge", "x.json"], 2, stderr_has="-o DIR")

    # A missing repository is one line naming it, exit 1.
    missing = os.path.join(work, "no-such-repo")
    expect([am, "scan", missing, "--cache-dir", work + "/cache"], 1,
           stderr_has=missing)

    # Configuration mistakes name the key.
    cfg = os.path.join(work, "bad.json")
    for body, key in (({"platfroms": []}, "platfroms"),
                      ({"registries": {"concurrency": "8"}},
                       "registries.concurrency"),
                      ({"sources": [{"url": "x", "branch": "main"}]},
                       "sources.branch"),
                      ({"keep_runs": -1}, "keep_runs"),
                      ({"kubernetes": {"enabled": "no"}},
                       "kubernetes.enabled"),
                      ({"kubernetes": {"platforms": []}},
                       "kubernetes.platforms"),
                      ({"kubernetes": {"platforms": ["linux"]}},
                       "kubernetes.platforms"),
                      ({"kubernetes": {"enable": False}},
                       "kubernetes.enable")):
        with open(cfg, "w") as f:
            json.dump(body, f)
        expect([am, "report", "-c", cfg], 1, stderr_has=key)
    with open(cfg, "w") as f:
        f.write("{ not json")
    expect([am, "report", "-c", cfg], 1, stderr_has=cfg)
    expect([am, "report", "-c", os.path.join(work, "absent.json")], 1,
           stderr_has="absent.json")

    check_k8s_switches(am, work)
    check_table_is_safe(am, work)
    check_stdout_full(am, work, reg_dir)


def scan_json(argv):
    rc, out, err = run(argv)
    check(rc == 0, "%s: exit %d: %s" % (" ".join(argv[1:]), rc, err.strip()))
    return json.loads(out)


def check_k8s_switches(am, work):
    """The kubernetes convention: on by default, off by flag or key, and
    its default platforms set by flag or key."""
    src = os.path.join(work, "k8s-src")
    repo = os.path.join(work, "k8s-repo")
    os.makedirs(os.path.join(src, "images", "app"), exist_ok=True)
    for name, body in (("images/image-util.sh", "#!/bin/sh\n"),
                       ("images/app/VERSION", "1.0\n"),
                       ("images/app/Dockerfile", "FROM alpine:3.19\n")):
        with open(os.path.join(src, name), "w") as f:
            f.write(body)
    if not os.path.islink(os.path.join(src, "images", "link")):
        os.symlink("app", os.path.join(src, "images", "link"))
    git_repo(src, repo)
    scan = [am, "scan", repo, "--format", "json"]

    doc = scan_json(scan)
    check([t["image"] for t in doc["targets"]] ==
          ["registry.k8s.io/e2e-test-images/app:1.0"],
          "default scan targets: %s" % doc["targets"])
    check(len(doc["targets"][0]["declared"]) == 5,
          "default declared: %s" % doc["targets"][0]["declared"])
    doc = scan_json(scan + ["--no-k8s-convention"])
    check(doc["targets"] == [], "--no-k8s-convention: %s" % doc["targets"])
    doc = scan_json(scan + ["--k8s-platforms", "linux/aarch64,linux/amd64"])
    check(doc["targets"][0]["declared"] == ["linux/amd64", "linux/arm64"],
          "--k8s-platforms: %s" % doc["targets"][0]["declared"])

    cfg = os.path.join(work, "k8s.json")
    with open(cfg, "w") as f:
        json.dump({"kubernetes": {"enabled": False}}, f)
    doc = scan_json(scan + ["-c", cfg])
    check(doc["targets"] == [], "kubernetes.enabled false: %s" %
          doc["targets"])
    with open(cfg, "w") as f:
        json.dump({"kubernetes": {"enabled": True,
                                  "platforms": ["linux/s390x"]}}, f)
    doc = scan_json(scan + ["-c", cfg])
    check(doc["targets"][0]["declared"] == ["linux/s390x"],
          "kubernetes.platforms: %s" % doc["targets"][0]["declared"])
    # The command line wins over the file.
    doc = scan_json(scan + ["-c", cfg, "--k8s-platforms", "linux/amd64"])
    check(doc["targets"][0]["declared"] == ["linux/amd64"],
          "--k8s-platforms over the file: %s" % doc["targets"][0]["declared"])
    doc = scan_json(scan + ["-c", cfg, "--no-k8s-convention"])
    check(doc["targets"] == [], "--no-k8s-convention over the file")

    # A --path that is a symlink is one line and exit 1, not an empty scan.
    rc, out, err = run(scan + ["--path", "images/link"])
    check(rc == 1 and err.count("\n") == 1 and "symbolic link" in err and
          out == "", "--path symlink: exit %d, stderr %r" % (rc, err))


def check_table_is_safe(am, work):
    """`scan --format table` never hands a control byte from the repository
    to the terminal, and a whole-file entry shows no ":0"."""
    src = os.path.join(work, "table-src")
    repo = os.path.join(work, "table-repo")
    evil = os.path.join(src, "evil\x1b]0;title\x07")
    os.makedirs(evil, exist_ok=True)
    with open(os.path.join(evil, "Dockerfile"), "w") as f:
        f.write("FROM alpine:3.19\nFROM alp\x1b[31mine\x7f:1\n")
    if not os.path.islink(os.path.join(src, "Dockerfile")):
        os.symlink("/etc/passwd", os.path.join(src, "Dockerfile"))
    git_repo(src, repo)

    rc, out, err = run([am, "scan", repo, "--format", "table"])
    check(rc == 0, "table scan: exit %d: %s" % (rc, err.strip()))
    bad = [c for c in out if (ord(c) < 0x20 and c != "\n") or ord(c) == 0x7f]
    check(not bad, "table output holds control bytes %r" % bad)
    check("evil\\x1b]0;title\\x07/Dockerfile:1" in out,
          "table lacks the escaped path: %s" % out)
    check("alp\\x1b[31mine\\x7f:1" in out,
          "table lacks the escaped image: %s" % out)
    check("  Dockerfile  : symbolic link" in out and "Dockerfile:0" not in out,
          "whole-file entry: %s" % out)


def check_stdout_full(am, work, reg_dir):
    """Results that cannot be written (stdout on /dev/full) are a failure:
    one line naming the reason, exit 1, for every command that prints,
    whether its output fits stdio's buffer or not."""
    host = read(os.path.join(reg_dir, "host"))
    image = host + "/demo/multi:1.0"
    src = os.path.join(work, "full-src")
    repo = os.path.join(work, "full-repo")
    small = os.path.join(work, "full-small")
    files = {"d%d/Dockerfile" % i: "FROM %s-%d\n" % (image, i)
             for i in range(300)}           # ~40 KB of JSON, over the buffer
    for path, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(src, path)), exist_ok=True)
        with open(os.path.join(src, path), "w") as f:
            f.write(text)
    git_repo(src, repo)
    os.makedirs(os.path.join(small + ".src", "a"), exist_ok=True)
    with open(os.path.join(small + ".src", "a", "Dockerfile"), "w") as f:
        f.write("FROM %s\n" % image)
    git_repo(small + ".src", small)
    cache = ["--cache-dir", os.path.join(work, "full-cache")]
    runs = [["--version"], ["scan", "--help"]]
    for fmt in ("json", "table"):
        runs += [["scan", repo, "--format", fmt],
                 ["scan", small, "--format", fmt] + cache,
                 ["resolve", image, "--format", fmt] + cache]
    runs.append(["report", small, "-o", os.path.join(work, "full-site"),
                 "--platforms", "linux/amd64"] + cache)
    want = "archmatrix: cannot write standard output: No space left on device"
    for argv in runs:
        with open("/dev/full", "w") as full:
            p = subprocess.run([am] + argv, stdout=full,
                               stderr=subprocess.PIPE, text=True, timeout=60)
        lines = p.stderr.splitlines()
        check(p.returncode == 1 and lines and lines[-1] == want and
              p.stderr.count("standard output") == 1,
              "%s > /dev/full: exit %d, stderr %r" % (
                  " ".join(argv), p.returncode, p.stderr))
    # Nothing to print is no error: a failed scan says only why it failed.
    with open("/dev/full", "w") as full:
        p = subprocess.run([am, "scan", os.path.join(work, "none")],
                           stdout=full, stderr=subprocess.PIPE, text=True)
    check(p.returncode == 1 and "standard output" not in p.stderr,
          "failed scan > /dev/full: %r" % p.stderr)


main(test)
