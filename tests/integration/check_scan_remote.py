#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`archmatrix scan file://…` of a repository whose default branch is
`main` (not libgit2's `master`): the first run mirrors it and scans the
remote's HEAD, a later run fetches a new commit into the same mirror, and
--ref still reaches the old one."""
import json
import os
import subprocess

from amtest import check, git_repo, main, run


def head(repo):
    return subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, text=True,
                          capture_output=True, check=True).stdout.strip()


def scan(am, url, cache, *extra):
    rc, out, err = run([am, "scan", url, "--cache-dir", cache,
                        "--format", "json"] + list(extra))
    check(rc == 0, "scan %s: exit %d: %s" % (url, rc, err.strip()))
    return json.loads(out)


def test(args):
    am, fixture, work = args
    repo = os.path.join(work, "repo")
    cache = os.path.join(work, "cache")
    subprocess.run(["rm", "-rf", cache], check=True)
    git_repo(fixture, repo)
    url = "file://" + repo
    first = head(repo)

    doc = scan(am, url, cache)
    check(doc["source"]["commit"] == first,
          "first scan saw %s, HEAD is %s" % (doc["source"]["commit"], first))
    mirrors = os.listdir(os.path.join(cache, "git"))
    check(len(mirrors) == 1, "mirrors: %s" % mirrors)
    mirror = os.path.join(cache, "git", mirrors[0])
    inode = os.stat(mirror).st_ino

    with open(os.path.join(repo, "Dockerfile.extra"), "w") as f:
        f.write("FROM busybox:1.36\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c",
                    "user.email=t@example.invalid", "commit", "-q", "-m",
                    "more"], cwd=repo, check=True)
    second = head(repo)

    doc = scan(am, url, cache)
    check(doc["source"]["commit"] == second, "second scan missed the commit")
    check(os.stat(mirror).st_ino == inode, "the mirror was cloned again")
    images = [r["image"] for r in doc["references"]]
    check("docker.io/library/busybox:1.36" in images,
          "new Dockerfile not scanned: %s" % images)

    doc = scan(am, url, cache, "--ref", first)
    check(doc["source"]["commit"] == first, "--ref did not reach the old one")


main(test)
