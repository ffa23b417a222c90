/* SPDX-License-Identifier: MIT */
/* The resolve stage: one job per distinct image, each a small state
 * machine driven by the client's callbacks on one thread. */
#include "registry/registry.h"

#include "ref/ref.h"
#include "registry/cache.h"
#include "registry/client.h"
#include "registry/credentials.h"
#include "registry/digest.h"
#include "registry/endpoint.h"
#include "registry/manifest.h"
#include "util/log.h"
#include "util/platform.h"
#include "util/strv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_TAG_TTL 3600L
#define DEFAULT_TIMEOUT 30L
/* An index's children asked for at once, when no per-registry limit is
 * set: as many as the transport runs per host by default. */
#define DEFAULT_CHILD_WINDOW 8

typedef struct resolver resolver;
typedef struct step step;
typedef struct child child;

typedef struct job {
  resolver *r;
  am_ref ref;
  char name[AM_REF_STR_MAX];
  am_endpoint ep;
  char *scope;
  char *tag_key;
  int pending; /* content requests not yet answered */
  bool finished;
  /* An index's children, asked for a window at a time so that the first
   * failure stops the rest: those not yet asked for, from next_child. */
  child **children;
  size_t nchildren;
  size_t next_child;
  size_t children_running;
  bool launching;
  am_image result;
  size_t cap;
} job;

struct resolver {
  am_client *client;
  am_cache *cache;
  long tag_ttl;
  const am_registry_opts *opts;
  job *jobs;
  size_t njobs;
  size_t *job_of; /* input index → job index */
  size_t ninputs;
  size_t done_inputs;
  step *inflight; /* requests by digest not yet answered */
};

/* What to do with a body once it has arrived and been verified. */
typedef void (*body_fn)(job *j, void *ctx, const char *body, size_t len,
                        const char *media_type, const char *digest);

/* A job that wants a body another job's request is already fetching. */
typedef struct waiter {
  job *j;
  body_fn fn;
  void *ctx;
  struct waiter *next;
} waiter;

/* One content request in flight. */
struct step {
  job *j;
  body_fn fn;
  void *ctx;
  char *expected; /* digest the body must hash to, or NULL (by tag) */
  bool manifest;
  bool head;
  waiter *waiters; /* served by this request's answer, in order */
  waiter **waiters_tail;
  step *next_inflight;
};

static void on_top(job *j, void *ctx, const char *body, size_t len,
                   const char *media_type, const char *digest);

struct child {
  char *digest;
  am_platform index_platform;
};

const char *am_image_status_name(am_image_status status) {
  switch (status) {
  case AM_IMAGE_OK:
    return "ok";
  case AM_IMAGE_NOT_FOUND:
    return "not_found";
  case AM_IMAGE_UNAUTHORIZED:
    return "unauthorized";
  default:
    return "error";
  }
}

/* Record the first failure of a job; later ones add nothing. */
static void fail_job(job *j, am_image_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail_job(job *j, am_image_status status, const char *fmt, ...) {
  char message[AM_ERR_MSG_MAX];
  va_list ap;

  if (j->result.status != AM_IMAGE_OK)
    return;
  va_start(ap, fmt);
  vsnprintf(message, sizeof(message), fmt, ap);
  va_end(ap);
  for (char *p = message; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  }
  j->result.status = status;
  j->result.error = am_strdup(message);
  am_log(AM_LOG_INFO, "%s: %s", j->name, message);
}

static int compare_platforms(const void *a, const void *b) {
  const am_image_platform *x = a;
  const am_image_platform *y = b;
  int c = strcmp(x->platform, y->platform);

  if (c == 0)
    c = strcmp(x->os_version ? x->os_version : "",
               y->os_version ? y->os_version : "");
  if (c == 0)
    c = strcmp(x->digest, y->digest);
  return c;
}

static void free_platforms(am_image *im) {
  for (size_t i = 0; i < im->nplatforms; i++) {
    free(im->platforms[i].platform);
    free(im->platforms[i].os_version);
    free(im->platforms[i].digest);
  }
  free(im->platforms);
  im->platforms = NULL;
  im->nplatforms = 0;
}

/* Close a job once nothing is pending: sort, or clear a failed answer. */
static void maybe_finish(job *j) {
  resolver *r = j->r;

  if (j->pending > 0 || j->finished)
    return;
  j->finished = true;
  if (j->result.status != AM_IMAGE_OK) {
    free_platforms(&j->result);
    free(j->result.digest);
    free(j->result.media_type);
    j->result.digest = j->result.media_type = NULL;
  } else {
    /* An index may list no platform at all (only nested indexes, or
     * nothing): qsort must not see its NULL array. */
    if (j->result.nplatforms > 1)
      qsort(j->result.platforms, j->result.nplatforms,
            sizeof(*j->result.platforms), compare_platforms);
    am_log(AM_LOG_DEBUG, "%s: %zu platforms", j->name, j->result.nplatforms);
  }
  for (size_t i = 0; i < r->ninputs; i++) {
    if (&r->jobs[r->job_of[i]] != j)
      continue;
    r->done_inputs++;
    if (r->opts->progress)
      r->opts->progress(r->done_inputs, r->ninputs, r->opts->progress_ud);
  }
}

static void add_platform(job *j, const am_platform *p, const char *digest) {
  char text[AM_PLATFORM_STR_MAX];
  am_image_platform *slot = NULL;

  am_platform_format(p, false, text, sizeof(text));
  /* An index may list the same manifest twice; print it once. */
  for (size_t i = 0; i < j->result.nplatforms; i++) {
    am_image_platform *q = &j->result.platforms[i];

    if (strcmp(q->platform, text) == 0 && strcmp(q->digest, digest) == 0 &&
        strcmp(q->os_version ? q->os_version : "", p->os_version) == 0)
      return;
  }
  if (j->result.nplatforms == j->cap) {
    size_t cap = j->cap ? j->cap * 2 : 8;
    am_image_platform *grown =
        realloc(j->result.platforms, cap * sizeof(*grown));

    if (grown == NULL) {
      fail_job(j, AM_IMAGE_ERROR, "out of memory");
      return;
    }
    j->result.platforms = grown;
    j->cap = cap;
  }
  slot = &j->result.platforms[j->result.nplatforms];
  slot->platform = am_strdup(text);
  slot->os_version = p->os_version[0] ? am_strdup(p->os_version) : NULL;
  slot->digest = am_strdup(digest);
  j->result.nplatforms++;
  if (slot->platform == NULL || slot->digest == NULL ||
      (p->os_version[0] && slot->os_version == NULL))
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
}

static char *content_url(const job *j, bool manifest, const char *reference) {
  return am_asprintf("%s/v2/%s/%s/%s", j->ep.base, j->ref.path,
                     manifest ? "manifests" : "blobs", reference);
}

static void free_step(step *s) {
  free(s->expected);
  free(s);
}

/* Map a final answer that is not 200 to the job's status. */
static void fail_from_response(job *j, const am_response *resp,
                               bool top_level) {
  const char *why = resp->error ? resp->error : "request failed";

  if (resp->rc == AM_EAUTH || resp->status == 401 || resp->status == 403)
    fail_job(j, AM_IMAGE_UNAUTHORIZED, "%s", why);
  else if (resp->rc == AM_OK && resp->status == 404 && top_level)
    fail_job(j, AM_IMAGE_NOT_FOUND, "%s", why);
  else
    fail_job(j, AM_IMAGE_ERROR, "%s", why);
}

/* Verify a body against the digest it must have: `want`, else the one the
 * registry sent (`sent`), else none. Returns the digest the body has, or
 * NULL with the reason in `why`. */
static const char *verify_body(const step *s, const char *sent,
                               const char *body, size_t len,
                               char computed[AM_DIGEST_MAX], char *why,
                               size_t why_size) {
  const char *want = s->expected;
  am_err err;

  am_err_clear(&err);
  if (want == NULL && sent != NULL) {
    if (!am_digest_valid(sent)) {
      snprintf(why, why_size, "registry sent a malformed digest");
      return NULL;
    }
    want = sent;
  }
  if (want == NULL) {
    /* No digest to check against (a registry that omits the header on a
     * tag): the body's own hash becomes its name. */
    if (am_digest_sha256(computed, body, len) != AM_OK) {
      snprintf(why, why_size, "cannot hash the manifest");
      return NULL;
    }
    return computed;
  }
  if (am_digest_check(want, body, len, &err) != AM_OK) {
    snprintf(why, why_size, "%s: %.480s", s->manifest ? "manifest" : "blob",
             err.msg);
    return NULL;
  }
  snprintf(computed, AM_DIGEST_MAX, "%s", want);
  return computed;
}

/* What one answer brought, shared by every job waiting on it. */
typedef struct outcome {
  const am_response *resp;
  bool answered;    /* a 200 arrived */
  const char *body; /* verified: the body, or a signed schema1's payload */
  size_t len;
  const char *media_type;
  const char *digest; /* NULL when the body failed verification */
  char why[AM_ERR_MSG_MAX];
} outcome;

/* Hand an outcome to one job's callback; the job's request is over. */
static void deliver(job *j, body_fn fn, void *ctx, const outcome *o) {
  j->pending--;
  if (j->result.status == AM_IMAGE_OK) {
    if (!o->answered) {
      fail_from_response(j, o->resp, fn == on_top);
    } else if (o->digest == NULL) {
      fail_job(j, AM_IMAGE_ERROR, "%s", o->why);
    } else {
      fn(j, ctx, o->body, o->len, o->media_type, o->digest);
      fn = NULL;
    }
  }
  /* A callback that did not get a body still gets its context back. */
  if (fn)
    fn(j, ctx, NULL, 0, NULL, NULL);
  maybe_finish(j);
}

static bool same_repository(const job *a, const job *b) {
  return strcmp(a->ep.base, b->ep.base) == 0 &&
         strcmp(a->ref.path, b->ref.path) == 0;
}

static void forget_inflight(step *s) {
  for (step **link = &s->j->r->inflight; *link;
       link = &(*link)->next_inflight) {
    if (*link == s) {
      *link = s->next_inflight;
      return;
    }
  }
}

static void get_content(job *j, bool manifest, const char *reference,
                        const char *expected, body_fn fn, void *ctx);

/*
 * A content request ended. The answer serves the job that asked and every
 * job that waited for the same digest; a failure is shared only by jobs
 * asking the same repository, the others ask on their own (their
 * repository may grant what this one refused).
 */
static void on_content(const am_response *resp, void *ud) {
  step *s = ud;
  job *j = s->j;
  char digest[AM_DIGEST_MAX] = "";
  char *payload = NULL;
  size_t payload_len = 0;
  outcome o;
  am_err err;
  int rc = AM_OK;

  am_err_clear(&err);
  memset(&o, 0, sizeof(o));
  forget_inflight(s);
  o.resp = resp;
  o.answered = resp->rc == AM_OK && resp->status == 200;
  o.body = resp->body;
  o.len = resp->len;
  o.media_type = resp->content_type;
  if (o.answered && s->manifest) {
    /* A signed schema1 manifest's digest names its payload, not the
     * body with signatures; that payload is what is parsed and kept. */
    rc = am_manifest_schema1_payload(&payload, &payload_len, resp->body,
                                     resp->len, resp->content_type, &err);
    if (rc == AM_OK) {
      o.body = payload;
      o.len = payload_len;
      o.media_type = AM_MT_SCHEMA1_SIGNED;
    } else if (rc != AM_ENOTFOUND) {
      snprintf(o.why, sizeof(o.why), "manifest: %.480s", err.msg);
    }
  }
  if (o.answered && o.why[0] == '\0')
    o.digest = verify_body(s, resp->digest, o.body, o.len, digest, o.why,
                           sizeof(o.why));
  if (o.digest != NULL && am_cache_put_blob(j->r->cache, o.digest, o.body,
                                            o.len, o.media_type, &err) != AM_OK)
    am_log(AM_LOG_WARN, "%s: %s", j->name, err.msg);

  deliver(j, s->fn, s->ctx, &o);
  while (s->waiters) {
    waiter *w = s->waiters;

    s->waiters = w->next;
    if (o.answered || same_repository(w->j, j)) {
      deliver(w->j, w->fn, w->ctx, &o);
    } else {
      get_content(w->j, s->manifest, s->expected, s->expected, w->fn, w->ctx);
      w->j->pending--;
      maybe_finish(w->j);
    }
    free(w);
  }
  free(payload);
  free_step(s);
}

/* Wait for a request already fetching `expected`, if there is one:
 * concurrent jobs needing the same body share one request. */
static bool join_inflight(job *j, bool manifest, const char *expected,
                          body_fn fn, void *ctx) {
  waiter *w = NULL;

  for (step *s = j->r->inflight; s; s = s->next_inflight) {
    if (s->manifest != manifest || strcmp(s->expected, expected) != 0)
      continue;
    w = calloc(1, sizeof(*w));
    if (w == NULL)
      return false;
    w->j = j;
    w->fn = fn;
    w->ctx = ctx;
    *s->waiters_tail = w;
    s->waiters_tail = &w->next;
    j->pending++;
    am_log(AM_LOG_DEBUG, "%s: %s already asked for", j->name, expected);
    return true;
  }
  return false;
}

/*
 * Get a manifest or blob: from the cache when `expected` is a digest it
 * holds, from the request already fetching it when there is one, otherwise
 * with one GET. `fn` runs with the verified body. `ctx` is handed to `fn`,
 * which owns it from then on.
 */
static void get_content(job *j, bool manifest, const char *reference,
                        const char *expected, body_fn fn, void *ctx) {
  char *body = NULL;
  char *media_type = NULL;
  size_t len = 0;
  step *s = NULL;
  char *url = NULL;
  am_request req;

  if (expected && am_cache_get_blob(j->r->cache, expected, &body, &len,
                                    &media_type) == AM_OK) {
    am_log(AM_LOG_DEBUG, "%s: %s from the cache", j->name, expected);
    j->pending++;
    fn(j, ctx, body, len, media_type, expected);
    j->pending--;
    free(body);
    free(media_type);
    maybe_finish(j);
    return;
  }
  if (expected && join_inflight(j, manifest, expected, fn, ctx))
    return;
  s = calloc(1, sizeof(*s));
  url = content_url(j, manifest, reference);
  if (s == NULL || url == NULL ||
      (expected && (s->expected = am_strdup(expected)) == NULL)) {
    free(s);
    free(url);
    fn(j, ctx, NULL, 0, NULL, NULL);
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
    return;
  }
  s->j = j;
  s->fn = fn;
  s->ctx = ctx;
  s->manifest = manifest;
  s->waiters_tail = &s->waiters;
  /* Listed before the request goes out: its answer may come at once (a
   * token that already failed) and must find it. */
  if (expected) {
    s->next_inflight = j->r->inflight;
    j->r->inflight = s;
  }
  memset(&req, 0, sizeof(req));
  req.method = AM_HTTP_GET;
  req.url = url;
  req.accept = manifest ? AM_MANIFEST_ACCEPT : NULL;
  req.scope = j->scope;
  req.what = j->name;
  req.max_body = AM_MANIFEST_MAX_BYTES;
  j->pending++;
  if (am_client_fetch(j->r->client, &req, on_content, s) != AM_OK) {
    j->pending--;
    forget_inflight(s);
    free_step(s);
    fn(j, ctx, NULL, 0, NULL, NULL);
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
  }
  free(url);
}

/* Forget the children not asked for yet (the job failed, or all were). */
static void drop_children(job *j) {
  for (size_t i = j->next_child; i < j->nchildren; i++) {
    free(j->children[i]->digest);
    free(j->children[i]);
  }
  free(j->children);
  j->children = NULL;
  j->nchildren = j->next_child = 0;
}

static void on_child_manifest(job *j, void *ctx, const char *body, size_t len,
                              const char *media_type, const char *digest);

/*
 * Ask for more of an index's children while fewer than the window are
 * running and the job has not failed: after a child fails (a digest
 * mismatch, say) the image is failed and no more are fetched. Children
 * answered from the cache finish inside the loop, which goes on.
 */
static void launch_children(job *j) {
  int per_registry = j->r->opts->per_registry;
  size_t window =
      per_registry > 0 ? (size_t)per_registry : DEFAULT_CHILD_WINDOW;

  if (j->launching)
    return;
  j->launching = true;
  /* Keep the job open while children come and go from the cache. */
  j->pending++;
  while (j->next_child < j->nchildren && j->result.status == AM_IMAGE_OK &&
         j->children_running < window) {
    child *c = j->children[j->next_child++];

    j->children_running++;
    get_content(j, true, c->digest, c->digest, on_child_manifest, c);
  }
  if (j->result.status != AM_IMAGE_OK || j->next_child == j->nchildren)
    drop_children(j);
  j->pending--;
  j->launching = false;
}

/* The child's config arrived: its platform, with what the index said
 * about the OS version when the config does not repeat it. This ends the
 * child, whatever happened, and lets the next one start. */
static void on_child_config(job *j, void *ctx, const char *body, size_t len,
                            const char *media_type, const char *digest) {
  child *c = ctx;
  am_platform p;
  am_err err;

  (void)media_type;
  (void)digest;
  am_err_clear(&err);
  if (body != NULL && j->result.status == AM_IMAGE_OK) {
    if (am_manifest_parse_config(&p, body, len, &err) != AM_OK) {
      fail_job(j, AM_IMAGE_ERROR, "config of %s: %s", c->digest, err.msg);
    } else {
      if (p.os_version[0] == '\0')
        memcpy(p.os_version, c->index_platform.os_version,
               sizeof(p.os_version));
      if (p.os[0] == '\0')
        memcpy(p.os, c->index_platform.os, sizeof(p.os));
      add_platform(j, &p, c->digest);
    }
  }
  free(c->digest);
  free(c);
  j->children_running--;
  launch_children(j);
}

static void on_child_manifest(job *j, void *ctx, const char *body, size_t len,
                              const char *media_type, const char *digest) {
  child *c = ctx;
  am_manifest m;
  am_err err;

  (void)digest;
  am_err_clear(&err);
  if (body == NULL || j->result.status != AM_IMAGE_OK) {
    on_child_config(j, c, NULL, 0, NULL, NULL);
    return;
  }
  if (am_manifest_parse(&m, body, len, media_type, &err) != AM_OK) {
    fail_job(j, AM_IMAGE_ERROR, "manifest %s: %s", c->digest, err.msg);
    on_child_config(j, c, NULL, 0, NULL, NULL);
    return;
  }
  if (m.kind == AM_MANIFEST_SCHEMA1) {
    add_platform(j, &m.platform, c->digest);
    on_child_config(j, c, NULL, 0, NULL, NULL);
  } else if (am_manifest_is_index(m.kind)) {
    fail_job(j, AM_IMAGE_ERROR, "manifest %s: an index inside an index",
             c->digest);
    on_child_config(j, c, NULL, 0, NULL, NULL);
  } else {
    get_content(j, false, m.config_digest, m.config_digest, on_child_config, c);
  }
  am_manifest_free(&m);
}

/* A single manifest's config names the image's one platform; its digest
 * is the manifest's own. */
static void on_single_config(job *j, void *ctx, const char *body, size_t len,
                             const char *media_type, const char *digest) {
  am_platform p;
  am_err err;

  (void)ctx;
  (void)media_type;
  (void)digest;
  am_err_clear(&err);
  if (body == NULL || j->result.status != AM_IMAGE_OK)
    return;
  if (am_manifest_parse_config(&p, body, len, &err) != AM_OK)
    fail_job(j, AM_IMAGE_ERROR, "config: %s", err.msg);
  else
    add_platform(j, &p, j->result.digest);
}

static void on_top(job *j, void *ctx, const char *body, size_t len,
                   const char *media_type, const char *digest) {
  am_manifest m;
  am_err err;

  (void)ctx;
  am_err_clear(&err);
  if (body == NULL || j->result.status != AM_IMAGE_OK)
    return;
  if (am_manifest_parse(&m, body, len, media_type, &err) != AM_OK) {
    fail_job(j, AM_IMAGE_ERROR, "%s", err.msg);
    return;
  }
  j->result.digest = am_strdup(digest);
  j->result.media_type = am_strdup(m.media_type);
  if (j->result.digest == NULL || j->result.media_type == NULL) {
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
    goto done;
  }
  if (j->tag_key && am_cache_put_tag(j->r->cache, j->tag_key, digest,
                                     m.media_type, &err) != AM_OK)
    am_log(AM_LOG_WARN, "%s: %s", j->name, err.msg);

  if (m.kind == AM_MANIFEST_SCHEMA1) {
    add_platform(j, &m.platform, digest);
  } else if (!am_manifest_is_index(m.kind)) {
    get_content(j, false, m.config_digest, m.config_digest, on_single_config,
                NULL);
  } else {
    if (m.nskipped > 0)
      am_log(AM_LOG_DEBUG, "%s: %zu attestation entries skipped", j->name,
             m.nskipped);
    j->children = calloc(m.nentries ? m.nentries : 1, sizeof(*j->children));
    if (j->children == NULL)
      fail_job(j, AM_IMAGE_ERROR, "out of memory");
    for (size_t i = 0; i < m.nentries && j->result.status == AM_IMAGE_OK; i++) {
      am_manifest_entry *e = &m.entries[i];
      child *c = NULL;

      if (!e->needs_config) {
        add_platform(j, &e->platform, e->digest);
        continue;
      }
      c = calloc(1, sizeof(*c));
      if (c == NULL || (c->digest = am_strdup(e->digest)) == NULL) {
        free(c);
        fail_job(j, AM_IMAGE_ERROR, "out of memory");
        break;
      }
      c->index_platform = e->platform;
      j->children[j->nchildren++] = c;
    }
    launch_children(j);
  }

done:
  am_manifest_free(&m);
}

/* The HEAD for a tag whose digest the cache knew: same digest and body
 * cached → no GET; otherwise GET what is missing. */
static void on_head(const am_response *resp, void *ud) {
  step *s = ud;
  job *j = s->j;
  char *body = NULL;
  char *media_type = NULL;
  size_t len = 0;

  j->pending--;
  if (resp->rc != AM_OK || (resp->status != 200 && resp->status != 404)) {
    fail_from_response(j, resp, true);
    goto done;
  }
  if (resp->status == 404) {
    fail_job(j, AM_IMAGE_NOT_FOUND, "%s",
             resp->error ? resp->error : "manifest unknown");
    goto done;
  }
  if (!am_digest_valid(resp->digest)) {
    /* Without a digest in the answer the HEAD proves nothing. */
    get_content(j, true, j->ref.tag, NULL, on_top, NULL);
    goto done;
  }
  if (am_cache_get_blob(j->r->cache, resp->digest, &body, &len, &media_type) ==
      AM_OK) {
    am_log(AM_LOG_DEBUG, "%s: tag still names %s", j->name, resp->digest);
    j->pending++;
    on_top(j, NULL, body, len, media_type, resp->digest);
    j->pending--;
  } else {
    get_content(j, true, resp->digest, resp->digest, on_top, NULL);
  }

done:
  free(body);
  free(media_type);
  free_step(s);
  maybe_finish(j);
}

static void check_tag_with_head(job *j) {
  step *s = calloc(1, sizeof(*s));
  char *url = content_url(j, true, j->ref.tag);
  am_request req;

  if (s == NULL || url == NULL) {
    free(s);
    free(url);
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
    return;
  }
  s->j = j;
  s->manifest = true;
  s->head = true;
  memset(&req, 0, sizeof(req));
  req.method = AM_HTTP_HEAD;
  req.url = url;
  req.accept = AM_MANIFEST_ACCEPT;
  req.scope = j->scope;
  req.what = j->name;
  req.max_body = AM_MANIFEST_MAX_BYTES;
  j->pending++;
  if (am_client_fetch(j->r->client, &req, on_head, s) != AM_OK) {
    j->pending--;
    free_step(s);
    fail_job(j, AM_IMAGE_ERROR, "out of memory");
  }
  free(url);
}

/* Begin one job: digest references and fresh tags may need no request
 * at all; a known but stale tag costs a HEAD; an unknown tag one GET. */
static void start_job(job *j) {
  char *digest = NULL;
  char *media_type = NULL;
  char *body = NULL;
  size_t len = 0;
  bool fresh = false;

  if (j->ref.digest[0]) {
    get_content(j, true, j->ref.digest, j->ref.digest, on_top, NULL);
    goto done;
  }
  if (am_cache_get_tag(j->r->cache, j->tag_key, j->r->tag_ttl, &digest,
                       &media_type, &fresh) != AM_OK) {
    get_content(j, true, j->ref.tag, NULL, on_top, NULL);
    goto done;
  }
  /* The type stored with the body is the one it was served with. */
  free(media_type);
  media_type = NULL;
  if (fresh && am_cache_get_blob(j->r->cache, digest, &body, &len,
                                 &media_type) == AM_OK) {
    am_log(AM_LOG_DEBUG, "%s: cached %s, no request", j->name, digest);
    j->pending++;
    /* The stored tag entry is kept as it is: refreshing it here would
     * stretch the time to live forever without asking the registry. */
    free(j->tag_key);
    j->tag_key = NULL;
    on_top(j, NULL, body, len, media_type, digest);
    j->pending--;
    goto done;
  }
  check_tag_with_head(j);

done:
  free(digest);
  free(media_type);
  free(body);
  maybe_finish(j);
}

static int setup_job(resolver *r, job *j, const char *input) {
  am_err err;
  char name[AM_REF_STR_MAX];

  am_err_clear(&err);
  j->r = r;
  j->result.status = AM_IMAGE_OK;
  if (am_ref_parse(&j->ref, input, &err) != AM_OK) {
    snprintf(j->name, sizeof(j->name), "%s", input);
    j->result.image = am_strdup(input);
    fail_job(j, AM_IMAGE_ERROR, "%s", err.msg);
    return j->result.image ? AM_OK : AM_ENOMEM;
  }
  am_ref_format(&j->ref, j->name, sizeof(j->name));
  am_ref_format_name(&j->ref, name, sizeof(name));
  j->result.image = am_strdup(j->name);
  if (j->result.image == NULL)
    return AM_ENOMEM;
  if (am_endpoint_for(&j->ep, j->ref.domain, r->opts, &err) != AM_OK) {
    fail_job(j, AM_IMAGE_ERROR, "%s", err.msg);
    return AM_OK;
  }
  j->scope = am_asprintf("repository:%s:pull", j->ref.path);
  if (j->ref.tag[0] && !j->ref.digest[0])
    j->tag_key = am_asprintf("%s/%s:%s", j->ep.base, j->ref.path, j->ref.tag);
  if (j->scope == NULL || (!j->ref.digest[0] && j->tag_key == NULL))
    return AM_ENOMEM;
  return AM_OK;
}

static void free_resolver(resolver *r) {
  for (size_t i = 0; i < r->njobs; i++) {
    job *j = &r->jobs[i];

    drop_children(j);
    free(j->scope);
    free(j->tag_key);
    free(j->result.image);
    free(j->result.digest);
    free(j->result.media_type);
    free(j->result.error);
    free_platforms(&j->result);
  }
  free(r->jobs);
  free(r->job_of);
  am_client_free(r->client);
  am_cache_free(r->cache);
}

/* Copy a finished answer into the caller's array. */
static int copy_image(am_image *dst, const am_image *src) {
  memset(dst, 0, sizeof(*dst));
  dst->status = src->status;
  dst->image = am_strdup(src->image);
  dst->digest = am_strdup(src->digest);
  dst->media_type = am_strdup(src->media_type);
  dst->error = am_strdup(src->error);
  if (src->nplatforms > 0) {
    dst->platforms = calloc(src->nplatforms, sizeof(*dst->platforms));
    if (dst->platforms == NULL)
      return AM_ENOMEM;
    dst->nplatforms = src->nplatforms;
  }
  for (size_t i = 0; i < src->nplatforms; i++) {
    dst->platforms[i].platform = am_strdup(src->platforms[i].platform);
    dst->platforms[i].os_version = am_strdup(src->platforms[i].os_version);
    dst->platforms[i].digest = am_strdup(src->platforms[i].digest);
    if (!dst->platforms[i].platform || !dst->platforms[i].digest)
      return AM_ENOMEM;
  }
  if (!dst->image || (src->digest && !dst->digest) ||
      (src->media_type && !dst->media_type) || (src->error && !dst->error))
    return AM_ENOMEM;
  return AM_OK;
}

static int open_stores(resolver *r, am_credstore **creds, am_err *err) {
  const am_registry_opts *o = r->opts;
  am_client_opts copts;
  int rc = AM_OK;

  rc = am_cache_open(&r->cache, o->no_cache ? NULL : o->cache_dir, err);
  if (rc != AM_OK)
    return rc;
  rc = am_credstore_open(creds, err);
  if (rc != AM_OK)
    return rc;
  memset(&copts, 0, sizeof(copts));
  copts.transport.per_host = o->per_registry;
  copts.transport.overall = o->overall;
  copts.transport.timeout = o->timeout > 0 ? o->timeout : DEFAULT_TIMEOUT;
  copts.transport.ca_file = o->ca_file;
  copts.creds = *creds;
  return am_client_new(&r->client, &copts, err);
}

int am_registry_resolve(am_image **out, const char *const *images, size_t n,
                        const am_registry_opts *opts, am_err *err) {
  resolver r;
  am_registry_opts defaults;
  am_credstore *creds = NULL;
  am_image *results = NULL;
  int rc = AM_OK;

  *out = NULL;
  memset(&r, 0, sizeof(r));
  memset(&defaults, 0, sizeof(defaults));
  r.opts = opts ? opts : &defaults;
  r.tag_ttl = r.opts->tag_ttl;
  if (!r.opts->tag_ttl_set && r.tag_ttl == 0)
    r.tag_ttl = DEFAULT_TAG_TTL;
  if (r.tag_ttl < 0)
    r.tag_ttl = 0;
  r.ninputs = n;
  if (n == 0) {
    *out = NULL;
    return AM_OK;
  }
  r.jobs = calloc(n, sizeof(*r.jobs));
  r.job_of = calloc(n, sizeof(*r.job_of));
  results = calloc(n, sizeof(*results));
  if (r.jobs == NULL || r.job_of == NULL || results == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  rc = open_stores(&r, &creds, err);
  if (rc != AM_OK)
    goto done;

  /* One job per distinct image: asking twice would only cost requests. */
  for (size_t i = 0; i < n; i++) {
    char name[AM_REF_STR_MAX] = "";
    size_t k = 0;

    if (am_ref_normalize(images[i], name, sizeof(name), NULL) != AM_OK)
      snprintf(name, sizeof(name), "%s", images[i]);
    for (k = 0; k < r.njobs; k++) {
      if (strcmp(r.jobs[k].result.image, name) == 0)
        break;
    }
    if (k == r.njobs) {
      rc = setup_job(&r, &r.jobs[r.njobs++], images[i]);
      if (rc != AM_OK) {
        rc = am_err_set(err, rc, "out of memory");
        goto done;
      }
    }
    r.job_of[i] = k;
  }
  for (size_t k = 0; k < r.njobs; k++) {
    if (r.jobs[k].result.status == AM_IMAGE_OK)
      start_job(&r.jobs[k]);
    else
      maybe_finish(&r.jobs[k]);
  }
  rc = am_client_run(r.client, err);
  if (rc != AM_OK)
    goto done;

  for (size_t i = 0; i < n; i++) {
    rc = copy_image(&results[i], &r.jobs[r.job_of[i]].result);
    if (rc != AM_OK) {
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
      goto done;
    }
  }
  *out = results;
  results = NULL;

done:
  am_images_free(results, n);
  free_resolver(&r);
  am_credstore_free(creds);
  return rc;
}
