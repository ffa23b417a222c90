/* SPDX-License-Identifier: MIT */
/* The analyze and render stages: coverage model, data.json and the site. */
#ifndef AM_REPORT_REPORT_H
#define AM_REPORT_REPORT_H

#include "registry/registry.h"
#include "scan/scan.h"
#include "util/err.h"

#include <jansson.h>
#include <stddef.h>

/* Options for writing a site. */
typedef struct am_report_opts {
  const char *out_dir;          /* the site folder, default "site" */
  const char *templates_dir;    /* where the ctemplate files are */
  const char *assets_dir;       /* copied into the site */
  const char *const *platforms; /* matrix columns */
  size_t nplatforms;
  const char *priority_platform; /* default "linux/arm64" */
  int keep_runs;                 /* history kept, default 30 */
  const char *generated_at;      /* ISO 8601 time of the run */
  const char *title;             /* site title, default "archmatrix" */
  /* Called after each file of the new site is written (path relative to
   * the site); a non-zero return abandons the run, leaving the previous
   * site in place. May be NULL. */
  int (*on_file)(const char *relpath, void *ud);
  void *on_file_ud;
} am_report_opts;

/*
 * Analyse the scans (one per source) and the registry answers for their
 * images, and write the site (data.json, index.html, assets) into
 * opts->out_dir, replacing the previous site only when the new one is
 * complete.
 */
int am_report_write(const am_scan *scans, size_t nscans, const am_image *images,
                    size_t nimages, const am_report_opts *opts, am_err *err);

/*
 * Build one site from several runs' data.json files (one per shard), as if
 * they had been one run, into opts->out_dir.
 */
int am_report_merge(const char *const *data_files, size_t nfiles,
                    const am_report_opts *opts, am_err *err);

/*
 * Read one `scan --format json` document (or one entry of data.json's
 * "sources") into `scan`, which is overwritten. On failure `scan` holds
 * what was read so far; free it with am_report_free_scan either way.
 */
int am_report_load_scan(am_scan *scan, const json_t *doc, am_err *err);

/*
 * Read the "images" array of a `resolve --format json` document (or of
 * data.json) into a new array of `*n` results (free with
 * am_report_free_images). NULL `images` gives an empty array.
 */
int am_report_load_images(am_image **out, size_t *n, const json_t *images,
                          am_err *err);

/*
 * Read the "sources" and "images" of a data.json document into new arrays.
 * On failure the arrays hold what was read; free them with
 * am_report_free_data either way.
 */
int am_report_load_data(const json_t *doc, am_scan **scans, size_t *nscans,
                        am_image **images, size_t *nimages, am_err *err);

/* Free what am_report_load_data allocated. NULLs are fine. */
void am_report_free_data(am_scan *scans, size_t nscans, am_image *images,
                         size_t nimages);

/* Free what am_report_load_scan allocated and zero `scan`. NULL is fine. */
void am_report_free_scan(am_scan *scan);

/* Free what am_report_load_images allocated. NULL is fine. */
void am_report_free_images(am_image *images, size_t n);

#endif
