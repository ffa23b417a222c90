/* SPDX-License-Identifier: MIT */
/* Reading scan and resolve documents back into am_scan and am_image, for
 * merge and for tests. The documents are untrusted: every field is checked
 * for its type and a wrong one is an error naming it. */
#include "report/model.h"

#include <stdlib.h>
#include <string.h>

/* Copy an optional string member; a present member of another type is an
 * error. */
static int get_str(char **out, const json_t *obj, const char *key,
                   bool required, const char *where, am_err *err) {
  const json_t *v = json_object_get(obj, key);

  *out = NULL;
  if (v == NULL || json_is_null(v)) {
    if (required)
      return am_err_set(err, AM_EINVALID, "%s: missing \"%s\"", where, key);
    return AM_OK;
  }
  if (!json_is_string(v))
    return am_err_set(err, AM_EINVALID, "%s: \"%s\" is not a string", where,
                      key);
  *out = am_strdup(json_string_value(v));
  return *out ? AM_OK : am_err_set(err, AM_ENOMEM, "out of memory");
}

static int get_int(int *out, const json_t *obj, const char *key,
                   const char *where, am_err *err) {
  const json_t *v = json_object_get(obj, key);

  *out = 0;
  if (v == NULL)
    return AM_OK;
  if (!json_is_integer(v) || json_integer_value(v) < 0 ||
      json_integer_value(v) > 1000000000)
    return am_err_set(err, AM_EINVALID, "%s: \"%s\" is not a line number",
                      where, key);
  *out = (int)json_integer_value(v);
  return AM_OK;
}

static const json_t *get_array(const json_t *obj, const char *key) {
  const json_t *v = json_object_get(obj, key);

  return json_is_array(v) ? v : NULL;
}

static void *grow(void *arr, size_t n, size_t size) {
  return realloc(arr, (n + 1) * size);
}

static int load_refs(am_scan *scan, const json_t *refs, am_err *err) {
  size_t i = 0;
  const json_t *o = NULL;
  int rc = AM_OK;

  json_array_foreach(refs, i, o) {
    am_reference *r = NULL;
    char *ctx = NULL;
    int c = 0;

    if (!json_is_object(o))
      return am_err_set(err, AM_EINVALID, "references[%zu]: not an object", i);
    if ((r = grow(scan->refs, scan->nrefs, sizeof(*r))) == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    scan->refs = r;
    r = &scan->refs[scan->nrefs++];
    memset(r, 0, sizeof(*r));
    if ((rc = get_str(&r->image, o, "image", true, "reference", err)) ||
        (rc = get_str(&r->raw, o, "raw", false, "reference", err)) ||
        (rc = get_str(&r->path, o, "path", true, "reference", err)) ||
        (rc = get_int(&r->line, o, "line", "reference", err)) ||
        (rc = get_str(&r->platform, o, "platform", false, "reference", err)) ||
        (rc = get_str(&ctx, o, "context", false, "reference", err)))
      return rc;
    c = am_report_context_parse(ctx ? ctx : "from");
    free(ctx);
    if (c < 0)
      return am_err_set(err, AM_EINVALID, "reference: unknown context");
    r->context = (am_context)c;
  }
  return AM_OK;
}

static int load_target(am_target *t, const json_t *o, am_err *err) {
  const json_t *declared = get_array(o, "declared");
  const json_t *bases = json_object_get(o, "bases");
  const char *platform = NULL;
  const json_t *v = NULL;
  size_t i = 0;
  int rc = AM_OK;

  if ((rc = get_str(&t->image, o, "image", true, "target", err)) ||
      (rc = get_str(&t->dir, o, "dir", false, "target", err)))
    return rc;
  json_array_foreach(declared, i, v) {
    if (!json_is_string(v))
      return am_err_set(err, AM_EINVALID,
                        "target: \"declared\" holds a "
                        "non-string");
    if (am_strv_push(&t->declared, json_string_value(v)) != AM_OK)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  json_object_foreach((json_t *)bases, platform, v) {
    am_base *b = NULL;

    if (!json_is_string(v))
      return am_err_set(err, AM_EINVALID,
                        "target: base for %s is not a "
                        "string",
                        platform);
    if ((b = grow(t->bases, t->nbases, sizeof(*b))) == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    t->bases = b;
    b = &t->bases[t->nbases++];
    b->platform = am_strdup(platform);
    b->image = am_strdup(json_string_value(v));
    if (b->platform == NULL || b->image == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  return AM_OK;
}

int am_report_load_scan(am_scan *scan, const json_t *doc, am_err *err) {
  const json_t *source = json_object_get(doc, "source");
  const json_t *o = NULL;
  size_t i = 0;
  int rc = AM_OK;

  memset(scan, 0, sizeof(*scan));
  if (!json_is_object(doc))
    return am_err_set(err, AM_EINVALID, "scan: not an object");
  if ((rc = get_str(&scan->url, source, "url", false, "source", err)) ||
      (rc = get_str(&scan->commit, source, "commit", false, "source", err)) ||
      (rc = load_refs(scan, get_array(doc, "references"), err)))
    return rc;
  json_array_foreach(get_array(doc, "targets"), i, o) {
    am_target *t = NULL;

    if (!json_is_object(o))
      return am_err_set(err, AM_EINVALID, "targets[%zu]: not an object", i);
    if ((t = grow(scan->targets, scan->ntargets, sizeof(*t))) == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    scan->targets = t;
    t = &scan->targets[scan->ntargets++];
    memset(t, 0, sizeof(*t));
    if ((rc = load_target(t, o, err)) != AM_OK)
      return rc;
  }
  json_array_foreach(get_array(doc, "unresolved"), i, o) {
    am_unresolved *u = NULL;

    if ((u = grow(scan->unresolved, scan->nunresolved, sizeof(*u))) == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    scan->unresolved = u;
    u = &scan->unresolved[scan->nunresolved++];
    memset(u, 0, sizeof(*u));
    if ((rc = get_str(&u->path, o, "path", false, "unresolved", err)) ||
        (rc = get_int(&u->line, o, "line", "unresolved", err)) ||
        (rc = get_str(&u->raw, o, "raw", false, "unresolved", err)) ||
        (rc = get_str(&u->reason, o, "reason", false, "unresolved", err)))
      return rc;
  }
  return AM_OK;
}

static int load_image(am_image *img, const json_t *o, am_err *err) {
  char *status = NULL;
  const json_t *e = NULL;
  size_t i = 0;
  int rc = AM_OK;
  int s = 0;

  if (!json_is_object(o))
    return am_err_set(err, AM_EINVALID, "image: not an object");
  if ((rc = get_str(&img->image, o, "image", true, "image", err)) ||
      (rc = get_str(&status, o, "status", true, "image", err)))
    return rc;
  s = am_report_status_parse(status);
  free(status);
  if (s < 0)
    return am_err_set(err, AM_EINVALID, "image %s: unknown status", img->image);
  img->status = (am_image_status)s;
  if ((rc = get_str(&img->digest, o, "digest", false, "image", err)) ||
      (rc = get_str(&img->media_type, o, "media_type", false, "image", err)) ||
      (rc = get_str(&img->error, o, "error", false, "image", err)))
    return rc;
  json_array_foreach(get_array(o, "platforms"), i, e) {
    am_image_platform *p = NULL;

    if ((p = grow(img->platforms, img->nplatforms, sizeof(*p))) == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    img->platforms = p;
    p = &img->platforms[img->nplatforms++];
    memset(p, 0, sizeof(*p));
    if ((rc = get_str(&p->platform, e, "platform", true, "platform", err)) ||
        (rc = get_str(&p->os_version, e, "os_version", false, "platform",
                      err)) ||
        (rc = get_str(&p->digest, e, "digest", false, "platform", err)))
      return rc;
  }
  return AM_OK;
}

int am_report_load_images(am_image **out, size_t *n, const json_t *images,
                          am_err *err) {
  am_image *arr = NULL;
  size_t count = json_array_size(images);
  int rc = AM_OK;

  *out = NULL;
  *n = 0;
  if (images != NULL && !json_is_array(images))
    return am_err_set(err, AM_EINVALID, "\"images\" is not an array");
  if (count == 0)
    return AM_OK;
  if ((arr = calloc(count, sizeof(*arr))) == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  for (size_t i = 0; rc == AM_OK && i < count; i++)
    rc = load_image(&arr[i], json_array_get(images, i), err);
  if (rc != AM_OK) {
    am_report_free_images(arr, count);
    return rc;
  }
  *out = arr;
  *n = count;
  return AM_OK;
}

void am_report_free_scan(am_scan *scan) {
  if (scan == NULL)
    return;
  for (size_t i = 0; i < scan->nrefs; i++) {
    free(scan->refs[i].image);
    free(scan->refs[i].raw);
    free(scan->refs[i].path);
    free(scan->refs[i].platform);
  }
  for (size_t i = 0; i < scan->ntargets; i++) {
    am_target *t = &scan->targets[i];

    free(t->image);
    free(t->dir);
    am_strv_free(&t->declared);
    for (size_t b = 0; b < t->nbases; b++) {
      free(t->bases[b].platform);
      free(t->bases[b].image);
    }
    free(t->bases);
  }
  for (size_t i = 0; i < scan->nunresolved; i++) {
    free(scan->unresolved[i].path);
    free(scan->unresolved[i].raw);
    free(scan->unresolved[i].reason);
  }
  free(scan->refs);
  free(scan->targets);
  free(scan->unresolved);
  free(scan->url);
  free(scan->commit);
  memset(scan, 0, sizeof(*scan));
}

void am_report_free_images(am_image *images, size_t n) {
  for (size_t i = 0; images && i < n; i++) {
    free(images[i].image);
    free(images[i].digest);
    free(images[i].media_type);
    free(images[i].error);
    for (size_t p = 0; p < images[i].nplatforms; p++) {
      free(images[i].platforms[p].platform);
      free(images[i].platforms[p].os_version);
      free(images[i].platforms[p].digest);
    }
    free(images[i].platforms);
  }
  free(images);
}

int am_report_load_data(const json_t *doc, am_scan **scans, size_t *nscans,
                        am_image **images, size_t *nimages, am_err *err) {
  const json_t *sources = json_object_get(doc, "sources");
  const json_t *src = NULL;
  size_t i = 0;
  int rc = AM_OK;

  *scans = NULL;
  *nscans = 0;
  *images = NULL;
  *nimages = 0;
  if (sources != NULL && !json_is_array(sources))
    return am_err_set(err, AM_EINVALID, "\"sources\" is not an array");
  if (json_array_size(sources) > 0) {
    *scans = calloc(json_array_size(sources), sizeof(**scans));
    if (*scans == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  json_array_foreach(sources, i, src) {
    rc = am_report_load_scan(&(*scans)[i], src, err);
    *nscans = i + 1;
    if (rc != AM_OK)
      return am_err_prefix(err, "sources[%zu]", i);
  }
  return am_report_load_images(images, nimages, json_object_get(doc, "images"),
                               err);
}

void am_report_free_data(am_scan *scans, size_t nscans, am_image *images,
                         size_t nimages) {
  for (size_t i = 0; scans && i < nscans; i++)
    am_report_free_scan(&scans[i]);
  free(scans);
  am_report_free_images(images, nimages);
}
