/* SPDX-License-Identifier: MIT */
/* What the subcommands share: parsed options, the configuration, output. */
#ifndef AM_CLI_CLI_H
#define AM_CLI_CLI_H

#include "registry/registry.h"
#include "scan/scan.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strv.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit codes (DESIGN.md). */
enum {
  AM_EXIT_OK = 0,
  AM_EXIT_FAILURE = 1,
  AM_EXIT_USAGE = 2,
  AM_EXIT_UNRESOLVED = 3
};

typedef enum am_format { AM_FORMAT_TABLE, AM_FORMAT_JSON } am_format;

/* One source to scan, from the command line or the configuration. */
typedef struct am_cli_source {
  char *url; /* path or URL */
  char *ref; /* NULL: HEAD */
  am_strv paths;
} am_cli_source;

/*
 * Everything the command line and the configuration file say, merged: the
 * command line wins. Strings are owned by this struct.
 */
typedef struct am_cli {
  const char *command;
  char *config_path;
  am_format format;
  bool format_set;
  int verbosity; /* -1 quiet, 0 normal, 1 -v, 2 -v -v */
  char *cache_dir;
  bool no_cache;
  char *out_dir;
  char *ref;     /* --ref for scan */
  am_strv paths; /* --path for scan */
  am_strv args;  /* positional arguments after the command */
  am_strv platforms;
  char *priority_platform;
  char *k8s_registry;
  bool k8s_off;          /* --no-k8s-convention, kubernetes.enabled false */
  am_strv k8s_platforms; /* --k8s-platforms, kubernetes.platforms */
  am_strv mirror_hosts;  /* parallel with mirror_urls */
  am_strv mirror_urls;
  am_strv insecure;
  int concurrency;
  int max_requests;
  long tag_ttl;
  bool tag_ttl_set; /* given, 0 included (0: ask again every time) */
  long timeout;
  char *ca_file;
  int keep_runs;
  char *templates_dir;
  char *assets_dir;
  char *title;            /* the site's title */
  am_cli_source *sources; /* from the configuration */
  size_t nsources;
} am_cli;

/* Parse argv (after the command name) into `cli`; loads -c FILE. Returns 0,
 * or AM_EUSAGE / AM_EINVALID with a message in `err`. */
int am_cli_parse(am_cli *cli, const char *command, int argc, char **argv,
                 am_err *err);

/* Read a JSON configuration file into `cli`, not overriding what the
 * command line already set. An unknown key or wrong type is an error that
 * names the key. */
int am_cli_load_config(am_cli *cli, const char *path, am_err *err);

/* Fill registry options from `cli`; `mirrors` must hold cli->mirror_hosts.len
 * entries and `cache` at least PATH_MAX bytes. */
void am_cli_registry_opts(const am_cli *cli, am_registry_opts *opts,
                          am_mirror *mirrors, char *cache, size_t cache_size);

/* The matrix platforms: the configured ones or the default eight. */
void am_cli_platforms(const am_cli *cli, const char *const **out, size_t *n);

/* Free what `cli` holds. */
void am_cli_free(am_cli *cli);

/* Print one diagnostic line to stderr as "archmatrix: error: ...". */
void am_cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the help of `command` (NULL: the overview) to `out`. */
void am_cli_help(const char *command, FILE *out);

/* Progress on stderr, only when it is a terminal and not quiet. */
void am_cli_stage(const am_cli *cli, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void am_cli_progress(size_t done, size_t total, void *ud);

/* The output format: as asked, else a table on a terminal and JSON
 * otherwise. */
am_format am_cli_format(const am_cli *cli);

/*
 * `s` (NULL: "") made safe for a terminal, in `buf` (cleared first): C0
 * controls, DEL and UTF-8 C1 controls become \xNN / \u00NN, so text from a
 * repository or registry cannot move the cursor or set colours. Returns
 * buf's text, valid until buf is changed.
 */
const char *am_cli_term_text(am_buf *buf, const char *s);

/*
 * Print a JSON document (consumed) to stdout, two-space indented, with a
 * newline. Returns an exit code: failure only when out of memory, since a
 * write error is reported by am_cli_finish_stdout.
 */
int am_cli_print_json(struct json_t *doc);

/* fwrite to stdout, remembering why the first failed write failed. */
void am_cli_write_stdout(const void *data, size_t len);

/*
 * Flush stdout at the end of a command. When anything written to it was
 * lost, print "archmatrix: cannot write standard output: REASON" once and
 * return AM_EXIT_FAILURE; otherwise return `rc`.
 */
int am_cli_finish_stdout(int rc);

/* Check the registry options (mirrors); AM_EUSAGE names the bad one.
 * Commands call it before any work, so a mistake costs no scan. */
int am_cli_check_registry(const am_cli *cli, am_err *err);

/* Resolve normalised references with the CLI's registry options and
 * progress bar; `*out` holds refs->len results. */
int am_cli_resolve_images(const am_cli *cli, const am_strv *refs,
                          am_image **out, am_err *err);

/*
 * Route SIGINT and SIGTERM to a thread that removes the run's temporary
 * folders, prints one line and exits with 128 + the signal. Call before
 * any other thread starts. Returns 0, or AM_ERROR (signals then keep
 * their default action).
 */
int am_cli_signals_start(void);

int am_cmd_scan(am_cli *cli);
int am_cmd_resolve(am_cli *cli);
int am_cmd_report(am_cli *cli);
int am_cmd_merge(am_cli *cli);

/* Scan one source into `scan` with the CLI's options, with a stage line
 * naming it (without userinfo); shared by scan and report. Returns 0 or
 * an error with its message in `err`. */
int am_cli_scan_source(const am_cli *cli, const char *url, const char *ref,
                       const am_strv *paths, am_scan *scan, am_err *err);

#endif
