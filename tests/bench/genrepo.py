# SPDX-License-Identifier: MIT
"""Make the benchmark's synthetic repository and its registry seed.

    genrepo.py OUT_DIR

writes, deterministically (the same script always gives the same commit and
the same digests):

  OUT_DIR/repo.git      a bare repository, one commit, 30,000 files of which
                        1,000 are Dockerfiles written in the styles of the
                        scan fixtures (multi-stage, ARG expansion, syntax
                        directives, COPY --from, RUN --mount=from, heredocs,
                        continuations, kubernetes BASEIMAGE/VERSION folders)
                        plus Kubernetes manifests naming images
  OUT_DIR/images.json   serverctl seed spec for the 500 distinct images the
                        repository names or builds (indexes and single
                        manifests, mixed)
  OUT_DIR/images.txt    the 500 normalised references, one a line
  OUT_DIR/plan.json     counts the driver needs: files, Dockerfiles, images by
                        kind, the requests a cold resolve needs at least, the
                        registry hosts to mirror

Only the standard library; the repository is written with one
`git fast-import`, so generation takes seconds.
"""

import json
import os
import random
import shutil
import subprocess
import sys

TOTAL_FILES = 30000
DOCKERFILES = 1000
K8S_FOLDERS = 100
YAML_FILES = 200
SEED = 20240607
# How many of its three images each Dockerfile style names.
STYLE_USES = (1, 2, 3, 2, 3)

LINUX = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le",
         "linux/s390x", "linux/386", "linux/riscv64", "linux/arm/v6"]
K8S_ARCHES = ["amd64", "arm", "arm64", "ppc64le", "s390x"]
K8S_PLATFORM = {"amd64": "linux/amd64", "arm": "linux/arm/v7",
                "arm64": "linux/arm64", "ppc64le": "linux/ppc64le",
                "s390x": "linux/s390x"}
LIBRARY = ["alpine", "debian", "ubuntu", "golang", "python", "node", "nginx",
           "busybox", "redis", "postgres"]
MIRRORED_HOSTS = ["docker.io", "quay.io", "ghcr.io", "gcr.io",
                  "registry.k8s.io"]

WORDS = ("package main import fmt func return err nil if else for range "
         "struct type interface string int bool map slice chan go defer "
         "select case switch default const var true false append make len "
         "cap copy close new panic recover print println context http json "
         "config server client handler request response error value key "
         "list item node tree path file read write open buffer cache").split()


class Image:
    """One registry image: its reference pieces and how it is published."""

    def __init__(self, domain, path, tag, kind, platforms, attestations=False):
        self.domain = domain
        self.path = path
        self.tag = tag
        self.kind = kind
        self.platforms = platforms
        self.attestations = attestations

    @property
    def ref(self):
        return "%s/%s:%s" % (self.domain, self.path, self.tag)

    @property
    def short(self):
        """How a Dockerfile author would usually write it."""
        if self.domain == "docker.io" and self.path.startswith("library/"):
            return "%s:%s" % (self.path[len("library/"):], self.tag)
        if self.domain == "docker.io":
            return "%s:%s" % (self.path, self.tag)
        return self.ref

    def spec(self):
        out = {"name": self.path, "tag": self.tag, "kind": self.kind}
        if self.kind.endswith("index") or self.kind.endswith("list"):
            out["platforms"] = self.platforms
            if self.attestations:
                out["attestations"] = True
        else:
            out["platform"] = self.platforms[0]
        return out

    def is_index(self):
        return self.kind in ("oci-index", "docker-list")


def pick_platforms(rng, low, high):
    n = rng.randint(low, high)
    chosen = ["linux/amd64"] + rng.sample(LINUX[1:], n - 1)
    return sorted(chosen, key=LINUX.index)


def make_pool(rng):
    """The 300 images the general Dockerfiles and manifests use."""
    pool = []
    for name in LIBRARY:
        for k in range(10):
            kind = "docker-list" if k % 3 else "oci-index"
            tag = "%d.%d" % (1 + k // 4, 10 + k)
            pool.append(Image("docker.io", "library/" + name, tag, kind,
                              pick_platforms(rng, 2, 8)))
    for k in range(60):
        pool.append(Image("quay.io", "benchorg/tool-%02d" % k,
                          "v1.%d" % (k % 7), "oci-index",
                          pick_platforms(rng, 1, 5), attestations=k % 2 == 0))
    for k in range(39):
        pool.append(Image("ghcr.io", "benchorg/svc-%02d" % k, "1.0",
                          "oci-index", pick_platforms(rng, 2, 4)))
    pool.append(Image("docker.io", "docker/dockerfile", "1.6", "docker-list",
                      ["linux/amd64", "linux/arm64", "linux/arm/v7"]))
    for k in range(50):
        pool.append(Image("gcr.io", "benchorg/single-%02d" % k, "1.0",
                          "oci-manifest", [rng.choice(LINUX[:4])]))
    for k in range(50):
        pool.append(Image("docker.io", "benchuser/app-%02d" % k, "latest",
                          "docker-manifest", [rng.choice(LINUX[:2])]))
    return pool


def make_k8s(rng):
    """100 image folders (targets) and the 100 per-arch bases they use."""
    bases = {}
    for arch in K8S_ARCHES:
        for v in range(20):
            bases[(arch, v)] = Image(
                "registry.k8s.io", "build-image/debian-base-" + arch,
                "bookworm-v1.0.%d" % v, "docker-manifest",
                [K8S_PLATFORM[arch]])
    folders = []
    for k in range(K8S_FOLDERS):
        name = "e2e-%03d" % k
        version = "1.%d.%d" % (k % 5, k % 11)
        # Every base is used by some folder: folder k declares amd64 and
        # arch k // 20 with version k % 20, and a few more arches.
        v = k % 20
        declared = {"amd64", K8S_ARCHES[k // 20]}
        declared.update(rng.sample(K8S_ARCHES[1:], rng.randint(0, 3)))
        declared = [a for a in K8S_ARCHES if a in declared]
        published = [K8S_PLATFORM[a] for a in declared
                     if a == "amd64" or rng.random() < 0.7]
        target = Image("registry.k8s.io", "e2e-test-images/" + name, version,
                       "oci-index", published, attestations=k % 3 == 0)
        folders.append((name, version, declared, v, target))
    # Bases a folder never declares stay unused; drop them so every image
    # in the spec is one the scan names.
    used = {(a, f[3]) for f in folders for a in f[2]}
    return folders, {key: img for key, img in bases.items() if key in used}


class Files:
    """The tree being built: path → bytes, in insertion order."""

    def __init__(self):
        self.files = {}

    def add(self, path, text):
        if path in self.files:
            raise SystemExit("genrepo: duplicate path " + path)
        self.files[path] = text.encode() if isinstance(text, str) else text


def filler_text(rng, paragraphs, path, i):
    """Source-like content, distinct per file so no two blobs are shared."""
    head = "// %s\n// generated filler %d for the archmatrix benchmark\n" % (
        path, i)
    parts = [paragraphs[(i * 7 + k * 13) % len(paragraphs)]
             for k in range(1 + i % 4)]
    return head + "".join(parts)


def dockerfile(rng, style, imgs, n):
    """One general Dockerfile in one of the fixture styles, naming `imgs`
    (three images; some styles use fewer)."""
    a, b, c = imgs
    if style == 0:
        return ("FROM %s\n"
                "RUN apk add --no-cache ca-certificates \\\n"
                "    tzdata \\\n"
                "    curl\n"
                "COPY . /app\n"
                "ENTRYPOINT [\"/app/run\"]\n" % a.short)
    if style == 1:
        name, tag = a.short.rsplit(":", 1)
        return ("ARG BUILDER_TAG=%s\n"
                "FROM --platform=$BUILDPLATFORM %s:${BUILDER_TAG} AS build\n"
                "ARG TARGETARCH\n"
                "WORKDIR /src\n"
                "COPY . .\n"
                "RUN GOARCH=$TARGETARCH make build \\\n"
                "    && make test\n"
                "\n"
                "FROM %s\n"
                "COPY --from=build /src/out /app\n"
                "USER 65532:65532\n" % (tag, name, b.short))
    if style == 2:
        return ("# syntax=docker/dockerfile:1.6\n"
                "# service %d\n"
                "FROM %s AS base\n"
                "RUN --mount=type=cache,target=/root/.cache \\\n"
                "    --mount=type=bind,from=%s,source=/bin,target=/x \\\n"
                "    /x/true\n"
                "COPY --from=%s /etc/ssl /etc/ssl\n"
                "FROM base AS final\n"
                "CMD [\"serve\"]\n" % (n, a.short, b.short, c.ref))
    if style == 3:
        return ("ARG REG=%s\n"
                "ARG IMG=%s\n"
                "FROM ${REG}/${IMG}:%s\n"
                "RUN <<EOF\n"
                "set -e\n"
                "FROM not-an-image:1\n"
                "echo building %d\n"
                "EOF\n"
                "FROM ${MISSING:-%s}:%s\n"
                "COPY --from=0 /out /out\n" % (a.domain, a.path, a.tag, n,
                                                *b.short.rsplit(":", 1)))
    return ("FROM %s AS one\n"
            "RUN make one\n"
            "FROM %s AS two\n"
            "RUN make two\n"
            "from %s\n"
            "copy --from=one /one /one\n"
            "COPY --from=two /two /two\n" % (a.short, b.short, c.short))


def build_tree(rng, pool, folders, bases):
    files = Files()
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(40,
                  160))) + "\n" for _ in range(101)]
    names = ["Dockerfile"] * 6 + ["Containerfile", "Dockerfile.prod",
                                  "app.Dockerfile", "Dockerfile_windows"]

    # The kubernetes test/images shape.
    files.add("test/images/image-util.sh",
              "#!/usr/bin/env bash\n# builds every image folder\n")
    files.add("test/images/Makefile", "all:\n\t./image-util.sh build\n")
    for name, version, declared, v, target in folders:
        d = "test/images/" + name
        files.add(d + "/Dockerfile",
                  "# Copyright header\n\nARG BASEIMAGE\nFROM $BASEIMAGE\n\n"
                  "CROSS_BUILD_COPY qemu-QEMUARCH-static /usr/bin/\n"
                  "COPY %s /%s\nENTRYPOINT [\"/%s\"]\n" % (name, name, name))
        files.add(d + "/VERSION", version + "\n")
        files.add(d + "/BASEIMAGE", "".join(
            "%s=%s\n" % (K8S_PLATFORM[a].rsplit("/v7", 1)[0],
                         bases[(a, v)].ref) for a in declared))

    # General services: 900 Dockerfiles, each image of the pool named at
    # least once, in five styles.
    order = list(pool)
    rng.shuffle(order)
    general = DOCKERFILES - len(folders)
    cursor = 0
    for n in range(general):
        style = n % 5
        imgs = [order[(cursor + k) % len(order)] for k in range(3)]
        cursor += STYLE_USES[style]
        team = "team-%02d" % (n % 30)
        d = "services/%s/svc-%03d" % (team, n)
        name = names[n % len(names)] if style != 3 else "Dockerfile"
        files.add("%s/%s" % (d, name), dockerfile(rng, style, imgs, n))

    for n in range(YAML_FILES):
        a = pool[(n * 17) % len(pool)]
        b = pool[(n * 29 + 3) % len(pool)]
        files.add("deploy/app-%03d.yaml" % n,
                  "apiVersion: apps/v1\nkind: Deployment\n"
                  "metadata:\n  name: app-%03d\n"
                  "spec:\n  template:\n    spec:\n      containers:\n"
                  "      - name: main\n        image: %s\n"
                  "      - name: sidecar\n        image: %s\n"
                  % (n, a.ref, b.short))

    # Filler to the total: source files in a deep-ish tree.
    i = 0
    while len(files.files) < TOTAL_FILES:
        d = "pkg/mod%02d/sub%02d/part%d" % (i % 40, (i // 40) % 25,
                                            (i // 1000) % 3)
        ext = (".go", ".md", ".sh", ".txt", ".json")[i % 5]
        path = "%s/file%05d%s" % (d, i, ext)
        files.add(path, filler_text(rng, paragraphs, path, i))
        i += 1
    return files


def write_repo(out, files):
    repo = os.path.join(out, "repo.git")
    if os.path.exists(repo):
        shutil.rmtree(repo)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", repo],
                   check=True)
    env = dict(os.environ, GIT_AUTHOR_DATE="1717740000 +0000",
               GIT_COMMITTER_DATE="1717740000 +0000")
    proc = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo,
                            stdin=subprocess.PIPE, env=env)
    w = proc.stdin
    w.write(b"commit refs/heads/main\n"
            b"author bench <bench@example.invalid> 1717740000 +0000\n"
            b"committer bench <bench@example.invalid> 1717740000 +0000\n"
            b"data 26\nsynthetic benchmark tree\n\n")
    for path in sorted(files.files):
        data = files.files[path]
        w.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)))
        w.write(data)
        w.write(b"\n")
    w.close()
    if proc.wait() != 0:
        raise SystemExit("genrepo: git fast-import failed")
    subprocess.run(["git", "repack", "-adq"], cwd=repo, check=True)
    return repo


def cold_requests(images):
    """Requests a cold resolve needs at least: each top manifest, and the
    config blob of each single manifest (the only place its platform is),
    once per distinct config: blobs are content-addressed, so two images
    with the same config need it fetched once."""
    sys.path.insert(0, os.path.join(os.path.dirname(
        os.path.abspath(__file__)), "..", "servers"))
    import imagebuild
    configs = set()
    for img in images:
        if not img.is_index():
            built = imagebuild.build_image(img.spec())
            configs.add(built.summary["platforms"][0]["config_digest"])
    return len(images) + len(configs)


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: genrepo.py OUT_DIR")
    out = os.path.abspath(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)

    pool = make_pool(rng)
    folders, bases = make_k8s(rng)
    targets = [f[4] for f in folders]
    images = pool + targets + [bases[k] for k in sorted(bases)]
    refs = [img.ref for img in images]
    if len(set(refs)) != len(refs):
        raise SystemExit("genrepo: image references are not distinct")

    files = build_tree(rng, pool, folders, bases)
    write_repo(out, files)

    with open(os.path.join(out, "images.json"), "w") as f:
        json.dump({"images": [img.spec() for img in images]}, f, indent=1)
    with open(os.path.join(out, "images.txt"), "w") as f:
        f.write("".join(r + "\n" for r in sorted(refs)))
    dockerfiles = sum(1 for p in files.files
                      if "Dockerfile" in p or "Containerfile" in p)
    plan = {
        "files": len(files.files),
        "dockerfiles": dockerfiles,
        "images": len(images),
        "indexes": sum(1 for i in images if i.is_index()),
        "singles": sum(1 for i in images if not i.is_index()),
        "cold_requests": cold_requests(images),
        "mirrored_hosts": MIRRORED_HOSTS,
        "sample": [img.ref for img in images[::10]],
    }
    with open(os.path.join(out, "plan.json"), "w") as f:
        json.dump(plan, f, indent=1)
    print(json.dumps({k: v for k, v in plan.items() if k != "sample"}))


if __name__ == "__main__":
    main()
