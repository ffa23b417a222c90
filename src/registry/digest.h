/* SPDX-License-Identifier: MIT */
/* Content digests ("sha256:<hex>") computed with OpenSSL and checked
 * against the bytes a registry sent. */
#ifndef AM_REGISTRY_DIGEST_H
#define AM_REGISTRY_DIGEST_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* Room for "sha512:" and 128 hex digits plus the NUL. */
#define AM_DIGEST_MAX 136

/*
 * True when `digest` is "sha256:" with 64 lowercase hex digits or "sha512:"
 * with 128: the only algorithms the OCI spec registers. Anything else is
 * refused before it is used in a URL or a file name.
 */
bool am_digest_valid(const char *digest);

/* Write "sha256:<hex>" of `len` bytes into `out`. Returns 0 or AM_ERROR. */
int am_digest_sha256(char out[AM_DIGEST_MAX], const void *data, size_t len);

/*
 * Check that `data` hashes to `digest` with the digest's own algorithm.
 * Returns 0, AM_EINVALID for a malformed digest, or AM_ERROR (with both
 * digests in the message) on a mismatch.
 */
int am_digest_check(const char *digest, const void *data, size_t len,
                    am_err *err);

#endif
