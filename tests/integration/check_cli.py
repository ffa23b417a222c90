#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The command line as a user meets it: help, version, and one clear line
with the right exit code for every mistake."""
import json
import os

from amtest import check, main, run


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
    am, work = args
    os.makedirs(work, exist_ok=True)

    expect([am, "--version"], 0, stdout_has="archmatrix 0.")
    expect([am, "--help"], 0, stdout_has="scan SOURCE")
    for cmd in ("scan", "resolve", "report", "merge"):
        expect([am, cmd, "--help"], 0, stdout_has="usage: archmatrix " + cmd)
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
    expect([am, "resolve", "alpine", "--platforms", "linux"], 2,
           stderr_has="linux")
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
                      ({"keep_runs": -1}, "keep_runs")):
        with open(cfg, "w") as f:
            json.dump(body, f)
        expect([am, "report", "-c", cfg], 1, stderr_has=key)
    with open(cfg, "w") as f:
        f.write("{ not json")
    expect([am, "report", "-c", cfg], 1, stderr_has=cfg)
    expect([am, "report", "-c", os.path.join(work, "absent.json")], 1,
           stderr_has="absent.json")


main(test)
