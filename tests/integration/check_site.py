#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`archmatrix report` over a fixture repository, against a real registry:
the matrix shows the cells a maintainer expects, and hostile text from the
repository (a folder named with <script> and "onmouseover=) comes out
escaped on every page."""
import glob
import html.parser
import json
import os
import shutil

from amtest import check, git_repo, main, read, run

PLATFORMS = ["linux/amd64", "linux/arm64", "linux/riscv64"]


class MatrixReader(html.parser.HTMLParser):
    """Collects {image: {platform: state}} from the matrix tables."""

    def __init__(self):
        super().__init__()
        self.cells = {}
        self.row = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr":
            self.row = None
        elif tag == "th" and a.get("scope") == "row" and "data-value" in a:
            self.row = self.cells.setdefault(a["data-value"], {})
        elif tag == "td" and "data-state" in a and self.row is not None:
            self.row[a["data-col"]] = a["data-state"]


def test(args):
    binary, server, fixture, work = args
    host = read(server + "/host")
    url = read(server + "/url")
    repo = os.path.join(work, "repo")
    site = os.path.join(work, "site")
    git_repo(fixture, repo)
    shutil.rmtree(os.path.join(work, "merged"), ignore_errors=True)

    rc, out, err = run([binary, "report", repo, "-o", site, "-q",
                        "--cache-dir", os.path.join(work, "cache"),
                        "--platforms", ",".join(PLATFORMS),
                        "--k8s-registry", host + "/e2e",
                        "--registry-mirror", "docker.io=" + url])
    check(rc == 0, "report: exit %d, stderr: %s" % (rc, err))
    check(out.strip() == site + "/index.html",
          "report printed %r, not the site's index" % out)

    reader = MatrixReader()
    with open(os.path.join(site, "index.html"), encoding="utf-8") as f:
        reader.feed(f.read())
    web, tool, base = (host + "/e2e/web:1.0", host + "/e2e/tool:1.0",
                       host + "/e2e/base:1.0")
    expected = {
        # published for amd64 only; arm64 declared; the base lacks riscv64
        web: ["published", "declared", "blocked"],
        # never pushed: declared where BASEIMAGE says, portable where the
        # base has the platform, blocked where it does not
        tool: ["declared", "portable", "blocked"],
        # used images: there, or unused where no reference needs them
        # (base is named for amd64 and arm64 only, in BASEIMAGE)
        base: ["published", "published", "unused"],
        "docker.io/library/alpine:3.19": ["published"] * 3,
    }
    for image, states in expected.items():
        got = reader.cells.get(image)
        check(got is not None, "no matrix row for %s (rows: %s)" %
              (image, sorted(reader.cells)))
        want = dict(zip(PLATFORMS, states))
        check(got == want, "%s: cells %s, want %s" % (image, got, want))

    data = json.load(open(os.path.join(site, "data.json"), encoding="utf-8"))
    check("schema_version" in data, "data.json has no schema_version")

    # Hostile text: shown, but only ever escaped.
    pages = glob.glob(site + "/**/*.html", recursive=True)
    check(len(pages) > 3, "too few pages: %s" % pages)
    shown = False
    for page in pages:
        text = open(page, encoding="utf-8").read()
        check("<script>alert(1)" not in text,
              "%s: raw <script> from the repository" % page)
        check('"onmouseover=' not in text,
              "%s: raw attribute injection from the repository" % page)
        shown = shown or "x&lt;script&gt;alert(1)&lt;" in text
    check(shown, "the hostile folder name is not shown on any page")

    # `merge` builds the same matrix from the run's data.json alone.
    merged = os.path.join(work, "merged")
    rc, out, err = run([binary, "merge", "-q", "-o", merged,
                        "--platforms", ",".join(PLATFORMS),
                        os.path.join(site, "data.json")])
    check(rc == 0, "merge: exit %d, stderr: %s" % (rc, err))
    again = MatrixReader()
    with open(os.path.join(merged, "index.html"), encoding="utf-8") as f:
        again.feed(f.read())
    check(again.cells == reader.cells, "merged matrix differs: %s" %
          again.cells)

    # Nothing half-written is left beside the site.
    leftovers = [n for n in os.listdir(work) if n.startswith(".site")]
    check(not leftovers, "temporary folders left: %s" % leftovers)


main(test)
