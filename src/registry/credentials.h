/* SPDX-License-Identifier: MIT */
/* Registry credentials from docker and podman configuration:
 * `auths`, `credHelpers` and `credsStore` (docker-credential-<name> get). */
#ifndef AM_REGISTRY_CREDENTIALS_H
#define AM_REGISTRY_CREDENTIALS_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* One set of credentials. The secret is a password, or an OAuth2 refresh
 * token when `identity_token` is set. Never log either. */
typedef struct am_creds {
  char *username;
  char *secret;
  bool identity_token;
} am_creds;

typedef struct am_credstore am_credstore;

/*
 * Read the configuration files the environment names, in the order they
 * are consulted: $REGISTRY_AUTH_FILE, then $DOCKER_CONFIG/config.json (or
 * ~/.docker/config.json). A missing file is skipped; an unreadable or
 * malformed one is an error naming the file.
 */
int am_credstore_open(am_credstore **out, am_err *err);

/* Read the given files in order (for tests and explicit configuration). */
int am_credstore_open_files(am_credstore **out, const char *const *paths,
                            size_t n, am_err *err);

/*
 * Find credentials for `host` ("host[:port]", the host actually contacted).
 * In each file: credHelpers for the host, then auths, then credsStore.
 * Answers are remembered, so a helper runs at most once per host. Returns
 * 0 with `*out` filled (release with am_creds_clear), or AM_ENOTFOUND.
 */
int am_credstore_lookup(am_credstore *store, const char *host, am_creds *out,
                        am_err *err);

/* Scrub and free what `c` holds. NULL is fine. */
void am_creds_clear(am_creds *c);

/* Free the store, scrubbing remembered secrets. NULL is fine. */
void am_credstore_free(am_credstore *store);

#endif
