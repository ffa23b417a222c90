/* SPDX-License-Identifier: MIT */
/* The JSON configuration file (docs/configuration.md). Every key is known;
 * anything else is an error naming the key, so a typo never passes
 * silently. What the command line already set is left alone. */
#include "cli/cli.h"

#include "util/platform.h"

#include <errno.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CONFIG_MAX_BYTES (1024 * 1024)

/* Reading state: the file's folder, for relative paths, and the error. */
typedef struct reader {
  const char *file;
  char dir[PATH_MAX];
  am_err *err;
} reader;

static int type_error(reader *r, const char *key, const char *want) {
  return am_err_set(r->err, AM_EINVALID, "%s: key '%s' must be %s", r->file,
                    key, want);
}

/* Make a path from the file relative to the file's folder; an existing
 * path is made canonical, so reports show "/srv/repo", not
 * "config/../repo". URLs and scp-style remotes are left alone. */
static char *config_path(reader *r, const char *value) {
  char resolved[PATH_MAX];
  char *joined;

  if (value[0] == '/' || strstr(value, "://") != NULL ||
      (strchr(value, '@') != NULL && strchr(value, ':') != NULL))
    return am_strdup(value);
  joined = am_asprintf("%s/%s", r->dir, value);
  if (joined != NULL && realpath(joined, resolved) != NULL) {
    free(joined);
    return am_strdup(resolved);
  }
  return joined;
}

static int get_string(reader *r, json_t *v, const char *key, const char **out) {
  if (!json_is_string(v))
    return type_error(r, key, "a string");
  *out = json_string_value(v);
  return AM_OK;
}

static int get_int(reader *r, json_t *v, const char *key, long min, long max,
                   long *out) {
  if (!json_is_integer(v) || json_integer_value(v) < min ||
      json_integer_value(v) > max) {
    char want[64];

    snprintf(want, sizeof(want), "a whole number from %ld to %ld", min, max);
    return type_error(r, key, want);
  }
  *out = (long)json_integer_value(v);
  return AM_OK;
}

/* A list of strings appended to `out` (left alone when already set). */
static int get_strings(reader *r, json_t *v, const char *key, am_strv *out) {
  size_t i;
  json_t *item;

  if (!json_is_array(v))
    return type_error(r, key, "a list of strings");
  json_array_foreach(v, i, item) {
    if (!json_is_string(item))
      return type_error(r, key, "a list of strings");
    if (am_strv_push(out, json_string_value(item)) != AM_OK)
      return am_err_set(r->err, AM_ENOMEM, "out of memory");
  }
  return AM_OK;
}

static int read_source(reader *r, am_cli_source *src, json_t *v) {
  const char *key;
  json_t *item;
  const char *s = NULL;
  int rc = AM_OK;

  if (json_is_string(v)) {
    src->url = config_path(r, json_string_value(v));
    return AM_OK;
  }
  if (!json_is_object(v))
    return type_error(r, "sources", "a list of strings or objects");
  json_object_foreach(v, key, item) {
    if (strcmp(key, "url") == 0) {
      rc = get_string(r, item, "sources.url", &s);
      if (rc == AM_OK)
        src->url = config_path(r, s);
    } else if (strcmp(key, "ref") == 0) {
      rc = get_string(r, item, "sources.ref", &s);
      if (rc == AM_OK)
        src->ref = am_strdup(s);
    } else if (strcmp(key, "paths") == 0) {
      rc = get_strings(r, item, "sources.paths", &src->paths);
    } else {
      rc = am_err_set(r->err, AM_EINVALID, "%s: unknown key 'sources.%s'",
                      r->file, key);
    }
    if (rc != AM_OK)
      return rc;
  }
  if (src->url == NULL)
    return am_err_set(r->err, AM_EINVALID, "%s: a source lacks key 'url'",
                      r->file);
  return AM_OK;
}

static int read_sources(reader *r, am_cli *cli, json_t *v) {
  size_t i;
  json_t *item;

  if (!json_is_array(v))
    return type_error(r, "sources", "a list");
  cli->sources = calloc(json_array_size(v) + 1, sizeof(*cli->sources));
  if (cli->sources == NULL)
    return am_err_set(r->err, AM_ENOMEM, "out of memory");
  json_array_foreach(v, i, item) {
    int rc = read_source(r, &cli->sources[cli->nsources++], item);

    if (rc != AM_OK)
      return rc;
  }
  return AM_OK;
}

/* A non-empty list of platforms, normalised into `out`. */
static int read_platforms(reader *r, const char *key, am_strv *out, json_t *v) {
  am_strv raw = {0};
  int rc = get_strings(r, v, key, &raw);

  for (size_t i = 0; rc == AM_OK && i < raw.len; i++) {
    char norm[AM_PLATFORM_STR_MAX];

    rc = am_platform_normalize_string(raw.v[i], norm, sizeof(norm), r->err);
    if (rc != AM_OK)
      am_err_prefix(r->err, "%s: key '%s'", r->file, key);
    else
      rc = am_strv_push_unique(out, norm);
  }
  am_strv_free(&raw);
  if (rc == AM_OK && out->len == 0)
    rc = type_error(r, key, "a non-empty list");
  return rc;
}

static int read_mirrors(reader *r, am_cli *cli, json_t *v) {
  const char *host;
  json_t *url;

  if (!json_is_object(v))
    return type_error(r, "registries.mirrors", "an object of HOST: URL");
  json_object_foreach(v, host, url) {
    if (!json_is_string(url))
      return type_error(r, "registries.mirrors", "an object of HOST: URL");
    if (am_strv_contains(&cli->mirror_hosts, host))
      continue; /* the command line said otherwise */
    if (am_strv_push(&cli->mirror_hosts, host) ||
        am_strv_push(&cli->mirror_urls, json_string_value(url)))
      return am_err_set(r->err, AM_ENOMEM, "out of memory");
  }
  return AM_OK;
}

static int read_registries(reader *r, am_cli *cli, json_t *v) {
  const char *key;
  json_t *item;
  long n = 0;
  int rc = AM_OK;

  if (!json_is_object(v))
    return type_error(r, "registries", "an object");
  json_object_foreach(v, key, item) {
    if (strcmp(key, "mirrors") == 0) {
      rc = read_mirrors(r, cli, item);
    } else if (strcmp(key, "insecure") == 0) {
      rc = get_strings(r, item, "registries.insecure", &cli->insecure);
    } else if (strcmp(key, "concurrency") == 0) {
      rc = get_int(r, item, "registries.concurrency", 1, 256, &n);
      if (rc == AM_OK && cli->concurrency == 0)
        cli->concurrency = (int)n;
    } else if (strcmp(key, "max_requests") == 0) {
      rc = get_int(r, item, "registries.max_requests", 1, 1024, &n);
      if (rc == AM_OK && cli->max_requests == 0)
        cli->max_requests = (int)n;
    } else if (strcmp(key, "tag_ttl") == 0) {
      rc = get_int(r, item, "registries.tag_ttl", 0, 365L * 86400, &n);
      if (rc == AM_OK && !cli->tag_ttl_set) {
        cli->tag_ttl = n;
        cli->tag_ttl_set = true;
      }
    } else if (strcmp(key, "timeout") == 0) {
      rc = get_int(r, item, "registries.timeout", 1, 3600, &n);
      if (rc == AM_OK && cli->timeout == 0)
        cli->timeout = n;
    } else if (strcmp(key, "ca_file") == 0) {
      const char *s = NULL;

      rc = get_string(r, item, "registries.ca_file", &s);
      if (rc == AM_OK && cli->ca_file == NULL)
        cli->ca_file = config_path(r, s);
    } else {
      rc = am_err_set(r->err, AM_EINVALID, "%s: unknown key 'registries.%s'",
                      r->file, key);
    }
    if (rc != AM_OK)
      return rc;
  }
  return AM_OK;
}

static int read_kubernetes(reader *r, am_cli *cli, json_t *v) {
  const char *key;
  json_t *item;

  if (!json_is_object(v))
    return type_error(r, "kubernetes", "an object");
  json_object_foreach(v, key, item) {
    const char *s = NULL;
    int rc = AM_OK;

    if (strcmp(key, "registry") == 0) {
      rc = get_string(r, item, "kubernetes.registry", &s);
      if (rc == AM_OK && cli->k8s_registry == NULL &&
          (cli->k8s_registry = am_strdup(s)) == NULL)
        rc = am_err_set(r->err, AM_ENOMEM, "out of memory");
    } else if (strcmp(key, "enabled") == 0) {
      /* The command line can only turn the convention off, so false from
       * either place wins. */
      if (!json_is_boolean(item))
        rc = type_error(r, "kubernetes.enabled", "true or false");
      else if (json_is_false(item))
        cli->k8s_off = true;
    } else if (strcmp(key, "platforms") == 0) {
      if (cli->k8s_platforms.len == 0)
        rc = read_platforms(r, "kubernetes.platforms", &cli->k8s_platforms,
                            item);
    } else {
      rc = am_err_set(r->err, AM_EINVALID, "%s: unknown key 'kubernetes.%s'",
                      r->file, key);
    }
    if (rc != AM_OK)
      return rc;
  }
  return AM_OK;
}

/* Set an owned path string from the file unless already set. */
static int read_path(reader *r, char **dst, json_t *v, const char *key) {
  const char *s = NULL;
  int rc = get_string(r, v, key, &s);

  if (rc == AM_OK && *dst == NULL)
    *dst = config_path(r, s);
  return rc;
}

static int read_top(reader *r, am_cli *cli, const char *key, json_t *v) {
  long n = 0;
  const char *s = NULL;
  int rc = AM_OK;

  if (strcmp(key, "sources") == 0)
    return read_sources(r, cli, v);
  if (strcmp(key, "platforms") == 0)
    return cli->platforms.len ? AM_OK
                              : read_platforms(r, key, &cli->platforms, v);
  if (strcmp(key, "priority_platform") == 0) {
    char norm[AM_PLATFORM_STR_MAX];

    rc = get_string(r, v, key, &s);
    if (rc == AM_OK)
      rc = am_platform_normalize_string(s, norm, sizeof(norm), r->err);
    if (rc == AM_OK && cli->priority_platform == NULL)
      cli->priority_platform = am_strdup(norm);
    return rc;
  }
  if (strcmp(key, "kubernetes") == 0)
    return read_kubernetes(r, cli, v);
  if (strcmp(key, "registries") == 0)
    return read_registries(r, cli, v);
  if (strcmp(key, "cache_dir") == 0)
    return read_path(r, &cli->cache_dir, v, key);
  if (strcmp(key, "output") == 0)
    return read_path(r, &cli->out_dir, v, key);
  if (strcmp(key, "keep_runs") == 0) {
    rc = get_int(r, v, key, 1, 10000, &n);
    if (rc == AM_OK && cli->keep_runs == 0)
      cli->keep_runs = (int)n;
    return rc;
  }
  if (strcmp(key, "title") == 0) {
    rc = get_string(r, v, key, &s);
    if (rc == AM_OK && cli->title == NULL)
      cli->title = am_strdup(s);
    return rc;
  }
  if (strcmp(key, "description") == 0)
    return get_string(r, v, key, &s);
  return am_err_set(r->err, AM_EINVALID, "%s: unknown key '%s'", r->file, key);
}

int am_cli_load_config(am_cli *cli, const char *path, am_err *err) {
  reader r = {.file = path, .err = err};
  char copy[PATH_MAX];
  json_error_t jerr;
  struct stat st;
  json_t *root = NULL;
  const char *key;
  json_t *v;
  int rc = AM_OK;

  snprintf(copy, sizeof(copy), "%s", path);
  snprintf(r.dir, sizeof(r.dir), "%s", dirname(copy));
  if (stat(path, &st) != 0) {
    rc = am_err_set(err, AM_ENOTFOUND, "%s: %s", path, strerror(errno));
    goto done;
  }
  if (st.st_size > CONFIG_MAX_BYTES) {
    rc = am_err_set(err, AM_ETOOBIG, "%s: larger than %d bytes", path,
                    CONFIG_MAX_BYTES);
    goto done;
  }
  root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL) {
    rc = am_err_set(err, AM_EINVALID, "%s:%d: %s", path, jerr.line, jerr.text);
    goto done;
  }
  if (!json_is_object(root)) {
    rc = am_err_set(err, AM_EINVALID,
                    "%s: the configuration must be an "
                    "object",
                    path);
    goto done;
  }
  json_object_foreach(root, key, v) {
    rc = read_top(&r, cli, key, v);
    if (rc != AM_OK)
      goto done;
  }

done:
  json_decref(root);
  return rc;
}
