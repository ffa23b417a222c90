/* SPDX-License-Identifier: MIT */
/* Logical registry requests: auth, tokens, redirects, retries. */
#include "registry/client.h"

#include "registry/auth.h"
#include "registry/endpoint.h"
#include "util/log.h"
#include "util/strv.h"

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_RETRIES 4
#define DEFAULT_RETRY_BASE 1.0
#define DEFAULT_RETRY_CAP 60.0
#define MAX_REDIRECTS 5
/* A first 401 teaches the challenge, a second one refetches the token;
 * a third means the credentials are not good enough. */
#define MAX_AUTH_TRIES 2
/* Renew a token a little before the server's deadline. */
#define TOKEN_MARGIN 5.0
/* Below this many requests left, the user hears about the rate limit. */
#define RATELIMIT_LOW 10
#define TOKEN_MAX_BODY (1024 * 1024)

typedef enum auth_kind { AUTH_NONE, AUTH_BASIC, AUTH_BEARER } auth_kind;

/* A scope a host's challenge named instead of the one asked for (a
 * backend that names the repository otherwise, behind a redirect). */
typedef struct scope_alias {
  char *asked;
  char *named;
  struct scope_alias *next;
} scope_alias;

/* What one host asked for in its last challenge. */
typedef struct host_auth {
  char *host;
  auth_kind kind;
  char *realm;
  char *service;
  scope_alias *aliases;
  bool warned_ratelimit;
  struct host_auth *next;
} host_auth;

typedef struct fetch fetch;

/* A bearer token, or a request for one in flight with fetches waiting. */
typedef struct token_entry {
  char *key; /* realm \n service \n scope */
  char *token;
  double expires;
  bool pending;
  char *failure; /* the token server refused: waiters fail with this */
  int failure_rc;
  fetch *waiters;
  struct token_entry *next;
} token_entry;

struct fetch {
  am_client *client;
  am_http_method method;
  char *url;
  char *accept;
  char *scope;
  char *what;
  size_t max_body;
  am_fetch_done_fn done;
  void *ud;

  char host[256]; /* authority of `url` */
  int attempt;
  int redirects;
  int auth_tries;
  char *authorization; /* scrubbed when replaced */
  am_strv secrets;     /* every credential this request has carried */
  token_entry *used_token;
  am_xfer x;
  fetch *next_waiter;

  /* Token requests: the entry they fill, the host whose credentials they
   * carry, and the only host those may be sent to. */
  token_entry *for_token;
  char *post_fields;
  char *basic;
  char cred_host[256];
};

struct am_client {
  am_transport *transport;
  am_client_opts opts;
  host_auth *hosts;
  token_entry *tokens;
  unsigned seed;
};

static void send_fetch(fetch *f);

int am_client_new(am_client **out, const am_client_opts *opts, am_err *err) {
  am_client *c = calloc(1, sizeof(*c));
  int rc = AM_OK;

  *out = NULL;
  if (c == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (opts)
    c->opts = *opts;
  if (c->opts.retries <= 0)
    c->opts.retries = DEFAULT_RETRIES;
  if (c->opts.retry_base <= 0)
    c->opts.retry_base = DEFAULT_RETRY_BASE;
  if (c->opts.retry_cap <= 0)
    c->opts.retry_cap = DEFAULT_RETRY_CAP;
  c->seed = (unsigned)(am_transport_now() * 1000003.0) | 1u;
  rc = am_transport_new(&c->transport, &c->opts.transport, err);
  if (rc != AM_OK) {
    free(c);
    return rc;
  }
  *out = c;
  return AM_OK;
}

void am_client_free(am_client *c) {
  if (c == NULL)
    return;
  am_transport_free(c->transport);
  while (c->hosts) {
    host_auth *h = c->hosts;

    c->hosts = h->next;
    while (h->aliases) {
      scope_alias *a = h->aliases;

      h->aliases = a->next;
      free(a->asked);
      free(a->named);
      free(a);
    }
    free(h->host);
    free(h->realm);
    free(h->service);
    free(h);
  }
  while (c->tokens) {
    token_entry *t = c->tokens;

    c->tokens = t->next;
    free(t->key);
    am_scrub_free(t->token);
    free(t->failure);
    free(t);
  }
  free(c);
}

int am_client_run(am_client *c, am_err *err) {
  return am_transport_run(c->transport, err);
}

static host_auth *find_host_auth(am_client *c, const char *host) {
  for (host_auth *h = c->hosts; h; h = h->next) {
    if (strcmp(h->host, host) == 0)
      return h;
  }
  return NULL;
}

static host_auth *get_host_auth(am_client *c, const char *host) {
  host_auth *h = find_host_auth(c, host);

  if (h)
    return h;
  h = calloc(1, sizeof(*h));
  if (h == NULL || (h->host = am_strdup(host)) == NULL) {
    free(h);
    return NULL;
  }
  h->next = c->hosts;
  c->hosts = h;
  return h;
}

/* Scrub and free a list of secrets. */
static void scrub_strv(am_strv *sv) {
  for (size_t i = 0; i < sv->len; i++)
    OPENSSL_cleanse(sv->v[i], strlen(sv->v[i]));
  am_strv_free(sv);
}

static void free_fetch(fetch *f) {
  am_xfer_clear(&f->x);
  scrub_strv(&f->secrets);
  free(f->url);
  free(f->accept);
  free(f->scope);
  free(f->what);
  am_scrub_free(f->authorization);
  am_scrub_free(f->post_fields);
  am_scrub_free(f->basic);
  free(f);
}

/*
 * A copy of `text` (a server's words) with every secret archmatrix holds
 * for `f` replaced by "[redacted]": what this request carried (password,
 * "user:password", its base64, identity token, bearer token) and every
 * bearer token the client holds. NULL when memory runs out.
 */
static char *redact(const fetch *f, const char *text) {
  size_t ntokens = 0;
  const char **list = NULL;
  size_t n = 0;
  char *out = NULL;

  for (const token_entry *t = f->client->tokens; t; t = t->next)
    ntokens++;
  list = calloc(f->secrets.len + ntokens + 1, sizeof(*list));
  if (list == NULL)
    return NULL;
  for (size_t i = 0; i < f->secrets.len; i++)
    list[n++] = f->secrets.v[i];
  for (const token_entry *t = f->client->tokens; t; t = t->next) {
    if (t->token)
      list[n++] = t->token;
  }
  out = am_auth_redact(text, list, n);
  free(list);
  return out;
}

/* Remember the forms of a credential this request carries, so that a
 * server echoing it back is redacted. Out of memory, the request goes
 * without the credential rather than risk printing it. */
static int keep_secret(fetch *f, const char *user, const char *secret) {
  return am_auth_secret_forms(&f->secrets, user, secret);
}

/* Deliver the outcome to the caller and free the fetch. */
static void finish(fetch *f, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish(fetch *f, int rc, const char *fmt, ...) {
  char message[512] = "";
  am_response r;

  if (fmt) {
    va_list ap;
    char *clean = NULL;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    /* The message may quote a server; no secret of ours leaves here. */
    clean = redact(f, message);
    snprintf(message, sizeof(message), "%s",
             clean ? clean : "error text withheld: out of memory");
    free(clean);
  }
  memset(&r, 0, sizeof(r));
  r.rc = rc;
  r.status = f->x.status;
  r.error = message[0] ? message : NULL;
  r.body = f->x.body.data ? f->x.body.data : "";
  r.len = f->x.body.len;
  r.content_type = f->x.content_type;
  r.digest = f->x.content_digest;
  f->done(&r, f->ud);
  free_fetch(f);
}

/* The "code: message" of a registry's JSON error body, if it has one,
 * with our secrets redacted before it is cut short (a cut could leave
 * half a secret that no longer matches). */
static void registry_error_text(const fetch *f, char *out, size_t size) {
  const am_xfer *x = &f->x;
  json_t *root = NULL;
  json_t *first = NULL;
  char *code = NULL;
  char *message = NULL;
  const char *raw_code = NULL;
  const char *raw_message = NULL;

  out[0] = '\0';
  if (x->body.len == 0)
    return;
  root = json_loadb(x->body.data, x->body.len, 0, NULL);
  first = json_array_get(json_object_get(root, "errors"), 0);
  raw_code = json_string_value(json_object_get(first, "code"));
  raw_message = json_string_value(json_object_get(first, "message"));
  code = raw_code ? redact(f, raw_code) : NULL;
  message = raw_message ? redact(f, raw_message) : NULL;
  if ((raw_code && !code) || (raw_message && !message))
    snprintf(out, size, " (error text withheld: out of memory)");
  else if (code || message)
    snprintf(out, size, " (%.60s%s%.120s)", code ? code : "",
             code && message ? ": " : "", message ? message : "");
  free(code);
  free(message);
  json_decref(root);
}

/* Curl failures worth another try: the network, not the request. */
static bool is_transient(int code) {
  switch (code) {
  case CURLE_COULDNT_CONNECT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
    return true;
  default:
    return false;
  }
}

static bool is_retry_status(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

/* Queue the same request again after a pause. `retry_after` is what the
 * server asked for in seconds, or -1. */
static void retry_later(fetch *f, const char *reason, long retry_after) {
  am_client *c = f->client;
  double delay = 0;

  f->attempt++;
  delay = am_transport_backoff(f->attempt, c->opts.retry_base,
                               c->opts.retry_cap, &c->seed);
  if (retry_after > delay)
    delay = (double)retry_after;
  am_log(AM_LOG_WARN, "%s: %s, retrying in %.0f s", f->what, reason,
         delay < 1 ? 1.0 : delay);
  f->x.not_before = am_transport_now() + delay;
  send_fetch(f);
}

/* Warn once per host when a Docker Hub style RateLimit-Remaining header
 * ("76;w=21600") says few requests are left. */
static void check_ratelimit(fetch *f) {
  const char *v = f->x.ratelimit_remaining;
  host_auth *h = NULL;
  long left = 0;
  char *end = NULL;

  if (v == NULL)
    return;
  left = strtol(v, &end, 10);
  if (end == v || left >= RATELIMIT_LOW)
    return;
  h = get_host_auth(f->client, f->host);
  if (h == NULL || h->warned_ratelimit)
    return;
  h->warned_ratelimit = true;
  am_log(AM_LOG_WARN,
         "%s: rate limit nearly used up: %ld requests left; wait, or log "
         "in for a higher limit",
         f->host, left);
}

static token_entry *find_token(am_client *c, const char *key) {
  for (token_entry *t = c->tokens; t; t = t->next) {
    if (strcmp(t->key, key) == 0)
      return t;
  }
  return NULL;
}

/* The scope to ask `h`'s realm for on behalf of a request for `asked`:
 * what the host's challenge named for it, else `asked` itself. */
static const char *token_scope(const host_auth *h, const char *asked) {
  for (const scope_alias *a = h->aliases; a; a = a->next) {
    if (strcmp(a->asked, asked ? asked : "") == 0)
      return a->named;
  }
  return asked;
}

/* Remember that `h` named `named` when asked for `asked`. */
static int set_scope_alias(host_auth *h, const char *asked, const char *named) {
  scope_alias *a = NULL;

  for (a = h->aliases; a; a = a->next) {
    if (strcmp(a->asked, asked ? asked : "") == 0)
      break;
  }
  if (a == NULL) {
    a = calloc(1, sizeof(*a));
    if (a == NULL || (a->asked = am_strdup(asked ? asked : "")) == NULL) {
      free(a);
      return AM_ENOMEM;
    }
    a->next = h->aliases;
    h->aliases = a;
  }
  free(a->named);
  a->named = am_strdup(named);
  return a->named ? AM_OK : AM_ENOMEM;
}

static char *token_key(const host_auth *h, const char *scope) {
  return am_asprintf("%s\n%s\n%s", h->realm ? h->realm : "",
                     h->service ? h->service : "", scope ? scope : "");
}

/* Wake every fetch waiting for `t`: send them with the token, or fail
 * them with the token server's refusal. */
static void wake_waiters(token_entry *t) {
  fetch *w = t->waiters;

  t->waiters = NULL;
  while (w) {
    fetch *next = w->next_waiter;

    w->next_waiter = NULL;
    if (t->token)
      send_fetch(w);
    else
      finish(w, t->failure_rc, "%s", t->failure ? t->failure : "no token");
    w = next;
  }
}

static void on_token(const am_response *r, void *ud) {
  token_entry *t = ud;
  char *token = NULL;
  long expires_in = 0;
  am_err err;

  am_err_clear(&err);
  t->pending = false;
  free(t->failure);
  t->failure = NULL;
  if (r->rc != AM_OK) {
    t->failure_rc = r->rc;
    t->failure = am_asprintf("token request: %s", r->error);
  } else if (r->status == 401 || r->status == 403) {
    t->failure_rc = AM_EAUTH;
    t->failure = am_asprintf("token server refused the credentials "
                             "(HTTP %ld)",
                             r->status);
  } else if (r->status != 200) {
    t->failure_rc = AM_EIO;
    t->failure =
        am_asprintf("token request: %s", r->error ? r->error : "failed");
  } else if (am_auth_parse_token_response(&token, &expires_in, r->body, r->len,
                                          &err) != AM_OK) {
    t->failure_rc = AM_EAUTH;
    t->failure = am_asprintf("token server: %s", err.msg);
  } else {
    t->token = token;
    t->expires = am_transport_now() + (double)expires_in -
                 (expires_in > 2 * TOKEN_MARGIN ? TOKEN_MARGIN : 0);
  }
  if (t->token == NULL && t->failure == NULL)
    t->failure_rc = AM_ENOMEM;
  wake_waiters(t);
}

/* A form field from a C string. */
static int form_field(am_buf *form, const char *name, const char *value) {
  return am_auth_add_field(form, name, value, strlen(value));
}

/*
 * Ask the realm of `h` for a token for `scope`, on behalf of `waiter`.
 * With a password: GET with Basic (the docker token protocol). With an
 * identity token: POST an OAuth2 refresh_token grant, as docker does.
 */
static int request_token(am_client *c, token_entry *t, host_auth *h,
                         const char *registry_host, const char *scope,
                         fetch *waiter) {
  fetch *f = NULL;
  am_creds creds = {NULL, NULL, false};
  bool have_creds = false;
  am_buf form;
  char *url = NULL;
  int rc = AM_ENOMEM;

  am_buf_init(&form, 0);
  if (c->opts.creds &&
      am_credstore_lookup(c->opts.creds, registry_host, &creds, NULL) == AM_OK)
    have_creds = true;
  if (am_auth_token_fields(&form, h->service, scope) != AM_OK)
    goto done;
  if (have_creds && creds.identity_token &&
      (form_field(&form, "grant_type", "refresh_token") != AM_OK ||
       form_field(&form, "client_id", "archmatrix") != AM_OK ||
       form_field(&form, "refresh_token", creds.secret) != AM_OK))
    goto done;
  f = calloc(1, sizeof(*f));
  if (f == NULL)
    goto done;
  f->client = c;
  if (have_creds && keep_secret(f, creds.identity_token ? NULL : creds.username,
                                creds.secret) != AM_OK)
    goto done;
  f->for_token = t;
  f->what = am_strdup(waiter->what);
  f->scope = am_strdup(scope);
  f->max_body = TOKEN_MAX_BODY;
  f->done = on_token;
  f->ud = t;
  if (have_creds && creds.identity_token) {
    f->method = AM_HTTP_POST;
    f->url = am_strdup(h->realm);
    f->post_fields = am_buf_detach(&form);
  } else {
    url = am_asprintf("%s%c%s", h->realm, strchr(h->realm, '?') ? '&' : '?',
                      form.data ? form.data : "");
    f->method = AM_HTTP_GET;
    f->url = url;
    url = NULL;
    if (have_creds) {
      char *value = am_auth_basic_value(creds.username, creds.secret);

      f->basic = value ? am_asprintf("Basic %s", value) : NULL;
      am_scrub_free(value);
    }
  }
  if (f->url == NULL || f->what == NULL ||
      am_endpoint_authority(f->url, f->host, sizeof(f->host)) != AM_OK)
    goto done;
  /* The credentials may go to the realm the registry named, and nowhere
   * a redirect from there points. */
  snprintf(f->cred_host, sizeof(f->cred_host), "%s", f->host);
  t->pending = true;
  send_fetch(f);
  f = NULL;
  rc = AM_OK;

done:
  if (f)
    free_fetch(f);
  free(url);
  am_buf_free(&form);
  am_creds_clear(&creds);
  return rc;
}

/* Choose the Authorization for this attempt. Returns 1 when the fetch is
 * parked waiting for a token, 0 to send now. */
static int choose_authorization(fetch *f) {
  am_client *c = f->client;
  host_auth *h = find_host_auth(c, f->host);
  token_entry *t = NULL;
  const char *scope = NULL;
  char *key = NULL;

  f->used_token = NULL;
  if (h == NULL || h->kind == AUTH_NONE)
    return 0;
  if (h->kind == AUTH_BASIC) {
    am_creds creds = {NULL, NULL, false};

    if (c->opts.creds &&
        am_credstore_lookup(c->opts.creds, f->host, &creds, NULL) == AM_OK &&
        !creds.identity_token &&
        keep_secret(f, creds.username, creds.secret) == AM_OK) {
      char *value = am_auth_basic_value(creds.username, creds.secret);

      f->authorization = value ? am_asprintf("Basic %s", value) : NULL;
      am_scrub_free(value);
    }
    am_creds_clear(&creds);
    return 0;
  }

  scope = token_scope(h, f->scope);
  key = token_key(h, scope);
  if (key == NULL)
    return 0;
  t = find_token(c, key);
  if (t && t->token && t->expires <= am_transport_now()) {
    am_scrub_free(t->token);
    t->token = NULL;
  }
  if (t == NULL) {
    t = calloc(1, sizeof(*t));
    if (t == NULL) {
      free(key);
      return 0;
    }
    t->key = key;
    key = NULL;
    t->next = c->tokens;
    c->tokens = t;
  }
  free(key);
  if (t->token) {
    if (keep_secret(f, NULL, t->token) != AM_OK)
      return 0;
    f->authorization = am_asprintf("Bearer %s", t->token);
    f->used_token = t;
    return 0;
  }
  if (!t->pending && t->failure == NULL &&
      request_token(c, t, h, f->host, scope, f) != AM_OK)
    return 0;
  f->next_waiter = t->waiters;
  t->waiters = f;
  /* A token that already failed is reported to the waiter at once. */
  if (!t->pending)
    wake_waiters(t);
  return 1;
}

static void on_xfer_done(am_xfer *x, void *ud);

/* Send (or resend) `f` to its current URL. */
static void send_fetch(fetch *f) {
  am_scrub_free(f->authorization);
  f->authorization = NULL;
  if (f->for_token) {
    /* Token requests carry Basic to the realm host only. */
    if (f->basic && strcmp(f->host, f->cred_host) == 0)
      f->authorization = am_strdup(f->basic);
  } else if (choose_authorization(f) == 1) {
    return;
  }
  f->x.method = f->method;
  f->x.url = f->url;
  f->x.accept = f->accept;
  f->x.authorization = f->authorization;
  f->x.post_fields = f->post_fields;
  f->x.max_body = f->max_body;
  f->x.done = on_xfer_done;
  f->x.ud = f;
  am_transport_submit(f->client->transport, &f->x);
}

/* True when a URL from a server holds a space or a control character: it
 * would not be one URL, and a CR LF in it could end a request line. */
static bool url_has_ctl(const char *s) {
  for (const char *p = s; *p; p++) {
    if ((unsigned char)*p <= 0x20 || *p == 0x7f)
      return true;
  }
  return false;
}

/* Resolve a Location against the URL it answered, refusing anything but
 * http(s), URLs with credentials in them and ones with control
 * characters. */
static int redirect_target(fetch *f, char **out) {
  CURLU *u = NULL;
  char *scheme = NULL;
  char *user = NULL;
  char *url = NULL;
  int rc = AM_EINVALID;

  *out = NULL;
  if (url_has_ctl(f->x.location))
    return AM_EINVALID;
  u = curl_url();
  if (u == NULL)
    return AM_ENOMEM;
  if (curl_url_set(u, CURLUPART_URL, f->url, 0) != CURLUE_OK ||
      curl_url_set(u, CURLUPART_URL, f->x.location, 0) != CURLUE_OK ||
      curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
    goto done;
  if (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0)
    goto done;
  if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK)
    goto done;
  if (curl_url_get(u, CURLUPART_URL, &url, 0) != CURLUE_OK)
    goto done;
  *out = am_strdup(url);
  rc = *out ? AM_OK : AM_ENOMEM;

done:
  curl_free(scheme);
  curl_free(user);
  curl_free(url);
  curl_url_cleanup(u);
  return rc;
}

static void follow_redirect(fetch *f) {
  char *target = NULL;
  char host[256] = "";

  if (++f->redirects > MAX_REDIRECTS) {
    finish(f, AM_EIO, "%s: more than %d redirects", f->host, MAX_REDIRECTS);
    return;
  }
  if (redirect_target(f, &target) != AM_OK ||
      am_endpoint_authority(target, host, sizeof(host)) != AM_OK) {
    free(target);
    finish(f, AM_EIO,
           "%s: redirect to a refused location (only http and "
           "https, no credentials)",
           f->host);
    return;
  }
  am_log(AM_LOG_DEBUG, "%s: HTTP %ld redirect from %s to %s", f->what,
         f->x.status, f->host, host);
  if (f->x.status == 303 && f->method == AM_HTTP_POST)
    f->method = AM_HTTP_GET;
  /* A new host gets its own challenge and credentials, never ours. */
  if (strcmp(host, f->host) != 0)
    f->auth_tries = 0;
  free(f->url);
  f->url = target;
  snprintf(f->host, sizeof(f->host), "%s", host);
  f->x.not_before = 0;
  send_fetch(f);
}

/* A 401: learn the host's challenge and try again with what it asks for,
 * at most MAX_AUTH_TRIES times. */
static void answer_challenge(fetch *f) {
  am_client *c = f->client;
  am_challenges list = {NULL, 0};
  const am_challenge *ch = NULL;
  host_auth *h = NULL;
  am_creds creds = {NULL, NULL, false};
  bool had_auth = f->authorization != NULL;
  bool have_creds = false;
  bool rescoped = false;

  for (size_t i = 0; i < f->x.www_authenticate.len; i++)
    am_auth_parse_challenges(&list, f->x.www_authenticate.v[i], NULL);
  ch = am_auth_find(&list, "bearer");
  if (ch == NULL || am_auth_param_get(ch, "realm") == NULL)
    ch = am_auth_find(&list, "basic");
  if (ch == NULL) {
    am_challenges_free(&list);
    finish(f, AM_EAUTH, "%s: unauthorized (no usable challenge)", f->host);
    return;
  }
  if (++f->auth_tries > MAX_AUTH_TRIES) {
    am_challenges_free(&list);
    finish(f, AM_EAUTH, "%s: unauthorized%s", f->host,
           had_auth ? " (credentials or token refused)" : "");
    return;
  }
  h = get_host_auth(c, f->host);
  if (h == NULL) {
    am_challenges_free(&list);
    finish(f, AM_ENOMEM, "out of memory");
    return;
  }
  free(h->realm);
  free(h->service);
  h->realm = h->service = NULL;
  if (strcmp(ch->scheme, "bearer") == 0) {
    const char *realm = am_auth_param_get(ch, "realm");
    const char *scope = am_auth_param_get(ch, "scope");

    /* The scope the registry asks for is the one to get a token for: a
     * backend behind a redirect may name the repository otherwise. */
    if (scope && scope[0] && f->scope &&
        strcmp(scope, token_scope(h, f->scope)) != 0) {
      if (set_scope_alias(h, f->scope, scope) != AM_OK) {
        am_challenges_free(&list);
        finish(f, AM_ENOMEM, "out of memory");
        return;
      }
      am_log(AM_LOG_DEBUG, "%s: %s asks for scope %s", f->what, f->host, scope);
      rescoped = true;
    }
    h->kind = AUTH_BEARER;
    h->realm = am_strdup(realm);
    h->service = am_strdup(am_auth_param_get(ch, "service"));
    if ((strncasecmp(realm, "http://", 7) != 0 &&
         strncasecmp(realm, "https://", 8) != 0) ||
        url_has_ctl(realm)) {
      am_challenges_free(&list);
      h->kind = AUTH_NONE;
      finish(f, AM_EAUTH, "%s: token realm is not an http(s) URL", f->host);
      return;
    }
  } else {
    h->kind = AUTH_BASIC;
  }
  am_challenges_free(&list);

  /* The token we sent was refused (expired, or revoked): drop it so the
   * retry asks the realm again, once. A token for another scope than the
   * one now asked for was not refused, only the wrong one. */
  if (f->used_token && !rescoped) {
    am_scrub_free(f->used_token->token);
    f->used_token->token = NULL;
    f->used_token = NULL;
  }
  if (h->kind == AUTH_BASIC) {
    have_creds = c->opts.creds && am_credstore_lookup(c->opts.creds, f->host,
                                                      &creds, NULL) == AM_OK;
    am_creds_clear(&creds);
    if (!have_creds || had_auth) {
      finish(f, AM_EAUTH, "%s: unauthorized (%s)", f->host,
             had_auth ? "credentials refused" : "no credentials for this host");
      return;
    }
  }
  f->x.not_before = 0;
  send_fetch(f);
}

static void on_xfer_done(am_xfer *x, void *ud) {
  fetch *f = ud;
  long status = x->status;
  char detail[256] = "";
  char reason[64] = "";

  if (x->too_big) {
    finish(f, AM_ETOOBIG, "%s: response body over %zu bytes", f->host,
           f->max_body);
    return;
  }
  if (x->curl_code != 0) {
    am_err_one_line(x->curl_error);
    if (is_transient(x->curl_code) && f->attempt < f->client->opts.retries) {
      retry_later(f, x->curl_error, -1);
      return;
    }
    finish(f, AM_EIO, "%s: %s", f->host, x->curl_error);
    return;
  }
  check_ratelimit(f);
  if ((status == 301 || status == 302 || status == 303 || status == 307 ||
       status == 308) &&
      x->location != NULL) {
    follow_redirect(f);
    return;
  }
  if (status == 401 && f->for_token == NULL) {
    answer_challenge(f);
    return;
  }
  if (is_retry_status(status) && f->attempt < f->client->opts.retries) {
    long wait = am_transport_parse_retry_after(x->retry_after, time(NULL));

    if (wait > (long)f->client->opts.retry_cap) {
      registry_error_text(f, detail, sizeof(detail));
      finish(f, AM_EIO,
             "%s: HTTP %ld, asked to wait %s%ld s, over the %.0f s "
             "cap%s",
             f->host, status, wait >= AM_RETRY_AFTER_MAX ? "more than " : "",
             wait, f->client->opts.retry_cap, detail);
      return;
    }
    snprintf(reason, sizeof(reason), "%ld", status);
    retry_later(f, reason, wait);
    return;
  }
  if (status >= 400 || status < 200) {
    registry_error_text(f, detail, sizeof(detail));
    finish(f, AM_OK, "%s: HTTP %ld%s", f->host, status, detail);
    return;
  }
  finish(f, AM_OK, NULL);
}

int am_client_fetch(am_client *c, const am_request *req, am_fetch_done_fn done,
                    void *ud) {
  fetch *f = calloc(1, sizeof(*f));

  if (f == NULL)
    return AM_ENOMEM;
  f->client = c;
  f->method = req->method;
  f->url = am_strdup(req->url);
  f->accept = am_strdup(req->accept);
  f->scope = am_strdup(req->scope);
  f->what = am_strdup(req->what ? req->what : req->url);
  f->max_body = req->max_body;
  f->done = done;
  f->ud = ud;
  if (f->url == NULL || f->what == NULL || (req->accept && !f->accept) ||
      (req->scope && !f->scope) ||
      am_endpoint_authority(f->url, f->host, sizeof(f->host)) != AM_OK) {
    free_fetch(f);
    return AM_ENOMEM;
  }
  send_fetch(f);
  return AM_OK;
}
