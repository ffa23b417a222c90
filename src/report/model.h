/* SPDX-License-Identifier: MIT */
/* The coverage model the analysis builds and every renderer reads. Internal
 * to src/report. */
#ifndef AM_REPORT_MODEL_H
#define AM_REPORT_MODEL_H

#include "registry/registry.h"
#include "report/report.h"
#include "scan/scan.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/platform.h"
#include "util/strmap.h"
#include "util/strv.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The state of one image on one platform (DESIGN.md, "Cell states"). The
 * order is the sort order of a column: best first. */
typedef enum am_cell_state {
  AM_CELL_PUBLISHED,
  AM_CELL_DECLARED,
  AM_CELL_PORTABLE,
  AM_CELL_BLOCKED,
  AM_CELL_MISSING,
  AM_CELL_UNKNOWN,
  AM_CELL_UNUSED, /* a used image no reference needs on this platform */
  AM_CELL_NSTATES
} am_cell_state;

/* One cell. Strings borrowed from the inputs unless said otherwise. */
typedef struct am_cell {
  am_cell_state state;
  const char *base;   /* the base that has (portable) or lacks (blocked) it */
  char *note;         /* owned: why unknown, or what is still missing */
  const char *digest; /* the platform manifest, when published */
  char *os_versions;  /* owned: Windows builds published, comma-separated */
} am_cell;

/* A reference naming a row's image, and the scan it is in. */
typedef struct am_row_ref {
  const am_scan *scan;
  const am_reference *ref;
} am_row_ref;

/* True when two references are the same line of the same file of one
 * source: one place, however many platforms the line builds. */
bool am_row_ref_same_place(const am_row_ref *a, const am_row_ref *b);

/* One row of the matrix: an image built here (target) or only used. */
typedef struct am_row {
  const char *image;
  bool target;
  const am_target *t;     /* NULL for a used image */
  const am_scan *scan;    /* the scan the target came from, or NULL */
  const am_image *answer; /* the registry's answer, or NULL */
  size_t uses;            /* places naming the image: file lines, all sources */
  size_t nrefs;           /* references naming it (a line may build several
                             platforms, each its own reference) */
  am_row_ref *refs;       /* owned: those `nrefs` references, in scan order */
  am_cell *cells;         /* one per column */
  char *page;             /* owned: "images/<slug>-<hash>.html" */
} am_row;

/* Per platform counts, indexed by am_cell_state. */
typedef struct am_totals {
  size_t targets[AM_CELL_NSTATES];
  size_t ntargets;
  size_t used[AM_CELL_NSTATES];
  size_t nused;
} am_totals;

/* One group of the port priorities of a platform. */
typedef struct am_prio_group {
  am_cell_state state; /* portable, declared or blocked */
  const char *base;    /* the blocking base (blocked only) */
  size_t *rows;        /* indexes into model rows, in priority order */
  size_t nrows;
} am_prio_group;

typedef struct am_prio {
  am_prio_group *groups;
  size_t ngroups;
} am_prio;

/* A cell that changed since the previous run. */
typedef struct am_change {
  char *image;
  char *platform;
  char *was; /* the previous state's name */
  char *now;
} am_change;

typedef struct am_changes {
  bool has_previous;
  char *previous_at; /* generated_at of the previous run */
  am_change *published, *lost;
  size_t npublished, nlost;
  am_strv added, removed;
} am_changes;

/* One kept run, for the trend: published targets per current column. */
typedef struct am_run {
  char *generated_at;
  char *file;      /* "history/<name>.json" */
  long *published; /* -1 when that run had no such column */
  long *total;
  long *unknown; /* target cells the registry could not answer for */
} am_run;

/* Everything the site shows. Inputs are borrowed and must outlive it. */
typedef struct am_model {
  const am_scan *scans;
  size_t nscans;
  const am_image *images;
  size_t nimages;
  am_strv columns;    /* normalised platform strings */
  am_platform *cols;  /* parsed */
  size_t priority;    /* column index of the priority platform */
  char *generated_at; /* owned copy */
  am_row *rows;       /* targets first, then used images, each by name */
  size_t nrows, ntargets;
  am_totals *totals; /* one per column */
  am_prio *prios;    /* one per column */
  am_changes changes;
  am_run *runs; /* kept runs oldest first; the last one is this run */
  size_t nruns;
  am_strmap row_index;   /* image → index in rows */
  am_strmap image_index; /* image → index in images (the first answer) */
} am_model;

/* The printed name of a state ("published", ...). */
const char *am_cell_state_name(am_cell_state state);

/* The state called `name`, or -1. */
int am_cell_state_parse(const char *name);

/*
 * Build the model: cells, totals and priorities. `columns` are platform
 * strings (normalised here); the priority platform is added as a column
 * when it is not one. The inputs must outlive the model.
 */
int am_model_build(am_model *m, const am_scan *scans, size_t nscans,
                   const am_image *images, size_t nimages,
                   const am_report_opts *opts, am_err *err);

/*
 * Compare with the previous run's data.json document (may be NULL). A cell
 * unknown now is no change; one unknown last time is compared with the
 * newest of the earlier runs' `docs` (oldest first) that knew its state.
 */
int am_model_diff(am_model *m, const json_t *previous, json_t *const *docs,
                  size_t ndocs, am_err *err);

/* Record the kept runs for the trend: `docs` are earlier data.json
 * documents oldest first, named by `files`; this run is `current_file`. */
int am_model_set_runs(am_model *m, json_t *const *docs,
                      const char *const *files, size_t n,
                      const char *current_file, am_err *err);

/* Free the model. NULL is fine. */
void am_model_free(am_model *m);

/* The row of `image`, or NULL. */
const am_row *am_model_find_row(const am_model *m, const char *image);

/* The registry answer for `image`, or NULL. */
const am_image *am_model_find_image(const am_model *m, const char *image);

/* Percent of targets published on column `col` (rounded down), or -1 when
 * there are no targets. */
int am_model_coverage(const am_model *m, size_t col);

/* A safe file name for `s`: lowercase [a-z0-9.-], at most 60 bytes, and
 * with `hash` the first 8 hex digits of its sha256. Owned by the caller. */
char *am_report_slug(const char *s, bool hash);

/* The printed names of contexts and statuses, and back; our own tables so
 * the report does not need the scan and registry modules linked. */
const char *am_report_context_name(am_context ctx);
int am_report_context_parse(const char *name);
const char *am_report_status_name(am_image_status status);
int am_report_status_parse(const char *name);

/* The analysis part of data.json (docs/data-json.md), as a tree. NULL
 * when memory runs out. */
json_t *am_model_analysis_json(const am_model *m);

/*
 * Append the whole data.json document to `out`, two-space indented as
 * docs/data-json.md shows it. Returns 0, AM_ENOMEM, or AM_EINVALID when a
 * platform name is not UTF-8.
 */
int am_model_data_write(const am_model *m, am_buf *out);

#endif
