/* SPDX-License-Identifier: MIT */
/* The scan stage: classify files, parse them, and produce the references
 * and targets of one repository commit. */
#ifndef AM_SCAN_SCAN_H
#define AM_SCAN_SCAN_H

#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct am_source am_source;

/* Where an image was named. Printed as the strings in am_context_name. */
typedef enum am_context {
  AM_CTX_FROM,
  AM_CTX_COPY_FROM,
  AM_CTX_MOUNT_FROM,
  AM_CTX_SYNTAX,
  AM_CTX_BASEIMAGE,
  AM_CTX_YAML,
  AM_CTX_COMPOSE
} am_context;

/* One image named at path:line. All strings owned by the scan result. */
typedef struct am_reference {
  char *image; /* normalised reference */
  char *raw;   /* as written, after variable expansion */
  char *path;  /* file path in the repository */
  int line;    /* first line of the instruction, from 1 */
  am_context context;
  char *platform; /* NULL, or the platform this reference is for */
} am_reference;

/* A base image for one platform of a target. */
typedef struct am_base {
  char *platform; /* "linux/arm64", "windows/amd64/ltsc2022" */
  char *image;    /* normalised reference */
} am_base;

/* An image the repository builds. */
typedef struct am_target {
  char *image;      /* normalised reference of what is published */
  char *dir;        /* folder holding its build files */
  am_strv declared; /* platforms, sorted */
  am_base *bases;
  size_t nbases;
} am_target;

/* Something that looked like a reference but could not be made one. */
typedef struct am_unresolved {
  char *path;
  int line; /* 0 when the whole file is meant */
  char *raw;
  char *reason;
} am_unresolved;

/* Everything one scan found. Zero it before the first use. */
typedef struct am_scan {
  char *url;
  char *commit;
  am_reference *refs;
  size_t nrefs, refs_cap;
  am_target *targets;
  size_t ntargets, targets_cap;
  am_unresolved *unresolved;
  size_t nunresolved, unresolved_cap;
} am_scan;

/* Options for a scan. Zero means the default for each. */
typedef struct am_scan_opts {
  const char *const *paths; /* limit the walk to these subtrees */
  size_t npaths;
  const char *const *platforms; /* matrix platforms (TARGETARCH expansion) */
  size_t nplatforms;
  const char *k8s_registry; /* default "registry.k8s.io/e2e-test-images" */
  bool k8s_off; /* ignore BASEIMAGE, VERSION and ALIAS: plain Dockerfiles */
  /* What a VERSION folder without BASEIMAGE declares; none: the five the
   * kubernetes scripts build (amd64, arm, arm64, ppc64le, s390x). */
  const char *const *k8s_platforms;
  size_t nk8s_platforms;
} am_scan_opts;

/* The printed name of a context ("from", "copy-from", ...). */
const char *am_context_name(am_context ctx);

/*
 * Walk `src` and fill `out` (which must be zeroed, or hold earlier results
 * to add to). Unparseable files are recorded in out->unresolved; only a
 * failure of the source itself returns an error.
 */
int am_scan_source(am_scan *out, am_source *src, const am_scan_opts *opts,
                   am_err *err);

/* Add one reference, copying the strings. Returns 0 or AM_ENOMEM. */
int am_scan_add_ref(am_scan *scan, const char *image, const char *raw,
                    const char *path, int line, am_context ctx,
                    const char *platform);

/* Add one unresolved entry, copying the strings. */
int am_scan_add_unresolved(am_scan *scan, const char *path, int line,
                           const char *raw, const char *reason);

/* Add a target, copying the strings; returns it through `out` so the
 * caller can add platforms and bases. */
int am_scan_add_target(am_scan *scan, const char *image, const char *dir,
                       am_target **out);

/* Add a declared platform and (when image is not NULL) its base. */
int am_target_add_platform(am_target *t, const char *platform,
                           const char *base_image);

/* Sort references, targets and unresolved entries into their printed
 * order, so output does not depend on walk order. */
void am_scan_sort(am_scan *scan);

/* The `scan --format json` document (DESIGN.md). Returns a new reference,
 * or NULL when memory runs out. */
struct json_t *am_scan_to_json(const am_scan *scan);

/*
 * Append the same document as text to `out`, `indent` spaces per level
 * (0: one line), without building a tree. Returns 0, AM_ENOMEM, or
 * AM_EINVALID when a string is not UTF-8 (the scan's strings always are).
 */
int am_scan_write_json(const am_scan *scan, am_buf *out, int indent);

/* Free everything the scan holds and zero it. NULL is fine. */
void am_scan_free(am_scan *scan);

#endif
