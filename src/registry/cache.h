/* SPDX-License-Identifier: MIT */
/* The registry cache: manifests and configs stored by digest (verified on
 * every read), and tag → digest answers kept for a limited time. */
#ifndef AM_REGISTRY_CACHE_H
#define AM_REGISTRY_CACHE_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct am_cache am_cache;

/*
 * Open the cache under `dir` (its "registry" subfolder is created on the
 * first write). With `dir` NULL only memory is used, which still spares a
 * second fetch of the same digest within one run.
 */
int am_cache_open(am_cache **out, const char *dir, am_err *err);

/*
 * Look up the body stored for `digest`. Its hash is checked first: a file
 * that does not match (disk damage, tampering) is deleted and reported as
 * missing. Returns 0 with new `*body` (NUL-terminated) and `*media_type`
 * (either may be NULL if absent) for the caller to free, or AM_ENOTFOUND.
 */
int am_cache_get_blob(am_cache *c, const char *digest, char **body, size_t *len,
                      char **media_type);

/*
 * Store a body under its digest. The caller has verified it; it is checked
 * again here, so nothing unverified is ever stored. Writes are atomic
 * (temporary file, then rename), so concurrent runs sharing a cache only
 * ever see whole files.
 */
int am_cache_put_blob(am_cache *c, const char *digest, const char *body,
                      size_t len, const char *media_type, am_err *err);

/*
 * Look up the answer stored for tag `key` (any string naming the tag and
 * where it was asked). `*fresh` tells whether it is younger than `ttl`
 * seconds (a negative ttl: never fresh). Returns 0 with new `*digest` and
 * `*media_type`, or AM_ENOTFOUND.
 */
int am_cache_get_tag(am_cache *c, const char *key, long ttl, char **digest,
                     char **media_type, bool *fresh);

/* Remember that tag `key` now names `digest`, as of now. */
int am_cache_put_tag(am_cache *c, const char *key, const char *digest,
                     const char *media_type, am_err *err);

/* Free the cache (the files stay). NULL is fine. */
void am_cache_free(am_cache *c);

#endif
