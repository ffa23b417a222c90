/* SPDX-License-Identifier: MIT */
/* A test driver for the resolve stage: calls am_registry_resolve with the
 * options on its command line and prints the JSON document, so the
 * registry tests do not depend on the CLI's option set. */
#include "registry/registry.h"
#include "util/log.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 16

static void log_to_stderr(am_log_level level, const char *line, void *ud) {
  (void)ud;
  fprintf(stderr, "resolve_probe: %s: %s\n", am_log_level_name(level), line);
}

static void usage(void) {
  fprintf(stderr,
          "usage: resolve_probe [--mirror HOST=URL] [--insecure HOST]\n"
          "       [--cache-dir D] [--no-cache] [--ttl S] [--timeout S]\n"
          "       [--per-registry N] [--overall N] [-v|-vv] IMAGE...\n");
  exit(2);
}

int main(int argc, char **argv) {
  am_registry_opts opts;
  am_mirror mirrors[MAX_LIST];
  const char *insecure[MAX_LIST];
  const char *images[256];
  size_t nimages = 0;
  am_image *out = NULL;
  am_err err;
  json_t *doc = NULL;
  int verbose = 0;
  int rc = 0;

  memset(&opts, 0, sizeof(opts));
  am_err_clear(&err);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(a, "--mirror") == 0 && v && opts.nmirrors < MAX_LIST) {
      char *eq = strchr(argv[++i], '=');

      if (eq == NULL)
        usage();
      *eq = '\0';
      mirrors[opts.nmirrors].host = argv[i];
      mirrors[opts.nmirrors++].url = eq + 1;
    } else if (strcmp(a, "--insecure") == 0 && v && opts.ninsecure < MAX_LIST) {
      insecure[opts.ninsecure++] = argv[++i];
    } else if (strcmp(a, "--cache-dir") == 0 && v) {
      opts.cache_dir = argv[++i];
    } else if (strcmp(a, "--no-cache") == 0) {
      opts.no_cache = true;
    } else if (strcmp(a, "--ttl") == 0 && v) {
      opts.tag_ttl = atol(argv[++i]);
      opts.tag_ttl_set = true;
    } else if (strcmp(a, "--timeout") == 0 && v) {
      opts.timeout = atol(argv[++i]);
    } else if (strcmp(a, "--per-registry") == 0 && v) {
      opts.per_registry = atoi(argv[++i]);
    } else if (strcmp(a, "--overall") == 0 && v) {
      opts.overall = atoi(argv[++i]);
    } else if (strcmp(a, "-v") == 0) {
      verbose = verbose < 1 ? 1 : verbose;
    } else if (strcmp(a, "-vv") == 0) {
      verbose = 2;
    } else if (a[0] == '-' || nimages == 256) {
      usage();
    } else {
      images[nimages++] = a;
    }
  }
  if (nimages == 0)
    usage();
  opts.mirrors = mirrors;
  opts.insecure = insecure;
  /* Warnings always reach stderr: tests read the retry lines there. */
  am_log_set_sink(log_to_stderr,
                  verbose == 2   ? AM_LOG_TRACE
                  : verbose == 1 ? AM_LOG_DEBUG
                                 : AM_LOG_WARN,
                  NULL);
  if (am_registry_resolve(&out, images, nimages, &opts, &err) != AM_OK) {
    fprintf(stderr, "resolve_probe: error: %s\n", err.msg);
    return 1;
  }
  doc = am_images_to_json(out, nimages);
  if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0) {
    rc = 1;
  } else {
    putchar('\n');
    for (size_t i = 0; i < nimages; i++) {
      if (out[i].status != AM_IMAGE_OK)
        rc = 3;
    }
  }
  json_decref(doc);
  am_images_free(out, nimages);
  return rc;
}
