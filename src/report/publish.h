/* SPDX-License-Identifier: MIT */
/* Writing a site into a sibling temporary folder and renaming it into
 * place only when complete. Internal to src/report. */
#ifndef AM_REPORT_PUBLISH_H
#define AM_REPORT_PUBLISH_H

#include "report/report.h"
#include "util/err.h"
#include "util/strv.h"

#include <stddef.h>

/* A site being written. */
typedef struct am_site {
  char *final; /* the folder readers see */
  char *tmp;   /* where this run writes */
  int (*on_file)(const char *relpath, void *ud);
  void *on_file_ud;
  size_t nfiles;
  am_strv dirs; /* folders made inside tmp, relative to it */
} am_site;

/*
 * Start a new site for `out_dir`: create the temporary sibling folder and
 * remove those that runs which died left behind. Refuses to go on when
 * `out_dir` exists, is not empty and holds no data.json, so a wrong -o
 * never replaces someone's folder.
 */
int am_site_begin(am_site *site, const char *out_dir,
                  const am_report_opts *opts, am_err *err);

/* Write `len` bytes to `relpath` inside the new site, creating folders.
 * Safe to call from several threads at once. */
int am_site_write(am_site *site, const char *relpath, const void *data,
                  size_t len, am_err *err);

/* Copy the regular file `src` to `relpath` inside the new site. */
int am_site_copy(am_site *site, const char *relpath, const char *src,
                 am_err *err);

/* Put the regular file `src` at `relpath` inside the new site as a hard
 * link, or as a copy where the filesystem cannot link it. The file is
 * shared, not duplicated: neither copy may be written afterwards. */
int am_site_link(am_site *site, const char *relpath, const char *src,
                 am_err *err);

/* Put the new site in place of the old one, atomically, and remove the
 * old one. On failure the old site is untouched and the new one removed. */
int am_site_commit(am_site *site, am_err *err);

/* Abandon the new site (remove it). Safe after commit and on NULL. */
void am_site_abort(am_site *site);

#endif
