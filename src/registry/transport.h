/* SPDX-License-Identifier: MIT */
/* One curl multi handle driving every HTTP exchange: queueing, in-flight
 * limits per host and overall, delayed starts for retries, size caps. */
#ifndef AM_REGISTRY_TRANSPORT_H
#define AM_REGISTRY_TRANSPORT_H

#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

typedef enum am_http_method {
  AM_HTTP_GET,
  AM_HTTP_HEAD,
  AM_HTTP_POST
} am_http_method;

typedef struct am_transport am_transport;
typedef struct am_xfer am_xfer;

/* Called on the resolving thread when an exchange has ended, whatever the
 * outcome; it may submit more exchanges, including `x` again. */
typedef void (*am_xfer_done_fn)(am_xfer *x, void *ud);

/*
 * One HTTP exchange. The caller fills the request part, submits, and reads
 * the response part in the callback. Redirects are never followed here:
 * a 3xx is a response like any other, so the caller decides where
 * credentials may go.
 */
struct am_xfer {
  /* request, owned by the caller until the callback */
  am_http_method method;
  const char *url;
  const char *accept;        /* or NULL */
  const char *authorization; /* whole header value, or NULL; never logged */
  const char *post_fields;   /* POST only, form-encoded */
  size_t max_body;           /* body cap in bytes */
  double not_before;         /* monotonic seconds; 0 starts at once */
  am_xfer_done_fn done;
  void *ud;

  /* response, reset at each submit */
  long status;   /* 0 when no response arrived */
  int curl_code; /* CURLcode, 0 on success */
  char curl_error[256];
  bool too_big; /* the body passed max_body and was cut off */
  am_buf body;
  char *content_type;
  char *content_digest; /* Docker-Content-Digest */
  char *location;
  char *retry_after;
  char *ratelimit_remaining;
  am_strv www_authenticate; /* every challenge header, in order */

  /* private to the transport */
  void *easy;
  void *header_list;
  char host[256];
  am_xfer *next; /* queue, or the list of running exchanges */
  am_xfer *prev;
};

/* Limits and timeouts for a transport; zero fields take the defaults. */
typedef struct am_transport_opts {
  int per_host;         /* in flight per host:port, default 8 */
  int overall;          /* in flight in total, default 32 */
  long timeout;         /* seconds per exchange, default 30 */
  long connect_timeout; /* seconds to connect, default min(10, timeout) */
  const char *ca_file;
} am_transport_opts;

/* Make a transport. Returns 0, AM_ENOMEM or AM_ERROR (curl refused). */
int am_transport_new(am_transport **out, const am_transport_opts *opts,
                     am_err *err);

/* Queue `x`; it starts when its not_before has passed and the limits
 * allow. The transport does not own `x`. */
void am_transport_submit(am_transport *t, am_xfer *x);

/*
 * Drive every queued and running exchange, calling their callbacks, until
 * none is left. Returns 0, or AM_ERROR when curl itself fails.
 */
int am_transport_run(am_transport *t, am_err *err);

/* Free the transport. Exchanges still queued are dropped without their
 * callbacks. NULL is fine. */
void am_transport_free(am_transport *t);

/* Release what a finished exchange's response holds. */
void am_xfer_clear(am_xfer *x);

/* Monotonic clock in seconds. */
double am_transport_now(void);

/* The longest wait a Retry-After is read as (about 31 years): longer
 * values, however many digits, saturate here rather than overflow. */
#define AM_RETRY_AFTER_MAX 1000000000L

/*
 * Seconds a Retry-After value asks to wait: delta-seconds or an HTTP date
 * (compared with `now`, a date in the past is 0), at most
 * AM_RETRY_AFTER_MAX. Returns -1 when the value is neither.
 */
long am_transport_parse_retry_after(const char *value, time_t now);

/*
 * The backoff before retry number `attempt` (1 for the first retry):
 * base * 2^(attempt-1) seconds plus up to half again of jitter drawn from
 * `*seed`, never more than `cap`.
 */
double am_transport_backoff(int attempt, double base, double cap,
                            unsigned *seed);

#endif
