/* SPDX-License-Identifier: MIT */
/* Command-line options, merged over the configuration file. */
#include "cli/cli.h"

#include "util/platform.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
  OPT_CACHE_DIR = 256,
  OPT_NO_CACHE,
  OPT_MIRROR,
  OPT_INSECURE,
  OPT_PLATFORMS,
  OPT_PRIORITY,
  OPT_CONCURRENCY,
  OPT_MAX_REQUESTS,
  OPT_TIMEOUT,
  OPT_TAG_TTL,
  OPT_CA_FILE,
  OPT_K8S_REGISTRY,
  OPT_NO_K8S,
  OPT_K8S_PLATFORMS,
  OPT_REF,
  OPT_PATH,
  OPT_FORMAT,
  OPT_KEEP_RUNS,
  OPT_TEMPLATES,
  OPT_ASSETS,
  OPT_TITLE
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"output", required_argument, NULL, 'o'},
    {"verbose", no_argument, NULL, 'v'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"registry-mirror", required_argument, NULL, OPT_MIRROR},
    {"insecure-registry", required_argument, NULL, OPT_INSECURE},
    {"platforms", required_argument, NULL, OPT_PLATFORMS},
    {"priority-platform", required_argument, NULL, OPT_PRIORITY},
    {"concurrency", required_argument, NULL, OPT_CONCURRENCY},
    {"max-requests", required_argument, NULL, OPT_MAX_REQUESTS},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"tag-ttl", required_argument, NULL, OPT_TAG_TTL},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"k8s-registry", required_argument, NULL, OPT_K8S_REGISTRY},
    {"no-k8s-convention", no_argument, NULL, OPT_NO_K8S},
    {"k8s-platforms", required_argument, NULL, OPT_K8S_PLATFORMS},
    {"ref", required_argument, NULL, OPT_REF},
    {"path", required_argument, NULL, OPT_PATH},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"keep-runs", required_argument, NULL, OPT_KEEP_RUNS},
    {"templates", required_argument, NULL, OPT_TEMPLATES},
    {"assets", required_argument, NULL, OPT_ASSETS},
    {"title", required_argument, NULL, OPT_TITLE},
    {NULL, 0, NULL, 0},
};

/* Parse a whole decimal number in [min, max]. */
static int parse_long(const char *s, long min, long max, long *out) {
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

/* Replace an owned string. */
static void set_string(char **dst, const char *value) {
  free(*dst);
  *dst = am_strdup(value);
}

/* Add "HOST=URL" to the mirror lists. */
static int add_mirror(am_cli *cli, const char *arg, am_err *err) {
  const char *eq = strchr(arg, '=');
  char *host;

  if (eq == NULL || eq == arg || eq[1] == '\0')
    return am_err_set(err, AM_EUSAGE,
                      "--registry-mirror wants HOST=URL, not '%s'", arg);
  if (!am_starts_with(eq + 1, "http://") && !am_starts_with(eq + 1, "https://"))
    return am_err_set(err, AM_EUSAGE,
                      "--registry-mirror URL must be http:// or https://: %s",
                      eq + 1);
  host = am_strndup(arg, (size_t)(eq - arg));
  if (host == NULL || am_strv_push_owned(&cli->mirror_hosts, host) ||
      am_strv_push(&cli->mirror_urls, eq + 1))
    return am_err_set(err, AM_ENOMEM, "out of memory");
  return AM_OK;
}

/* Split a comma-separated platform list into `out`, normalising each
 * one; `option` names the option in the message. */
static int set_platforms(am_strv *out, const char *option, const char *list,
                         am_err *err) {
  char *copy = am_strdup(list);
  char *save = NULL;
  int rc = AM_OK;

  am_strv_free(out);
  for (char *tok = strtok_r(copy, ",", &save); tok != NULL && rc == AM_OK;
       tok = strtok_r(NULL, ",", &save)) {
    char norm[AM_PLATFORM_STR_MAX];

    while (*tok == ' ')
      tok++;
    rc = am_platform_normalize_string(tok, norm, sizeof(norm), err);
    if (rc == AM_OK)
      rc = am_strv_push_unique(out, norm);
  }
  free(copy);
  if (rc == AM_OK && out->len == 0)
    rc = am_err_set(err, AM_EUSAGE, "%s needs at least one platform", option);
  return rc;
}

/* One numeric option, with its name for the message. */
static int set_number(const char *name, const char *arg, long min, long max,
                      long *out, am_err *err) {
  if (parse_long(arg, min, max, out) != 0)
    return am_err_set(err, AM_EUSAGE,
                      "%s wants a number from %ld to %ld, "
                      "not '%s'",
                      name, min, max, arg);
  return AM_OK;
}

static int apply_option(am_cli *cli, int opt, const char *arg, am_err *err) {
  long n = 0;
  int rc = AM_OK;

  switch (opt) {
  case 'c':
    set_string(&cli->config_path, arg);
    break;
  case 'o':
    set_string(&cli->out_dir, arg);
    break;
  case 'v':
    cli->verbosity = cli->verbosity < 0 ? 1 : cli->verbosity + 1;
    break;
  case 'q':
    cli->verbosity = -1;
    break;
  case OPT_CACHE_DIR:
    set_string(&cli->cache_dir, arg);
    break;
  case OPT_NO_CACHE:
    cli->no_cache = true;
    break;
  case OPT_MIRROR:
    rc = add_mirror(cli, arg, err);
    break;
  case OPT_INSECURE:
    rc = am_strv_push(&cli->insecure, arg);
    break;
  case OPT_PLATFORMS:
    rc = set_platforms(&cli->platforms, "--platforms", arg, err);
    break;
  case OPT_PRIORITY: {
    char norm[AM_PLATFORM_STR_MAX];

    rc = am_platform_normalize_string(arg, norm, sizeof(norm), err);
    if (rc == AM_OK)
      set_string(&cli->priority_platform, norm);
    break;
  }
  case OPT_CONCURRENCY:
    rc = set_number("--concurrency", arg, 1, 256, &n, err);
    cli->concurrency = (int)n;
    break;
  case OPT_MAX_REQUESTS:
    rc = set_number("--max-requests", arg, 1, 1024, &n, err);
    cli->max_requests = (int)n;
    break;
  case OPT_TIMEOUT:
    rc = set_number("--timeout", arg, 1, 3600, &cli->timeout, err);
    break;
  case OPT_TAG_TTL:
    rc = set_number("--tag-ttl", arg, 0, 365L * 86400, &cli->tag_ttl, err);
    cli->tag_ttl_set = true;
    break;
  case OPT_KEEP_RUNS:
    rc = set_number("--keep-runs", arg, 1, 10000, &n, err);
    cli->keep_runs = (int)n;
    break;
  case OPT_CA_FILE:
    set_string(&cli->ca_file, arg);
    break;
  case OPT_K8S_REGISTRY:
    set_string(&cli->k8s_registry, arg);
    break;
  case OPT_NO_K8S:
    cli->k8s_off = true;
    break;
  case OPT_K8S_PLATFORMS:
    rc = set_platforms(&cli->k8s_platforms, "--k8s-platforms", arg, err);
    break;
  case OPT_REF:
    set_string(&cli->ref, arg);
    break;
  case OPT_PATH:
    rc = am_strv_push(&cli->paths, arg);
    break;
  case OPT_FORMAT:
    if (strcmp(arg, "json") == 0)
      cli->format = AM_FORMAT_JSON;
    else if (strcmp(arg, "table") == 0)
      cli->format = AM_FORMAT_TABLE;
    else
      rc = am_err_set(err, AM_EUSAGE, "--format is json or table, not '%s'",
                      arg);
    cli->format_set = true;
    break;
  case OPT_TEMPLATES:
    set_string(&cli->templates_dir, arg);
    break;
  case OPT_ASSETS:
    set_string(&cli->assets_dir, arg);
    break;
  case OPT_TITLE:
    set_string(&cli->title, arg);
    break;
  default:
    rc = am_err_set(err, AM_EUSAGE, "unknown option");
  }
  if (rc == AM_ENOMEM)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  /* A bad value on the command line is a usage error (exit 2). */
  if (rc == AM_EINVALID && err != NULL)
    err->code = AM_EUSAGE;
  return rc == AM_EINVALID ? AM_EUSAGE : rc;
}

/* Which commands an option means something to. */
enum { FOR_SCAN = 1, FOR_RESOLVE = 2, FOR_REPORT = 4, FOR_MERGE = 8 };

static int option_commands(int opt) {
  switch (opt) {
  case 'c':
  case 'v':
  case 'q':
  case 'h':
    return FOR_SCAN | FOR_RESOLVE | FOR_REPORT | FOR_MERGE;
  case OPT_CACHE_DIR: /* scan keeps its git mirrors there */
    return FOR_SCAN | FOR_RESOLVE | FOR_REPORT;
  case OPT_NO_CACHE:
  case OPT_MIRROR:
  case OPT_INSECURE:
  case OPT_CONCURRENCY:
  case OPT_MAX_REQUESTS:
  case OPT_TIMEOUT:
  case OPT_TAG_TTL:
  case OPT_CA_FILE:
    return FOR_RESOLVE | FOR_REPORT;
  case OPT_PLATFORMS:
    return FOR_SCAN | FOR_REPORT | FOR_MERGE;
  case OPT_K8S_REGISTRY:
  case OPT_NO_K8S:
  case OPT_K8S_PLATFORMS:
  case OPT_REF:
  case OPT_PATH:
    return FOR_SCAN | FOR_REPORT;
  case OPT_FORMAT:
    return FOR_SCAN | FOR_RESOLVE;
  case 'o':
  case OPT_PRIORITY:
  case OPT_KEEP_RUNS:
  case OPT_TEMPLATES:
  case OPT_ASSETS:
  case OPT_TITLE:
    return FOR_REPORT | FOR_MERGE;
  default:
    return 0;
  }
}

static int command_bit(const char *command) {
  static const char *const names[] = {"scan", "resolve", "report", "merge"};

  for (int i = 0; command && i < 4; i++) {
    if (strcmp(command, names[i]) == 0)
      return 1 << i;
  }
  return 0;
}

int am_cli_parse(am_cli *cli, const char *command, int argc, char **argv,
                 am_err *err) {
  int opt;
  int index = -1;
  int rc = AM_OK;

  cli->command = command;
  cli->concurrency = 0;
  /* GNU getopt moves operands after the options, so they may be mixed
   * ("scan repo --format json"); optind = 0 resets its state fully. */
  opterr = 0;
  optind = 0;
  while ((opt = getopt_long(argc, argv, "c:o:vqh", long_options, &index)) !=
         -1) {
    if (opt == '?' || opt == ':') {
      const char *what = argv[optind - 1];

      if (optopt != 0 && optopt < 256)
        return am_err_set(err, AM_EUSAGE, "unknown option '-%c'", optopt);
      return am_err_set(err, AM_EUSAGE, "unknown or incomplete option '%s'",
                        what);
    }
    if (opt == 'h')
      return am_err_set(err, AM_EUSAGE, "help");
    /* An option the command has no use for is a mistake worth a word,
     * not something to ignore (a --title given to scan, say). */
    if (command_bit(command) != 0 &&
        (option_commands(opt) & command_bit(command)) == 0) {
      if (index < 0)
        return am_err_set(err, AM_EUSAGE, "option '-%c' does not apply to %s",
                          opt, command);
      return am_err_set(err, AM_EUSAGE, "option '--%s' does not apply to %s",
                        long_options[index].name, command);
    }
    index = -1;
    rc = apply_option(cli, opt, optarg, err);
    if (rc != AM_OK)
      return rc;
  }
  for (; optind < argc; optind++) {
    rc = am_strv_push(&cli->args, argv[optind]);
    if (rc != AM_OK)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  if (cli->config_path != NULL)
    return am_cli_load_config(cli, cli->config_path, err);
  return AM_OK;
}

static const char *const default_platforms[] = {
    "linux/amd64", "linux/arm64", "linux/arm/v7",  "linux/ppc64le",
    "linux/s390x", "linux/386",   "linux/riscv64", "windows/amd64",
};

void am_cli_platforms(const am_cli *cli, const char *const **out, size_t *n) {
  if (cli->platforms.len > 0) {
    *out = (const char *const *)cli->platforms.v;
    *n = cli->platforms.len;
  } else {
    *out = default_platforms;
    *n = sizeof(default_platforms) / sizeof(*default_platforms);
  }
}

void am_cli_registry_opts(const am_cli *cli, am_registry_opts *opts,
                          am_mirror *mirrors, char *cache, size_t cache_size) {
  memset(opts, 0, sizeof(*opts));
  for (size_t i = 0; i < cli->mirror_hosts.len; i++) {
    mirrors[i].host = cli->mirror_hosts.v[i];
    mirrors[i].url = cli->mirror_urls.v[i];
  }
  opts->mirrors = mirrors;
  opts->nmirrors = cli->mirror_hosts.len;
  opts->insecure = (const char *const *)cli->insecure.v;
  opts->ninsecure = cli->insecure.len;
  opts->no_cache = cli->no_cache;
  opts->per_registry = cli->concurrency;
  opts->overall = cli->max_requests;
  opts->tag_ttl = cli->tag_ttl;
  opts->tag_ttl_set = cli->tag_ttl_set;
  opts->timeout = cli->timeout;
  /* libcurl reads no CA variable itself (its bundle path is built in), so
   * SSL_CERT_FILE is honoured here, as openssl and git do. */
  opts->ca_file = cli->ca_file;
  if (opts->ca_file == NULL && getenv("SSL_CERT_FILE") != NULL &&
      getenv("SSL_CERT_FILE")[0] != '\0')
    opts->ca_file = getenv("SSL_CERT_FILE");
  opts->cache_dir = NULL;
  if (cli->cache_dir != NULL) {
    snprintf(cache, cache_size, "%s/registry", cli->cache_dir);
    opts->cache_dir = cache;
  }
}

void am_cli_free(am_cli *cli) {
  free(cli->config_path);
  free(cli->cache_dir);
  free(cli->out_dir);
  free(cli->ref);
  am_strv_free(&cli->paths);
  am_strv_free(&cli->args);
  am_strv_free(&cli->platforms);
  free(cli->priority_platform);
  free(cli->k8s_registry);
  am_strv_free(&cli->k8s_platforms);
  am_strv_free(&cli->mirror_hosts);
  am_strv_free(&cli->mirror_urls);
  am_strv_free(&cli->insecure);
  free(cli->ca_file);
  free(cli->templates_dir);
  free(cli->assets_dir);
  free(cli->title);
  for (size_t i = 0; i < cli->nsources; i++) {
    free(cli->sources[i].url);
    free(cli->sources[i].ref);
    am_strv_free(&cli->sources[i].paths);
  }
  free(cli->sources);
  memset(cli, 0, sizeof(*cli));
}

am_format am_cli_format(const am_cli *cli) {
  if (cli->format_set)
    return cli->format;
  return isatty(STDOUT_FILENO) ? AM_FORMAT_TABLE : AM_FORMAT_JSON;
}
