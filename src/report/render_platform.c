/* SPDX-License-Identifier: MIT */
/* platforms/<platform>.html: one page per matrix column listing what is
 * missing there, in port priority order. */
#include "report/render.h"

#include <stdlib.h>

static void fill_lists(const am_render *r, am_tpl_dict *d, size_t col) {
  const am_model *m = r->m;
  am_tpl_dict *unknown = NULL, *used = NULL, *published = NULL;
  size_t npublished = 0;

  for (size_t i = 0; i < m->nrows; i++) {
    const am_row *row = &m->rows[i];
    const am_cell *cell = &row->cells[col];
    am_tpl_dict *item = NULL;

    if (cell->state == AM_CELL_UNKNOWN && row->target) {
      if (unknown == NULL)
        unknown = am_tpl_section(d, "UNKNOWN_ANY");
      item = am_tpl_section(unknown, "UNKNOWN");
      am_tpl_set(item, "NOTE", cell->note);
    } else if (cell->state == AM_CELL_MISSING) {
      if (used == NULL)
        used = am_tpl_section(d, "USED_MISSING_ANY");
      item = am_tpl_section(used, "USED_MISSING");
    } else if (cell->state == AM_CELL_PUBLISHED && row->target) {
      if (published == NULL)
        published = am_tpl_section(d, "PUBLISHED_ANY");
      item = am_tpl_section(published, "PUBLISHED");
      npublished++;
    }
    if (item != NULL) {
      am_render_image_name(item, row->image, row->page, "../");
      am_render_uses(item, row->uses);
    }
  }
  if (published != NULL)
    am_tpl_set_int(published, "N_PUBLISHED", (long)npublished);
}

static int render_one(const am_render *r, size_t col, am_err *err) {
  const am_model *m = r->m;
  const am_totals *t = &m->totals[col];
  const char *platform = m->columns.v[col];
  am_tpl_dict *d = am_render_page_dict(r, platform, "../", "platform");
  char *page = am_render_platform_page(platform);
  char *badge = am_render_badge_file(platform);
  int cov = am_model_coverage(m, col);
  int rc = AM_OK;

  if (d == NULL || page == NULL || badge == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  am_tpl_set(d, "PLATFORM", platform);
  am_tpl_set(d, "BADGE", badge);
  am_tpl_show_if(d, "IS_PRIORITY", col == m->priority);
  if (cov < 0)
    am_tpl_set(d, "COVERAGE_TEXT", "none");
  else
    am_tpl_setf(d, "COVERAGE_TEXT", "%d%%", cov);
  am_tpl_set_int(d, "NTARGETS", (long)t->ntargets);
  am_tpl_set_int(d, "T_PUBLISHED", (long)t->targets[AM_CELL_PUBLISHED]);
  am_tpl_set_int(d, "T_DECLARED", (long)t->targets[AM_CELL_DECLARED]);
  am_tpl_set_int(d, "T_PORTABLE", (long)t->targets[AM_CELL_PORTABLE]);
  am_tpl_set_int(d, "T_BLOCKED", (long)t->targets[AM_CELL_BLOCKED]);
  am_tpl_set_int(d, "T_UNKNOWN", (long)t->targets[AM_CELL_UNKNOWN]);
  am_render_groups(r, d, col, 0, "../");
  fill_lists(r, d, col);
  rc = am_render_emit(r, "platform.html.tpl", d, page, err);

done:
  free(page);
  free(badge);
  am_tpl_dict_free(d);
  return rc;
}

int am_render_platforms(const am_render *r, am_err *err) {
  int rc = AM_OK;

  for (size_t c = 0; rc == AM_OK && c < r->m->columns.len; c++)
    rc = render_one(r, c, err);
  return rc;
}
