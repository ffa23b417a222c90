#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""`archmatrix resolve --format json` against a registry seeded with the
fixture images prints exactly the pushed platforms and digests: an OCI index
(its attestation entries left out), a Docker list, a single-arch image."""
from amtest import check, load_json, main, read, run

# What a user expects to see for each fixture image: normalised platforms.
EXPECTED = {
    "demo/multi:1.0": ["linux/amd64", "linux/arm/v7", "linux/arm64"],
    "demo/list:2.1": ["linux/386", "linux/amd64", "linux/arm/v6",
                      "linux/arm/v7", "linux/arm64", "linux/ppc64le",
                      "linux/riscv64", "linux/s390x"],
    "demo/single:1.0": ["linux/amd64"],
    "demo/single-docker:1.0": ["linux/arm64"],
}


def test(args):
    binary, server = args
    host = read(server + "/host")
    pushed = load_json(server + "/pushed.json")["images"]
    names = ["%s/%s" % (host, name) for name in EXPECTED]

    rc, out, err = run([binary, "resolve", "--format", "json",
                        "--no-cache"] + names)
    check(rc == 0, "exit %d, stderr: %s" % (rc, err))
    doc = __import__("json").loads(out)
    images = doc["images"]
    check([im["image"] for im in images] == names,
          "images in another order: %s" % [im["image"] for im in images])
    for name, im in zip(EXPECTED, images):
        want = pushed[name]
        check(im["status"] == "ok", "%s: status %s" % (name, im["status"]))
        check(im["digest"] == want["digest"],
              "%s: digest %s, pushed %s" % (name, im["digest"],
                                            want["digest"]))
        check(im["media_type"] == want["media_type"],
              "%s: media type %s" % (name, im["media_type"]))
        got = sorted(p["platform"] for p in im["platforms"])
        check(got == EXPECTED[name],
              "%s: platforms %s, want %s" % (name, got, EXPECTED[name]))
        digests = sorted(p["digest"] for p in im["platforms"])
        check(digests == sorted(p["digest"] for p in want["platforms"]),
              "%s: platform digests differ from the pushed ones" % name)
        check("error" not in im, "%s: unexpected error" % name)

    # Same answers, same bytes.
    rc2, out2, _ = run([binary, "resolve", "--format", "json",
                        "--no-cache"] + names)
    check(rc2 == 0 and out2 == out, "a second run printed other bytes")

    # A tag the registry lacks is not_found, and the exit code says so.
    rc, out, err = run([binary, "resolve", "--format", "json", "--no-cache",
                        host + "/demo/multi:9.9"])
    check(rc == 3, "missing tag: exit %d, want 3" % rc)
    im = __import__("json").loads(out)["images"][0]
    check(im["status"] == "not_found", "missing tag: status %s" % im["status"])


main(test)
