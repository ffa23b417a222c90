/* SPDX-License-Identifier: MIT */
/* The image reference grammar of the distribution project: parse, validate
 * and normalise ("alpine" is "docker.io/library/alpine:latest"). */
#ifndef AM_REF_REF_H
#define AM_REF_REF_H

#include "util/err.h"

#include <stddef.h>

#define AM_REF_NAME_MAX 255 /* domain + "/" + path, as written */
#define AM_REF_TAG_MAX 128
#define AM_REF_DIGEST_MAX 192
#define AM_REF_STR_MAX                                                         \
  (AM_REF_NAME_MAX + 32 + AM_REF_TAG_MAX + AM_REF_DIGEST_MAX)

/* A normalised reference. `tag` and `digest` are "" when absent; a
 * reference with neither gets the tag "latest". */
typedef struct am_ref {
  char domain[AM_REF_NAME_MAX + 1]; /* "docker.io", "localhost:5000" */
  char path[AM_REF_NAME_MAX + 1];   /* "library/alpine" */
  char tag[AM_REF_TAG_MAX + 1];
  char digest[AM_REF_DIGEST_MAX + 1]; /* "sha256:…" */
} am_ref;

/*
 * Parse `s` and normalise it: a first component is a registry only when it
 * holds a '.' or ':', is "localhost", or has capitals; otherwise the
 * registry is docker.io and a one-component path gains "library/".
 * index.docker.io and registry-1.docker.io become docker.io. On failure
 * returns AM_EINVALID with the grammar's reason in `err`.
 */
int am_ref_parse(am_ref *out, const char *s, am_err *err);

/* Write the full normalised form, "domain/path[:tag][@digest]". */
void am_ref_format(const am_ref *ref, char *out, size_t size);

/* Write "domain/path" only. */
void am_ref_format_name(const am_ref *ref, char *out, size_t size);

/* Normalise `in` into `out` (size AM_REF_STR_MAX is always enough). */
int am_ref_normalize(const char *in, char *out, size_t size, am_err *err);

#endif
