/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the scan stage's files: the Dockerfile
 * parser and evaluator, variable expansion, and the YAML reader. */
#ifndef AM_SCAN_SCAN_INT_H
#define AM_SCAN_SCAN_INT_H

#include "scan/scan.h"
#include "util/buf.h"
#include "util/platform.h"

#include <stdbool.h>
#include <stddef.h>

/* Files larger than this are reported, not parsed (issue 3). */
#define AM_SCAN_FILE_MAX (1024 * 1024)
/* One expanded word may not grow past this. */
#define AM_SCAN_WORD_MAX (64 * 1024)
/* Caps that keep a hostile file from costing quadratic time. */
#define AM_SCAN_VARS_MAX 512
#define AM_SCAN_STAGES_MAX 256
#define AM_SCAN_REFS_PER_FILE 10000
#define AM_SCAN_PLATFORMS_MAX 64

/* ---- variables and expansion (expand.c) ---- */

typedef struct scan_var {
  char *name;
  char *value;   /* NULL: declared without a value */
  bool platform; /* its value differs per platform */
} scan_var;

/* An ordered set of variables; a later set of the same name replaces the
 * value in place. */
typedef struct scan_env {
  scan_var *v;
  size_t n, cap;
} scan_env;

/* Set `name` (value may be NULL). Returns 0, AM_ENOMEM or AM_ETOOBIG when
 * the cap on variables is reached. */
int scan_env_set(scan_env *env, const char *name, const char *value,
                 bool platform);
const scan_var *scan_env_get(const scan_env *env, const char *name);
void scan_env_free(scan_env *env);

/* What an expansion learned besides its result. */
typedef struct scan_expand_info {
  bool used_platform; /* read a variable whose value depends on platform */
  char unset[128];    /* first variable read while unset, or "" */
  char error[256];    /* a syntax error, or "" */
} scan_expand_info;

/* Expansion flavours: Dockerfile words (quotes removed, escape token) or
 * compose values (quotes literal, "$$" is "$"). */
typedef enum scan_expand_mode {
  SCAN_EXPAND_DOCKERFILE,
  SCAN_EXPAND_COMPOSE
} scan_expand_mode;

/*
 * Expand `word` as BuildKit's shell lexer does for one word: quotes, the
 * escape token, $V, ${V}, ${V:-d}, ${V-d}, ${V:+a}, ${V+a}, ${V:?m},
 * ${V#p}, ${V%p}. Appends to `out` (capped). Returns 0, or AM_EINVALID with
 * info->error set, or AM_ETOOBIG / AM_ENOMEM.
 */
int scan_expand(const char *word, char escape, scan_expand_mode mode,
                const scan_env *env, am_buf *out, scan_expand_info *info);

/* ---- Dockerfiles (dockerfile.c) ---- */

/* One build of a Dockerfile: the platform it is for and the build
 * arguments passed to it. */
typedef struct scan_build {
  const char *key;    /* printed platform, "linux/arm/v7" */
  am_platform plat;   /* normalised platform for TARGETARCH and friends */
  const char *base;   /* kubernetes BASEIMAGE for this build, or NULL */
  const char *os_ver; /* kubernetes OS_VERSION, or "" */
  char *final_base;   /* out: normalised image of the last stage, or NULL */
} scan_build;

typedef struct scan_df_opts {
  scan_build *builds;
  size_t nbuilds;
  bool k8s;             /* apply the test/images conventions */
  const char *registry; /* kubernetes REGISTRY build argument */
} scan_df_opts;

/*
 * Parse one Dockerfile's text (not NUL-checked: the caller did) and add its
 * references and unresolved entries to `scan`, evaluating it once per
 * build. Fills builds[i].final_base. Returns 0 or AM_ENOMEM.
 */
int scan_dockerfile(am_scan *scan, const char *path, const char *text,
                    size_t len, scan_df_opts *opts);

/* ---- YAML (yaml.c) ---- */

/* Add the image references of a Kubernetes manifest or compose file. */
int scan_yaml(am_scan *scan, const char *path, const char *text, size_t len);

/* ---- Kubernetes BASEIMAGE files (walk.c) ---- */

#define AM_SCAN_BASEIMAGE_LINES_MAX 64

/* One line of a BASEIMAGE file. */
typedef struct scan_k8s_line {
  char key[AM_PLATFORM_STR_MAX + AM_PLATFORM_FIELD_MAX + 2];
  am_platform plat;
  char *image; /* after REGISTRY expansion; owned, NULL when not set */
  char os_version[AM_PLATFORM_FIELD_MAX];
  int line;
} scan_k8s_line;

/*
 * Parse the text of a BASEIMAGE file (NUL-terminated, modified in place)
 * into `lines`, which holds AM_SCAN_BASEIMAGE_LINES_MAX entries, adding a
 * baseimage reference per line and an unresolved entry per bad line.
 * `*nlines` lines are filled; the caller frees their `image`. Returns 0 or
 * AM_ENOMEM.
 */
int scan_baseimage(am_scan *scan, const char *path, char *text,
                   const char *registry, scan_k8s_line *lines, size_t *nlines);

/* ---- shared helpers (scan.c) ---- */

/*
 * Normalise `raw` and add it as a reference, or add it to unresolved with
 * the grammar's reason. Returns 0 or AM_ENOMEM.
 */
int scan_add_image(am_scan *scan, const char *raw, const char *path, int line,
                   am_context ctx, const char *platform);

#endif
