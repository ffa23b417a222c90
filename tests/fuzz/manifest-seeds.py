#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Write every manifest, index and config blob the registry tests push
(built from their image specs by tests/servers/imagebuild.py) as seeds for
the manifest fuzz target: one file each, its first byte naming the
Content-Type as fuzz_manifest.c reads it.
   manifest-seeds.py OUT_DIR SPEC.json..."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "servers"))
import imagebuild  # noqa: E402

# The order of content_types[] in fuzz_manifest.c.
TYPES = [None,
         "application/vnd.oci.image.index.v1+json",
         "application/vnd.docker.distribution.manifest.list.v2+json",
         "application/vnd.oci.image.manifest.v1+json",
         "application/vnd.docker.distribution.manifest.v2+json"]


def main(out, specs):
    os.makedirs(out, exist_ok=True)
    n = 0
    for spec in specs:
        for iset in imagebuild.load_spec(spec):
            bodies = [(TYPES.index(mt) if mt in TYPES else 0, data)
                      for _, mt, data in iset.manifests]
            # Configs are JSON too; they arrive as blobs, without a type.
            bodies += [(0, data) for data in iset.blobs.values()
                       if data[:1] == b"{"]
            for kind, data in bodies:
                n += 1
                with open(os.path.join(out, "spec-%d" % n), "wb") as f:
                    f.write(bytes([kind]) + data)
    print("%d manifest seeds" % n)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
