/* SPDX-License-Identifier: MIT */
/* Logical registry requests on top of the transport: authentication from
 * challenges, bearer tokens cached per realm/service/scope, redirects
 * followed by hand, retries with backoff. */
#ifndef AM_REGISTRY_CLIENT_H
#define AM_REGISTRY_CLIENT_H

#include "registry/credentials.h"
#include "registry/transport.h"
#include "util/err.h"

#include <stddef.h>

typedef struct am_client am_client;

typedef struct am_client_opts {
  am_transport_opts transport;
  int retries;         /* retries after the first try, default 4 */
  double retry_base;   /* first backoff in seconds, default 1 */
  double retry_cap;    /* longest wait, default 60 s */
  am_credstore *creds; /* borrowed; NULL: anonymous only */
} am_client_opts;

/* One request. Strings are copied by am_client_fetch. */
typedef struct am_request {
  am_http_method method;
  const char *url;
  const char *accept;
  const char *scope; /* "repository:NAME:pull", for bearer tokens */
  const char *what;  /* the image this is for, named in log lines */
  size_t max_body;
} am_request;

/*
 * The outcome. `rc` is 0 when a server gave a final answer (any status),
 * AM_EAUTH when authentication failed, AM_ETOOBIG for a body over the cap,
 * AM_EIO for network failures. `error` is one line when rc != 0 or
 * status >= 400. Everything is valid only during the callback.
 */
typedef struct am_response {
  int rc;
  long status;
  const char *error;
  const char *body;
  size_t len;
  const char *content_type;
  const char *digest; /* Docker-Content-Digest, or NULL */
} am_response;

typedef void (*am_fetch_done_fn)(const am_response *r, void *ud);

int am_client_new(am_client **out, const am_client_opts *opts, am_err *err);

/* Start a request; `done` is called exactly once, from am_client_run.
 * Returns AM_ENOMEM (and never calls `done`) when it cannot start. */
int am_client_fetch(am_client *c, const am_request *req, am_fetch_done_fn done,
                    void *ud);

/* Run until every request has finished. */
int am_client_run(am_client *c, am_err *err);

/* Free the client and its token cache (scrubbed). NULL is fine. */
void am_client_free(am_client *c);

#endif
