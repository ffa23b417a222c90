/* SPDX-License-Identifier: MIT */
/* WWW-Authenticate challenges (RFC 9110 section 11) and token server
 * answers (the docker registry token protocol). */
#ifndef AM_REGISTRY_AUTH_H
#define AM_REGISTRY_AUTH_H

#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct am_auth_param {
  char *name; /* lowercased: parameter names are case-insensitive */
  char *value;
} am_auth_param;

typedef struct am_challenge {
  char *scheme;  /* lowercased: "bearer", "basic", ... */
  char *token68; /* the rare token68 form, or NULL */
  am_auth_param *params;
  size_t nparams;
} am_challenge;

/* A list of challenges; a zeroed struct is empty. */
typedef struct am_challenges {
  am_challenge *v;
  size_t len;
} am_challenges;

/* Parser bounds: a header is untrusted input. */
#define AM_AUTH_HEADER_MAX 8192
#define AM_AUTH_MAX_CHALLENGES 16
#define AM_AUTH_MAX_PARAMS 32

/*
 * Parse one WWW-Authenticate header value, which may hold several
 * challenges separated by commas, each with parameters whose values are
 * tokens or quoted strings (backslash escapes a character). Challenges are
 * appended to `out`. Returns AM_EINVALID on malformed input (what was
 * parsed before the fault stays in `out`).
 */
int am_auth_parse_challenges(am_challenges *out, const char *header,
                             am_err *err);

/* The first challenge with `scheme` (case-insensitive), or NULL. */
const am_challenge *am_auth_find(const am_challenges *list, const char *scheme);

/* A parameter's value (name case-insensitive), or NULL. */
const char *am_auth_param_get(const am_challenge *c, const char *name);

/* Free every challenge. NULL is fine. */
void am_challenges_free(am_challenges *list);

/* Tokens live this long when the server does not say (the spec's rule). */
#define AM_TOKEN_DEFAULT_TTL 60

/* A token longer than this is refused: it goes into a header line. */
#define AM_TOKEN_MAX 16384

/*
 * True when `s` (`len` bytes) can be sent as a bearer token: non-empty,
 * at most AM_TOKEN_MAX bytes, and only RFC 6750's b64token characters
 * (A-Z a-z 0-9 - . _ ~ + /, then '='s at the end). Anything else could
 * break out of the Authorization header (a CR LF) or was never a token.
 */
bool am_auth_token_valid(const char *s, size_t len);

/*
 * Read a token server's JSON answer: `token` or `access_token`, and
 * `expires_in` (AM_TOKEN_DEFAULT_TTL when absent or not positive). A token
 * that am_auth_token_valid refuses is an error whose message does not
 * quote it. `*token` is a new string the caller frees (and should scrub).
 */
int am_auth_parse_token_response(char **token, long *expires_in,
                                 const char *body, size_t len, am_err *err);

/*
 * Append the token request's fields to `form` (a query or a form body):
 * `service` when not NULL, then one `scope` field per space-separated
 * scope in `scope` ("repository:a:pull repository:b:pull" is two, as the
 * token protocol wants), each escaped. Returns 0 or AM_ENOMEM.
 */
int am_auth_token_fields(am_buf *form, const char *service, const char *scope);

/* Append "name=value" to a query or form, the `n` bytes of `value`
 * escaped. Returns 0 or AM_ENOMEM. */
int am_auth_add_field(am_buf *b, const char *name, const char *value, size_t n);

/* Base64 of "user:secret" for a Basic header; NULL when memory runs out. */
char *am_auth_basic_value(const char *user, const char *secret);

/*
 * Add to `out` (no duplicates, nothing empty) the forms a credential may
 * take in what a server echoes back: `secret`, and with a `user` also
 * "user:secret" and its base64 (the Basic header value). Returns 0 or
 * AM_ENOMEM. The caller scrubs `out` when done.
 */
int am_auth_secret_forms(am_strv *out, const char *user, const char *secret);

/*
 * A copy of `text` with every occurrence of each of the `n` secrets
 * (empty ones ignored; at each place the longest that matches) replaced
 * by "[redacted]". For text a server sent, before it becomes an error
 * message. NULL when memory runs out.
 */
char *am_auth_redact(const char *text, const char *const *secrets, size_t n);

#endif
