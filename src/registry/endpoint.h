/* SPDX-License-Identifier: MIT */
/* Where requests for a registry go: docker.io's real host, mirrors, and
 * which hosts may be spoken to over plain HTTP. */
#ifndef AM_REGISTRY_ENDPOINT_H
#define AM_REGISTRY_ENDPOINT_H

#include "registry/registry.h"
#include "util/err.h"

#include <stdbool.h>

#define AM_ENDPOINT_URL_MAX 512

/* The base URL requests for one registry go to ("https://host[:port]" or a
 * mirror's URL, never with a trailing slash). */
typedef struct am_endpoint {
  char base[AM_ENDPOINT_URL_MAX];
  bool mirrored; /* base came from a --registry-mirror */
} am_endpoint;

/* True for localhost, 127.0.0.0/8 and ::1, with or without a port: the
 * hosts docker lets speak plain HTTP without being told. */
bool am_endpoint_is_loopback(const char *host);

/*
 * Decide the base URL for registry `domain` (as a normalised reference
 * names it, "docker.io", "localhost:5000"): a mirror wins; docker.io is
 * served by registry-1.docker.io; an insecure or loopback host gets http.
 * Fails with AM_EUSAGE for a mirror URL that is not http(s) or carries
 * credentials.
 */
int am_endpoint_for(am_endpoint *out, const char *domain,
                    const am_registry_opts *opts, am_err *err);

/*
 * Copy the "host[:port]" part of an http(s) URL into `out` (lowercased),
 * as used to pick credentials and to decide whether a redirect leaves the
 * host. Returns AM_EINVALID when `url` has no such part.
 */
int am_endpoint_authority(const char *url, char *out, size_t size);

#endif
