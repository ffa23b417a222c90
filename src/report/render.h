/* SPDX-License-Identifier: MIT */
/* What every renderer shares: the model, the templates and the site being
 * written. One renderer per file (render_*.c). Internal to src/report. */
#ifndef AM_REPORT_RENDER_H
#define AM_REPORT_RENDER_H

#include "report/model.h"
#include "report/publish.h"
#include "report/tpl.h"

typedef struct am_render {
  const am_model *m;
  am_tpl *tpl;
  am_site *site;
  const am_report_opts *opts;
  const char *title;
} am_render;

/*
 * A page dictionary with the shared head and foot included. `root` is the
 * way back to the site root ("" or "../"); `nav` names the current section
 * ("overview", "trend", "image", "platform").
 */
am_tpl_dict *am_render_page_dict(const am_render *r, const char *page_title,
                                 const char *root, const char *nav);

/* Expand `tpl_file` with `dict` and write it to `relpath` in the site. */
int am_render_emit(const am_render *r, const char *tpl_file,
                   const am_tpl_dict *dict, const char *relpath, am_err *err);

/* Set the values a cell shows: STATE, SYMBOL, WORD, RANK, DETAIL, HINT. */
void am_render_cell(am_tpl_dict *d, const am_cell *c);

/* Set IMAGE, IMAGE_PREFIX, IMAGE_NAME and PAGE (relative to `root`). */
void am_render_image_name(am_tpl_dict *d, const char *image, const char *page,
                          const char *root);

/* The name of an image without its registry and repository path. */
const char *am_render_short_name(const char *image);

/* The symbol of a state; text, never colour alone. */
const char *am_render_symbol(am_cell_state s);

/*
 * A link to `path` at `line` of `commit` when `url` is a GitHub or GitLab
 * repository, or NULL. Owned by the caller.
 */
char *am_render_source_link(const char *url, const char *commit,
                            const char *path, int line);

/* "platforms/<slug>.html" and "badges/<slug>.svg" names of a column. */
char *am_render_platform_page(const char *platform);
char *am_render_badge_file(const char *platform);

/* A PLATFORM section of `d` with column `c`'s name, coverage and target
 * totals, marked IS_PRIORITY for the priority column. */
am_tpl_dict *am_render_platform_totals(const am_render *r, am_tpl_dict *d,
                                       size_t c);

/* USES (the number), USES_TEXT ("1 use", "3 uses") and PLACES_TEXT
 * ("1 place") of an image. */
void am_render_uses(am_tpl_dict *d, size_t uses);

/* The CHANGES section of `d` with the counts against the previous run, or
 * NULL (and no section) on a first run. */
am_tpl_dict *am_render_changes_head(const am_render *r, am_tpl_dict *d);

/* That section, and in it a LOST_ANY section listing (LOST) each platform
 * an image no longer publishes. */
void am_render_changes(const am_render *r, am_tpl_dict *d);

/* The priority groups of column `col` into GROUP sections of `d`, each
 * cut to `limit` images (0: all); links relative to `root`. */
void am_render_groups(const am_render *r, am_tpl_dict *d, size_t col,
                      size_t limit, const char *root);

/*
 * The image pages, rendered on every CPU: am_render_pages_start starts
 * threads that render them while the caller writes the other pages, and
 * am_render_pages_finish has the caller join in until all are written, then
 * waits for the threads and frees `p`. With `abandon` (the caller failed)
 * the threads stop after their current page and nothing is reported;
 * otherwise the first failure is returned in `err`.
 */
typedef struct am_render_pages am_render_pages;
int am_render_pages_start(am_render_pages **p, const am_render *r);
int am_render_pages_finish(am_render_pages *p, bool abandon, am_err *err);

/* The renderers. */
int am_render_index(const am_render *r, am_err *err);
int am_render_platforms(const am_render *r, am_err *err);
int am_render_trend(const am_render *r, am_err *err);
int am_render_csv(const am_render *r, am_err *err);
int am_render_summary(const am_render *r, am_err *err);
int am_render_badges(const am_render *r, am_err *err);

#endif
