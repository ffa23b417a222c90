/* SPDX-License-Identifier: MIT */
/* The analyze and render stages: coverage model, data.json and the site. */
#ifndef AM_REPORT_REPORT_H
#define AM_REPORT_REPORT_H

#include "registry/registry.h"
#include "scan/scan.h"
#include "util/err.h"

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

#endif
