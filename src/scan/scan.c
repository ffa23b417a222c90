/* SPDX-License-Identifier: MIT */
/* The scan model (references, targets, unresolved entries), its JSON form,
 * and the walk that sends each file to its parser. */
#include "scan/scan.h"

#include "ref/ref.h"
#include "scan/scan_int.h"
#include "source/source.h"
#include "util/jsonw.h"
#include "util/log.h"

#include <jansson.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *am_context_name(am_context ctx) {
  switch (ctx) {
  case AM_CTX_FROM:
    return "from";
  case AM_CTX_COPY_FROM:
    return "copy-from";
  case AM_CTX_MOUNT_FROM:
    return "mount-from";
  case AM_CTX_SYNTAX:
    return "syntax";
  case AM_CTX_BASEIMAGE:
    return "baseimage";
  case AM_CTX_YAML:
    return "yaml";
  case AM_CTX_COMPOSE:
    return "compose";
  }
  return "unknown";
}

/* Copy `s`, replacing bytes that are not UTF-8 by U+FFFD, so anything
 * taken from a repository can go into JSON. NULL stays NULL. */
static char *dup_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  size_t len = 0;
  char *out;
  char *q;

  if (s == NULL)
    return NULL;
  /* Nearly every string is ASCII: one pass, one copy. */
  while (p[len] != '\0' && p[len] < 0x80)
    len++;
  if (p[len] == '\0') {
    out = malloc(len + 1);
    if (out != NULL)
      memcpy(out, s, len + 1);
    return out;
  }
  len = 0;
  for (size_t i = 0; p[i];) {
    size_t n = am_jsonw_utf8_len(p + i);

    len += n ? n : 3;
    i += n ? n : 1;
  }
  out = malloc(len + 1);
  if (out == NULL)
    return NULL;
  q = out;
  for (size_t i = 0; p[i];) {
    size_t n = am_jsonw_utf8_len(p + i);

    if (n) {
      memcpy(q, p + i, n);
      q += n;
      i += n;
    } else {
      memcpy(q, "\xef\xbf\xbd", 3);
      q += 3;
      i++;
    }
  }
  *q = '\0';
  return out;
}

/* Make room for one more element of `size` bytes. */
static int grow(void **arr, size_t *cap, size_t n, size_t size) {
  size_t ncap;
  void *p;

  if (n < *cap)
    return AM_OK;
  ncap = *cap ? *cap * 2 : 16;
  p = realloc(*arr, ncap * size);
  if (p == NULL)
    return AM_ENOMEM;
  *arr = p;
  *cap = ncap;
  return AM_OK;
}

int am_scan_add_ref(am_scan *scan, const char *image, const char *raw,
                    const char *path, int line, am_context ctx,
                    const char *platform) {
  am_reference *r;

  if (grow((void **)&scan->refs, &scan->refs_cap, scan->nrefs,
           sizeof(*scan->refs)) != AM_OK)
    return AM_ENOMEM;
  r = &scan->refs[scan->nrefs];
  memset(r, 0, sizeof(*r));
  r->image = dup_utf8(image);
  r->raw = dup_utf8(raw ? raw : "");
  r->path = dup_utf8(path ? path : "");
  r->line = line;
  r->context = ctx;
  r->platform = dup_utf8(platform);
  if (!r->image || !r->raw || !r->path || (platform && !r->platform)) {
    free(r->image);
    free(r->raw);
    free(r->path);
    free(r->platform);
    return AM_ENOMEM;
  }
  scan->nrefs++;
  return AM_OK;
}

int am_scan_add_unresolved(am_scan *scan, const char *path, int line,
                           const char *raw, const char *reason) {
  am_unresolved *u;

  if (grow((void **)&scan->unresolved, &scan->unresolved_cap, scan->nunresolved,
           sizeof(*scan->unresolved)) != AM_OK)
    return AM_ENOMEM;
  u = &scan->unresolved[scan->nunresolved];
  u->path = dup_utf8(path ? path : "");
  u->line = line;
  u->raw = dup_utf8(raw ? raw : "");
  u->reason = dup_utf8(reason ? reason : "");
  if (!u->path || !u->raw || !u->reason) {
    free(u->path);
    free(u->raw);
    free(u->reason);
    return AM_ENOMEM;
  }
  scan->nunresolved++;
  return AM_OK;
}

int am_scan_add_target(am_scan *scan, const char *image, const char *dir,
                       am_target **out) {
  am_target *t;

  *out = NULL;
  if (grow((void **)&scan->targets, &scan->targets_cap, scan->ntargets,
           sizeof(*scan->targets)) != AM_OK)
    return AM_ENOMEM;
  t = &scan->targets[scan->ntargets];
  memset(t, 0, sizeof(*t));
  t->image = dup_utf8(image);
  t->dir = dup_utf8(dir ? dir : "");
  if (!t->image || !t->dir) {
    free(t->image);
    free(t->dir);
    return AM_ENOMEM;
  }
  scan->ntargets++;
  *out = t;
  return AM_OK;
}

int am_target_add_platform(am_target *t, const char *platform,
                           const char *base_image) {
  am_base *b;

  if (!am_strv_contains(&t->declared, platform) &&
      am_strv_push(&t->declared, platform) != AM_OK)
    return AM_ENOMEM;
  if (base_image == NULL)
    return AM_OK;
  for (size_t i = 0; i < t->nbases; i++) {
    if (strcmp(t->bases[i].platform, platform) == 0)
      return AM_OK; /* the first base named for a platform wins */
  }
  b = realloc(t->bases, (t->nbases + 1) * sizeof(*b));
  if (b == NULL)
    return AM_ENOMEM;
  t->bases = b;
  b[t->nbases].platform = dup_utf8(platform);
  b[t->nbases].image = dup_utf8(base_image);
  if (!b[t->nbases].platform || !b[t->nbases].image) {
    free(b[t->nbases].platform);
    free(b[t->nbases].image);
    return AM_ENOMEM;
  }
  t->nbases++;
  return AM_OK;
}

int scan_add_image(am_scan *scan, const char *raw, const char *path, int line,
                   am_context ctx, const char *platform) {
  char image[AM_REF_STR_MAX];
  am_err err = {0};

  if (am_ref_normalize(raw, image, sizeof(image), &err) != AM_OK)
    return am_scan_add_unresolved(scan, path, line, raw, err.msg);
  return am_scan_add_ref(scan, image, raw, path, line, ctx, platform);
}

/* ---- order ---- */

/* NULL sorts before any string. */
static int cmp_opt(const char *a, const char *b) {
  if (a == NULL || b == NULL)
    return (a != NULL) - (b != NULL);
  return strcmp(a, b);
}

static int cmp_ref(const void *pa, const void *pb) {
  const am_reference *a = pa;
  const am_reference *b = pb;
  int c;

  if ((c = strcmp(a->path, b->path)) != 0)
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if (a->context != b->context)
    return a->context < b->context ? -1 : 1;
  if ((c = cmp_opt(a->platform, b->platform)) != 0)
    return c;
  if ((c = strcmp(a->image, b->image)) != 0)
    return c;
  return strcmp(a->raw, b->raw);
}

static int cmp_unresolved(const void *pa, const void *pb) {
  const am_unresolved *a = pa;
  const am_unresolved *b = pb;
  int c;

  if ((c = strcmp(a->path, b->path)) != 0)
    return c;
  if (a->line != b->line)
    return a->line < b->line ? -1 : 1;
  if ((c = strcmp(a->raw, b->raw)) != 0)
    return c;
  return strcmp(a->reason, b->reason);
}

static int cmp_target(const void *pa, const void *pb) {
  const am_target *a = pa;
  const am_target *b = pb;
  int c = strcmp(a->image, b->image);

  return c ? c : strcmp(a->dir, b->dir);
}

static int cmp_base(const void *pa, const void *pb) {
  return strcmp(((const am_base *)pa)->platform,
                ((const am_base *)pb)->platform);
}

static void free_ref(am_reference *r) {
  free(r->image);
  free(r->raw);
  free(r->path);
  free(r->platform);
}

static void free_unresolved(am_unresolved *u) {
  free(u->path);
  free(u->raw);
  free(u->reason);
}

void am_scan_sort(am_scan *scan) {
  size_t n = 0;

  if (scan == NULL)
    return;
  /* One evaluation per platform names the same image many times; equal
   * entries say nothing new, so only the first is kept. */
  if (scan->nrefs > 1) {
    qsort(scan->refs, scan->nrefs, sizeof(*scan->refs), cmp_ref);
    for (size_t i = 0; i < scan->nrefs; i++) {
      if (n > 0 && cmp_ref(&scan->refs[n - 1], &scan->refs[i]) == 0) {
        free_ref(&scan->refs[i]);
        continue;
      }
      scan->refs[n++] = scan->refs[i];
    }
    scan->nrefs = n;
  }
  n = 0;
  if (scan->nunresolved > 1) {
    qsort(scan->unresolved, scan->nunresolved, sizeof(*scan->unresolved),
          cmp_unresolved);
    for (size_t i = 0; i < scan->nunresolved; i++) {
      if (n > 0 &&
          cmp_unresolved(&scan->unresolved[n - 1], &scan->unresolved[i]) == 0) {
        free_unresolved(&scan->unresolved[i]);
        continue;
      }
      scan->unresolved[n++] = scan->unresolved[i];
    }
    scan->nunresolved = n;
  }
  for (size_t i = 0; i < scan->ntargets; i++) {
    am_target *t = &scan->targets[i];

    am_strv_sort(&t->declared);
    if (t->nbases > 1)
      qsort(t->bases, t->nbases, sizeof(*t->bases), cmp_base);
  }
  if (scan->ntargets > 1)
    qsort(scan->targets, scan->ntargets, sizeof(*scan->targets), cmp_target);
}

/* ---- JSON ---- */

/* The document is written straight from the scan, laid out as json_dumps
 * with JSON_INDENT(2) lays out the same tree (util/jsonw.h): printing a
 * jansson tree of a large repository's scan cost more than reading it. */

static void write_ref(am_jsonw *w, const am_reference *r) {
  am_jsonw_object(w);
  am_jsonw_key(w, "image");
  am_jsonw_str(w, r->image);
  am_jsonw_key(w, "raw");
  am_jsonw_str(w, r->raw);
  am_jsonw_key(w, "path");
  am_jsonw_str(w, r->path);
  am_jsonw_key_int(w, "line", r->line);
  am_jsonw_key(w, "context");
  am_jsonw_str(w, am_context_name(r->context));
  if (r->platform) {
    am_jsonw_key(w, "platform");
    am_jsonw_str(w, r->platform);
  }
  am_jsonw_end_object(w);
}

static void write_target(am_jsonw *w, const am_target *t) {
  am_jsonw_object(w);
  am_jsonw_key(w, "image");
  am_jsonw_str(w, t->image);
  am_jsonw_key(w, "dir");
  am_jsonw_str(w, t->dir);
  am_jsonw_key(w, "declared");
  am_jsonw_array(w);
  for (size_t i = 0; i < t->declared.len; i++)
    am_jsonw_str(w, t->declared.v[i]);
  am_jsonw_end_array(w);
  am_jsonw_key(w, "bases");
  am_jsonw_object(w);
  for (size_t i = 0; i < t->nbases; i++) {
    am_jsonw_key(w, t->bases[i].platform);
    am_jsonw_str(w, t->bases[i].image);
  }
  am_jsonw_end_object(w);
  am_jsonw_end_object(w);
}

static void write_unresolved(am_jsonw *w, const am_unresolved *u) {
  am_jsonw_object(w);
  am_jsonw_key(w, "path");
  am_jsonw_str(w, u->path);
  am_jsonw_key_int(w, "line", u->line);
  am_jsonw_key(w, "raw");
  am_jsonw_str(w, u->raw);
  am_jsonw_key(w, "reason");
  am_jsonw_str(w, u->reason);
  am_jsonw_end_object(w);
}

static void write_str_or_null(am_jsonw *w, const char *key, const char *s) {
  am_jsonw_key(w, key);
  if (s != NULL)
    am_jsonw_str(w, s);
  else
    am_jsonw_null(w);
}

int am_scan_write_json(const am_scan *scan, am_buf *out, int indent) {
  am_jsonw w;

  am_jsonw_init(&w, out, indent);
  am_jsonw_object(&w);
  am_jsonw_key(&w, "source");
  am_jsonw_object(&w);
  write_str_or_null(&w, "url", scan->url);
  write_str_or_null(&w, "commit", scan->commit);
  am_jsonw_end_object(&w);
  am_jsonw_key(&w, "references");
  am_jsonw_array(&w);
  for (size_t i = 0; i < scan->nrefs; i++)
    write_ref(&w, &scan->refs[i]);
  am_jsonw_end_array(&w);
  am_jsonw_key(&w, "targets");
  am_jsonw_array(&w);
  for (size_t i = 0; i < scan->ntargets; i++)
    write_target(&w, &scan->targets[i]);
  am_jsonw_end_array(&w);
  am_jsonw_key(&w, "unresolved");
  am_jsonw_array(&w);
  for (size_t i = 0; i < scan->nunresolved; i++)
    write_unresolved(&w, &scan->unresolved[i]);
  am_jsonw_end_array(&w);
  am_jsonw_end_object(&w);
  return w.rc;
}

json_t *am_scan_to_json(const am_scan *scan) {
  am_buf text;
  json_t *doc = NULL;

  am_buf_init(&text, 0);
  if (am_scan_write_json(scan, &text, 0) == AM_OK)
    doc = json_loadb(text.data, text.len, 0, NULL);
  am_buf_free(&text);
  return doc;
}

void am_scan_free(am_scan *scan) {
  if (scan == NULL)
    return;
  for (size_t i = 0; i < scan->nrefs; i++)
    free_ref(&scan->refs[i]);
  for (size_t i = 0; i < scan->nunresolved; i++)
    free_unresolved(&scan->unresolved[i]);
  for (size_t i = 0; i < scan->ntargets; i++) {
    am_target *t = &scan->targets[i];

    free(t->image);
    free(t->dir);
    am_strv_free(&t->declared);
    for (size_t j = 0; j < t->nbases; j++) {
      free(t->bases[j].platform);
      free(t->bases[j].image);
    }
    free(t->bases);
  }
  free(scan->refs);
  free(scan->unresolved);
  free(scan->targets);
  free(scan->url);
  free(scan->commit);
  memset(scan, 0, sizeof(*scan));
}
