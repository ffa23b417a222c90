/* SPDX-License-Identifier: MIT */
/* The resolve stage: ask registries (OCI distribution API) which platforms
 * each image has. */
#ifndef AM_REGISTRY_REGISTRY_H
#define AM_REGISTRY_REGISTRY_H

#include "util/err.h"
#include "util/strv.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum am_image_status {
  AM_IMAGE_OK,
  AM_IMAGE_NOT_FOUND,
  AM_IMAGE_UNAUTHORIZED,
  AM_IMAGE_ERROR
} am_image_status;

/* One platform an image has. */
typedef struct am_image_platform {
  char *platform;   /* normalised "os/arch[/variant]" */
  char *os_version; /* Windows OS build, or NULL */
  char *digest;     /* the platform manifest's digest */
} am_image_platform;

/* The answer for one image. Strings owned by the result. */
typedef struct am_image {
  char *image; /* normalised reference asked for */
  am_image_status status;
  char *digest;     /* digest of the top manifest, NULL unless ok */
  char *media_type; /* its media type, NULL unless ok */
  am_image_platform *platforms;
  size_t nplatforms;
  char *error; /* one line, NULL when ok */
} am_image;

/* A registry host sent somewhere else: "registry.k8s.io" → URL. */
typedef struct am_mirror {
  const char *host;
  const char *url; /* "http://127.0.0.1:5000" */
} am_mirror;

/* Options for resolving. Zero means the default for each, except that a
 * tag_ttl with tag_ttl_set is taken as it is, 0 included. */
typedef struct am_registry_opts {
  const char *cache_dir; /* NULL: no on-disk cache */
  bool no_cache;
  const am_mirror *mirrors;
  size_t nmirrors;
  const char *const *insecure; /* hosts allowed over plain HTTP */
  size_t ninsecure;
  int per_registry; /* requests in flight per registry, default 8 */
  int overall;      /* requests in flight overall, default 32 */
  long tag_ttl;     /* seconds a tag → digest answer is kept, default 3600 */
  bool tag_ttl_set; /* tag_ttl was chosen: 0 asks again (HEAD) every time */
  long timeout;     /* seconds per request, default 30 */
  const char *ca_file; /* extra CA bundle, or NULL */
  /* Called from the resolving thread as images finish; may be NULL. */
  void (*progress)(size_t done, size_t total, void *ud);
  void *progress_ud;
} am_registry_opts;

/*
 * Check what a user chose: every mirror URL is http(s), holds no
 * credentials, and is plain HTTP only to a loopback host or one the
 * insecure list names. AM_EUSAGE with one line naming the mirror.
 */
int am_registry_check_opts(const am_registry_opts *opts, am_err *err);

/* The printed name of a status ("ok", "not_found", ...). */
const char *am_image_status_name(am_image_status status);

/*
 * Resolve `n` normalised references. `*out` receives an array of `n` results
 * in the same order (free with am_images_free). A registry that fails makes
 * its images AM_IMAGE_ERROR with the reason; only a failure to run at all
 * (memory, bad options) returns an error.
 */
int am_registry_resolve(am_image **out, const char *const *images, size_t n,
                        const am_registry_opts *opts, am_err *err);

/* The `resolve --format json` document: {"images": [...]} (DESIGN.md).
 * Returns a new reference, or NULL when memory runs out. */
struct json_t *am_images_to_json(const am_image *images, size_t n);

/* Free an array of `n` results. NULL is fine. */
void am_images_free(am_image *images, size_t n);

#endif
