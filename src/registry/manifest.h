/* SPDX-License-Identifier: MIT */
/* Manifest bodies: which kind a body is, the platforms an index or list
 * names, and the platform an image config blob records. */
#ifndef AM_REGISTRY_MANIFEST_H
#define AM_REGISTRY_MANIFEST_H

#include "util/err.h"
#include "util/platform.h"

#include <stdbool.h>
#include <stddef.h>

#define AM_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define AM_MT_DOCKER_LIST                                                      \
  "application/vnd.docker.distribution.manifest.list.v2+json"
#define AM_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define AM_MT_DOCKER_V2 "application/vnd.docker.distribution.manifest.v2+json"
#define AM_MT_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define AM_MT_SCHEMA1_SIGNED                                                   \
  "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define AM_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define AM_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"

/* The Accept header sent for every manifest request: without it
 * distribution answers 400, or 404 for an OCI index. */
#define AM_MANIFEST_ACCEPT                                                     \
  AM_MT_OCI_INDEX ", " AM_MT_DOCKER_LIST ", " AM_MT_OCI_MANIFEST               \
                  ", " AM_MT_DOCKER_V2 ", " AM_MT_SCHEMA1_SIGNED               \
                  ", " AM_MT_SCHEMA1

/* Manifest and config bodies are refused past this size. */
#define AM_MANIFEST_MAX_BYTES (4u * 1024 * 1024)
/* An index naming more manifests is refused: each entry may cost two more
 * requests (its manifest and config), and real indexes hold a few dozen. */
#define AM_MANIFEST_MAX_ENTRIES 1024

typedef enum am_manifest_kind {
  AM_MANIFEST_UNKNOWN,
  AM_MANIFEST_OCI_INDEX,
  AM_MANIFEST_DOCKER_LIST,
  AM_MANIFEST_OCI,
  AM_MANIFEST_DOCKER_V2,
  AM_MANIFEST_SCHEMA1
} am_manifest_kind;

/* One platform entry of an index or list (attestations already dropped). */
typedef struct am_manifest_entry {
  char *digest;     /* the child manifest */
  char *media_type; /* the child's media type, or NULL */
  am_platform platform;
  /* The entry does not say enough (no platform, or "arm" without its
   * variant): the child's config blob must be read. */
  bool needs_config;
} am_manifest_entry;

/* A parsed manifest. Every string is owned by the struct. */
typedef struct am_manifest {
  am_manifest_kind kind;
  /* canonical name of `kind`, static; for schema1 the one it was served
   * as (v1+json or v1+prettyjws) */
  const char *media_type;
  am_manifest_entry *entries; /* index and list only */
  size_t nentries;
  size_t nskipped;      /* attestation or non-platform entries dropped */
  char *config_digest;  /* single manifests only */
  am_platform platform; /* schema1 only: its own architecture */
} am_manifest;

/* The kind a media type names (parameters after ';' ignored). */
am_manifest_kind am_manifest_kind_of(const char *media_type);

/* True for an index or list, whose platforms are its entries. */
bool am_manifest_is_index(am_manifest_kind kind);

/*
 * Parse a manifest body served with `content_type` (NULL when unknown).
 * The kind comes from the body's own `mediaType` and the Content-Type; when
 * both name a type and they differ, or the type is not a manifest type this
 * tool knows, the result is AM_EINVALID with the reason. On success `*out`
 * must be released with am_manifest_free.
 */
int am_manifest_parse(am_manifest *out, const char *body, size_t len,
                      const char *content_type, am_err *err);

/*
 * The payload a signed schema1 manifest was signed over, which is what its
 * digest names (distribution's Docker-Content-Digest): the body without
 * its JWS "signatures" block, rebuilt as libtrust does from the protected
 * header of the signatures as body[:formatLength] +
 * base64url-decode(formatTail). A body served as v1+prettyjws must be
 * signed; one served with a generic type (application/json) counts as
 * signed when it is schema1 with a "signatures" array. Returns 0 with a new
 * NUL-terminated `*payload` of `*payload_len` bytes for the caller to free,
 * AM_ENOTFOUND when the body is not a signed schema1 manifest, or
 * AM_EINVALID when its signature block is malformed. The signatures
 * themselves are not verified.
 */
int am_manifest_schema1_payload(char **payload, size_t *payload_len,
                                const char *body, size_t len,
                                const char *content_type, am_err *err);

/* Release what a parsed manifest holds. NULL is fine. */
void am_manifest_free(am_manifest *m);

/*
 * Read the platform from an image config blob (`os`, `architecture`,
 * `variant`, `os.version`) and normalise it. Fails with AM_EINVALID when
 * the blob is not JSON or names no architecture.
 */
int am_manifest_parse_config(am_platform *out, const char *body, size_t len,
                             am_err *err);

#endif
