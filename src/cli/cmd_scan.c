/* SPDX-License-Identifier: MIT */
/* archmatrix scan SOURCE: what a repository builds and uses. */
#include "cli/cli.h"

#include "source/source.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int am_cli_scan_source(const am_cli *cli, const char *url, const char *ref,
                       const am_strv *paths, am_scan *scan, am_err *err) {
  am_source_opts sopts = {0};
  am_scan_opts opts = {0};
  am_source *src = NULL;
  int rc;

  sopts.ref = ref;
  sopts.cache_dir = cli->cache_dir; /* mirrors go to its git/ folder */
  rc = am_source_open(&src, url, &sopts, err);
  if (rc != AM_OK)
    goto done;

  opts.paths = (const char *const *)paths->v;
  opts.npaths = paths->len;
  am_cli_platforms(cli, &opts.platforms, &opts.nplatforms);
  opts.k8s_registry = cli->k8s_registry;
  opts.k8s_off = cli->k8s_off;
  opts.k8s_platforms = (const char *const *)cli->k8s_platforms.v;
  opts.nk8s_platforms = cli->k8s_platforms.len;
  rc = am_scan_source(scan, src, &opts, err);
  if (rc == AM_OK)
    am_scan_sort(scan);

done:
  am_source_free(src);
  return rc;
}

/* Print a JSON document to stdout, two-space indented, with a newline. */
int am_cli_print_json(json_t *doc) {
  if (doc == NULL || json_dumpf(doc, stdout, JSON_INDENT(2)) != 0) {
    json_decref(doc);
    am_cli_error("out of memory writing JSON");
    return AM_EXIT_FAILURE;
  }
  fputc('\n', stdout);
  json_decref(doc);
  return AM_EXIT_OK;
}

/* The width of the longest string in a column, capped for the terminal. */
static int column_width(const am_scan *scan, bool targets) {
  size_t w = 5;

  if (targets) {
    for (size_t i = 0; i < scan->ntargets; i++)
      w = strlen(scan->targets[i].image) > w ? strlen(scan->targets[i].image)
                                             : w;
  } else {
    for (size_t i = 0; i < scan->nrefs; i++)
      w = strlen(scan->refs[i].image) > w ? strlen(scan->refs[i].image) : w;
  }
  return (int)(w > 70 ? 70 : w);
}

static void print_scan_table(const am_scan *scan) {
  int w = column_width(scan, true);

  printf("source  %s\ncommit  %s\n", scan->url ? scan->url : "",
         scan->commit ? scan->commit : "");
  printf("\nBUILT (%zu)\n", scan->ntargets);
  for (size_t i = 0; i < scan->ntargets; i++) {
    const am_target *t = &scan->targets[i];

    printf("  %-*s  ", w, t->image);
    for (size_t j = 0; j < t->declared.len; j++)
      printf("%s%s", j ? " " : "", t->declared.v[j]);
    printf("\n");
    for (size_t j = 0; j < t->nbases; j++)
      printf("  %-*s    %s from %s\n", w, "", t->bases[j].platform,
             t->bases[j].image);
  }
  w = column_width(scan, false);
  printf("\nREFERENCES (%zu)\n", scan->nrefs);
  for (size_t i = 0; i < scan->nrefs; i++) {
    const am_reference *r = &scan->refs[i];

    printf("  %-*s  %-10s %s:%d%s%s\n", w, r->image,
           am_context_name(r->context), r->path, r->line,
           r->platform ? "  for " : "", r->platform ? r->platform : "");
  }
  if (scan->nunresolved > 0) {
    printf("\nUNRESOLVED (%zu)\n", scan->nunresolved);
    for (size_t i = 0; i < scan->nunresolved; i++) {
      const am_unresolved *u = &scan->unresolved[i];

      printf("  %s:%d  %s: %s\n", u->path, u->line, u->raw ? u->raw : "",
             u->reason);
    }
  }
}

/* The scan as JSON on stdout, written without building a jansson tree. */
static int print_scan_json(const am_scan *scan) {
  am_buf text;
  int rc = AM_EXIT_OK;

  am_buf_init(&text, 0);
  if (am_scan_write_json(scan, &text, 2) != AM_OK ||
      am_buf_append(&text, "\n", 1) != AM_OK) {
    am_cli_error("out of memory writing JSON");
    rc = AM_EXIT_FAILURE;
  } else if (fwrite(text.data, 1, text.len, stdout) != text.len) {
    rc = AM_EXIT_FAILURE;
  }
  am_buf_free(&text);
  return rc;
}

int am_cmd_scan(am_cli *cli) {
  am_scan scan = {0};
  am_err err;
  int rc = AM_EXIT_OK;

  am_err_clear(&err);
  if (cli->args.len != 1) {
    am_cli_error("scan wants one SOURCE, a path or git URL");
    fputs("Try 'archmatrix scan --help'.\n", stderr);
    return AM_EXIT_USAGE;
  }
  am_cli_stage(cli, "scanning %s", cli->args.v[0]);
  if (am_cli_scan_source(cli, cli->args.v[0], cli->ref, &cli->paths, &scan,
                         &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    rc = AM_EXIT_FAILURE;
    goto done;
  }
  if (am_cli_format(cli) == AM_FORMAT_JSON)
    rc = print_scan_json(&scan);
  else
    print_scan_table(&scan);

done:
  am_scan_free(&scan);
  return rc;
}
