/* SPDX-License-Identifier: MIT */
/* archmatrix scan SOURCE: what a repository builds and uses. */
#include "cli/cli.h"

#include "source/source.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int am_cli_scan_source(const am_cli *cli, const char *url, const char *ref,
                       const am_strv *paths, am_scan *scan, am_err *err) {
  am_source_opts sopts = {0};
  am_scan_opts opts = {0};
  am_source *src = NULL;
  char *shown = am_source_display_url(url); /* no user:password@ */
  int rc;

  am_cli_stage(cli, "scanning %s", shown ? shown : "a source");
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
  free(shown);
  return rc;
}

/* The width of the longest string in a column, capped for the terminal. */
static int column_width(const am_scan *scan, bool targets, am_buf *tmp) {
  size_t w = 5;
  size_t n = targets ? scan->ntargets : scan->nrefs;

  for (size_t i = 0; i < n; i++) {
    size_t len = strlen(am_cli_term_text(tmp, targets ? scan->targets[i].image
                                                      : scan->refs[i].image));

    w = len > w ? len : w;
  }
  return (int)(w > 70 ? 70 : w);
}

/* The table for people. Every string from the repository goes through
 * am_cli_term_text, so a control byte in a file name or an image cannot
 * drive the terminal. A line of 0 means the whole file: no ":0". */
static void print_scan_table(const am_scan *scan) {
  am_buf a;
  am_buf b;
  am_buf c;
  int w;

  am_buf_init(&a, 0);
  am_buf_init(&b, 0);
  am_buf_init(&c, 0);
  w = column_width(scan, true, &a);
  printf("source  %s\ncommit  %s\n", am_cli_term_text(&a, scan->url),
         am_cli_term_text(&b, scan->commit));
  printf("\nBUILT (%zu)\n", scan->ntargets);
  for (size_t i = 0; i < scan->ntargets; i++) {
    const am_target *t = &scan->targets[i];

    printf("  %-*s  ", w, am_cli_term_text(&a, t->image));
    for (size_t j = 0; j < t->declared.len; j++)
      printf("%s%s", j ? " " : "", am_cli_term_text(&a, t->declared.v[j]));
    printf("\n");
    for (size_t j = 0; j < t->nbases; j++)
      printf("  %-*s    %s from %s\n", w, "",
             am_cli_term_text(&a, t->bases[j].platform),
             am_cli_term_text(&b, t->bases[j].image));
  }
  w = column_width(scan, false, &a);
  printf("\nREFERENCES (%zu)\n", scan->nrefs);
  for (size_t i = 0; i < scan->nrefs; i++) {
    const am_reference *r = &scan->refs[i];

    printf("  %-*s  %-10s %s:%d%s%s\n", w, am_cli_term_text(&a, r->image),
           am_context_name(r->context), am_cli_term_text(&b, r->path), r->line,
           r->platform ? "  for " : "", am_cli_term_text(&c, r->platform));
  }
  if (scan->nunresolved > 0) {
    printf("\nUNRESOLVED (%zu)\n", scan->nunresolved);
    for (size_t i = 0; i < scan->nunresolved; i++) {
      const am_unresolved *u = &scan->unresolved[i];

      printf("  %s", am_cli_term_text(&a, u->path));
      if (u->line > 0)
        printf(":%d", u->line);
      printf("  %s: %s\n", am_cli_term_text(&a, u->raw),
             am_cli_term_text(&b, u->reason));
    }
  }
  am_buf_free(&a);
  am_buf_free(&b);
  am_buf_free(&c);
}

/* The scan as JSON on stdout, written without building a jansson tree. A
 * write error is reported when main flushes stdout. */
static int print_scan_json(const am_scan *scan) {
  am_buf text;
  int rc = AM_EXIT_OK;

  am_buf_init(&text, 0);
  if (am_scan_write_json(scan, &text, 2) != AM_OK ||
      am_buf_append(&text, "\n", 1) != AM_OK) {
    am_cli_error("out of memory writing JSON");
    rc = AM_EXIT_FAILURE;
  } else {
    am_cli_write_stdout(text.data, text.len);
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
