# SPDX-License-Identifier: MIT
"""Build fixture images (blobs and manifests) from a JSON spec.

Everything is deterministic: the same spec always gives the same bytes and
therefore the same digests, so a test may compare against the push summary
or even against digests written down in advance.
"""

import gzip
import hashlib
import io
import json
import tarfile

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
IN_TOTO = "application/vnd.in-toto+json"

# Per kind: (top-level media type or None, child manifest, config, layer).
KINDS = {
    "oci-index": (OCI_INDEX, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER),
    "docker-list": (DOCKER_LIST, DOCKER_MANIFEST, DOCKER_CONFIG,
                    DOCKER_LAYER),
    "oci-manifest": (None, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER),
    "docker-manifest": (None, DOCKER_MANIFEST, DOCKER_CONFIG, DOCKER_LAYER),
}

# A fixed creation time keeps config blobs (and digests) reproducible.
CREATED = "2024-01-01T00:00:00Z"


class SpecError(Exception):
    """The spec file asks for something this builder cannot make."""


def sha256_digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def to_json_bytes(obj):
    """Serialise the way the bytes are pushed; digests are over these."""
    return (json.dumps(obj, indent=2) + "\n").encode()


class Platform:
    """One platform entry of the spec, string or object form.

    `index` is what the index entry says; `config_*` is what the config blob
    says.  They differ only when the spec uses index_platform/config_variant.
    """

    def __init__(self, entry):
        if isinstance(entry, str):
            entry = {"platform": entry}
        if not isinstance(entry, dict) or "platform" not in entry:
            raise SpecError("platform entry needs a 'platform': %r" % entry)
        self.name = entry["platform"]
        self.os_version = entry.get("os.version")
        self.features = entry.get("features")
        self.index = split_platform(entry.get("index_platform", self.name))
        os_, arch, variant = split_platform(self.name)
        self.config_os, self.config_arch = os_, arch
        self.config_variant = entry.get("config_variant", variant)

    def index_json(self):
        os_, arch, variant = self.index
        out = {"architecture": arch, "os": os_}
        if self.os_version:
            out["os.version"] = self.os_version
        if variant:
            out["variant"] = variant
        if self.features:
            out["features"] = list(self.features)
        return out

    def index_string(self):
        return "/".join(p for p in self.index if p)

    def config_string(self):
        parts = [self.config_os, self.config_arch, self.config_variant]
        return "/".join(p for p in parts if p)


def split_platform(text):
    parts = text.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise SpecError("platform must be os/arch[/variant]: %r" % text)
    return parts[0], parts[1], parts[2] if len(parts) == 3 else None


def make_layer(text):
    """A gzipped tar holding one small file; returns (gz bytes, diff_id)."""
    payload = text.encode()
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w",
                      format=tarfile.USTAR_FORMAT) as tar:
        info = tarfile.TarInfo("platform.txt")
        info.size = len(payload)
        info.mtime = 0
        info.mode = 0o644
        tar.addfile(info, io.BytesIO(payload))
    tar_bytes = raw.getvalue()
    return gzip.compress(tar_bytes, mtime=0), sha256_digest(tar_bytes)


class ImageSet:
    """All blobs and manifests of one spec image, ready to push or serve.

    blobs: digest -> bytes.  manifests: list of (digest, media type, bytes),
    children before the parent that references them, the top one last.
    """

    def __init__(self, name, tags):
        self.name = name
        self.tags = tags
        self.blobs = {}
        self.manifests = []
        self.summary = {}

    def add_blob(self, data):
        digest = sha256_digest(data)
        self.blobs[digest] = data
        return {"digest": digest, "size": len(data)}

    def add_manifest(self, obj):
        data = to_json_bytes(obj)
        digest = sha256_digest(data)
        self.manifests.append((digest, obj["mediaType"], data))
        return {"mediaType": obj["mediaType"], "digest": digest,
                "size": len(data)}

    @property
    def top(self):
        return self.manifests[-1]


def build_config(image, plat, diff_ids, labels):
    config = {
        "architecture": plat.config_arch,
        "os": plat.config_os,
        "created": CREATED,
        "config": {"Labels": labels} if labels else {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": CREATED,
                     "created_by": "archmatrix fixture " + image}],
    }
    if plat.config_variant:
        config["variant"] = plat.config_variant
    if plat.os_version:
        config["os.version"] = plat.os_version
    return config


def build_platform_manifest(iset, kind, plat, labels):
    """Add config + layer blobs and the manifest for one platform.

    Returns (manifest descriptor, config digest).
    """
    _, manifest_type, config_type, layer_type = KINDS[kind]
    text = "%s %s %s\n" % (iset.name, plat.name, plat.os_version or "")
    layer, diff_id = make_layer(text)
    layer_desc = dict(mediaType=layer_type, **iset.add_blob(layer))
    config = build_config(iset.name, plat, [diff_id], labels)
    config_desc = dict(mediaType=config_type,
                       **iset.add_blob(to_json_bytes(config)))
    desc = iset.add_manifest({
        "schemaVersion": 2,
        "mediaType": manifest_type,
        "config": config_desc,
        "layers": [layer_desc],
    })
    return desc, config_desc["digest"]


def build_attestation(iset, subject_digest):
    """An in-toto attestation manifest the way BuildKit attaches one."""
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": iset.name,
                     "digest": {"sha256": subject_digest.split(":", 1)[1]}}],
        "predicate": {"builder": {"id": "archmatrix-fixture"}},
    }
    body = to_json_bytes(statement)
    layer_desc = dict(mediaType=IN_TOTO, **iset.add_blob(body))
    layer_desc["annotations"] = {
        "in-toto.io/predicate-type": statement["predicateType"]}
    config = {"architecture": "unknown", "os": "unknown", "config": {},
              "rootfs": {"type": "layers",
                         "diff_ids": [sha256_digest(body)]}}
    config_desc = dict(mediaType=OCI_CONFIG,
                       **iset.add_blob(to_json_bytes(config)))
    desc = iset.add_manifest({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": config_desc,
        "layers": [layer_desc],
    })
    desc["platform"] = {"architecture": "unknown", "os": "unknown"}
    desc["annotations"] = {
        "vnd.docker.reference.digest": subject_digest,
        "vnd.docker.reference.type": "attestation-manifest",
    }
    return desc


def platform_summary(plat, desc, config_digest):
    out = {"platform": plat.index_string()}
    if plat.os_version:
        out["os_version"] = plat.os_version
    out["config_platform"] = plat.config_string()
    out["digest"] = desc["digest"]
    out["media_type"] = desc["mediaType"]
    out["config_digest"] = config_digest
    return out


def build_image(spec):
    """Build one spec image; returns an ImageSet with its summary filled."""
    name = spec.get("name")
    kind = spec.get("kind")
    if not name or kind not in KINDS:
        raise SpecError("image needs a name and a kind in %s: %r"
                        % (sorted(KINDS), spec))
    tags = spec.get("tags") or [spec.get("tag", "latest")]
    labels = spec.get("labels")
    iset = ImageSet(name, tags)
    index_type = KINDS[kind][0]

    if index_type is None:
        if "platform" not in spec:
            raise SpecError("%s: single manifest needs 'platform'" % name)
        plat = Platform(spec["platform"])
        desc, config = build_platform_manifest(iset, kind, plat, labels)
        platforms = [platform_summary(plat, desc, config)]
        attestations = []
    else:
        entries, platforms, attestations = [], [], []
        for raw in spec.get("platforms") or []:
            plat = Platform(raw)
            desc, config = build_platform_manifest(iset, kind, plat, labels)
            desc["platform"] = plat.index_json()
            entries.append(desc)
            platforms.append(platform_summary(plat, desc, config))
        if spec.get("attestations"):
            for child in list(entries):
                att = build_attestation(iset, child["digest"])
                entries.append(att)
                attestations.append({"digest": att["digest"],
                                     "for": child["digest"]})
        if not entries:
            raise SpecError("%s: an index needs 'platforms'" % name)
        iset.add_manifest({"schemaVersion": 2, "mediaType": index_type,
                           "manifests": entries})

    digest, media_type, data = iset.top
    iset.summary = {
        "name": name,
        "tags": tags,
        "kind": kind,
        "digest": digest,
        "media_type": media_type,
        "size": len(data),
        "platforms": platforms,
        "attestations": attestations,
    }
    return iset


def load_spec(path):
    """Read a spec file and build every image in it, in order."""
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    images = spec.get("images") if isinstance(spec, dict) else None
    if not isinstance(images, list):
        raise SpecError("%s: expected {\"images\": [...]}" % path)
    return [build_image(image) for image in images]
