/* SPDX-License-Identifier: MIT */
/* index.html: the summary per platform, the next ports, the changes since
 * the previous run and the matrix. */
#include "report/render.h"

#include <stdlib.h>

/* How many images of a priority group the overview lists before pointing
 * to the platform page. */
#define AM_INDEX_GROUP_ITEMS 8

static void fill_summary(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;

  for (size_t c = 0; c < m->columns.len; c++) {
    const am_totals *t = &m->totals[c];
    am_tpl_dict *p = am_render_platform_totals(r, d, c);
    char *page = am_render_platform_page(m->columns.v[c]);

    am_tpl_set(p, "PLATFORM_PAGE", page);
    am_tpl_set_int(p, "U_PUBLISHED", (long)t->used[AM_CELL_PUBLISHED]);
    am_tpl_set_int(p, "U_MISSING", (long)t->used[AM_CELL_MISSING]);
    am_tpl_set_int(p, "U_UNKNOWN", (long)t->used[AM_CELL_UNKNOWN]);
    free(page);
  }
}

void am_render_groups(const am_render *r, am_tpl_dict *d, size_t col,
                      size_t limit, const char *root) {
  const am_model *m = r->m;
  const am_prio *p = &m->prios[col];

  size_t unknown = m->totals[col].targets[AM_CELL_UNKNOWN];

  /* Nothing to port is only said when the registry answered for every
   * image: an unknown cell may well be one. */
  if (p->ngroups == 0 && unknown == 0)
    am_tpl_show(d, "NO_PORTS");
  else if (p->ngroups == 0)
    am_tpl_setf(am_tpl_section(d, "NO_PORTS_UNKNOWN"), "UNKNOWN_TEXT",
                unknown == 1 ? "%zu image" : "%zu images", unknown);
  for (size_t g = 0; g < p->ngroups; g++) {
    const am_prio_group *pg = &p->groups[g];
    am_tpl_dict *gd = am_tpl_section(d, "GROUP");
    size_t shown = limit && pg->nrows > limit ? limit : pg->nrows;

    am_tpl_set(gd, "STATE", am_cell_state_name(pg->state));
    am_tpl_set(gd, "SYMBOL", am_render_symbol(pg->state));
    am_tpl_set_int(gd, "COUNT", (long)pg->nrows);
    am_tpl_set(gd, "BASE", pg->base);
    am_tpl_show(gd, pg->state == AM_CELL_PORTABLE   ? "PORTABLE"
                    : pg->state == AM_CELL_DECLARED ? "DECLARED"
                                                    : "BLOCKED");
    for (size_t i = 0; i < shown; i++) {
      const am_row *row = &m->rows[pg->rows[i]];
      am_tpl_dict *item = am_tpl_section(gd, "ITEM");

      am_render_image_name(item, row->image, row->page, root);
      am_render_uses(item, row->uses);
    }
    if (shown < pg->nrows) {
      am_tpl_dict *more = am_tpl_section(gd, "MORE");

      am_tpl_set_int(more, "MORE_COUNT", (long)(pg->nrows - shown));
    }
  }
}

static void fill_rows(const am_render *r, am_tpl_dict *table, bool targets) {
  const am_model *m = r->m;

  for (size_t i = 0; i < m->nrows; i++) {
    const am_row *row = &m->rows[i];
    am_tpl_dict *rd = NULL;

    if (row->target != targets)
      continue;
    rd = am_tpl_section(table, "ROW");
    am_render_image_name(rd, row->image, row->page, "");
    am_tpl_set_int(rd, "USES", (long)row->uses);
    for (size_t c = 0; c < m->columns.len; c++) {
      am_tpl_dict *cd = am_tpl_section(rd, "CELL");

      am_tpl_set(cd, "PLATFORM", m->columns.v[c]);
      am_render_cell(cd, &row->cells[c]);
    }
  }
}

static void fill_unresolved(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;
  am_tpl_dict *any = NULL;
  size_t n = 0;

  for (size_t s = 0; s < m->nscans; s++)
    n += m->scans[s].nunresolved;
  if (n == 0)
    return;
  any = am_tpl_section(d, "UNRESOLVED_ANY");
  am_tpl_set_int(any, "N_UNRESOLVED", (long)n);
  for (size_t s = 0; s < m->nscans; s++) {
    const am_scan *scan = &m->scans[s];

    for (size_t i = 0; i < scan->nunresolved; i++) {
      const am_unresolved *u = &scan->unresolved[i];
      am_tpl_dict *ud = am_tpl_section(any, "UNRESOLVED");
      char *link =
          am_render_source_link(scan->url, scan->commit, u->path, u->line);

      am_tpl_set(ud, "PATH", u->path);
      am_tpl_set_int(ud, "LINE", u->line);
      am_tpl_set(ud, "RAW", u->raw);
      am_tpl_set(ud, "REASON", u->reason);
      am_tpl_set(ud, "LINK", link);
      am_tpl_show(ud, link ? "HAS_LINK" : "NO_LINK");
      free(link);
    }
  }
}

int am_render_index(const am_render *r, am_err *err) {
  const am_model *m = r->m;
  am_tpl_dict *d = am_render_page_dict(r, "Coverage", "", "overview");
  char *prio_page = NULL;
  size_t nused = m->nrows - m->ntargets;
  int rc = AM_OK;

  if (d == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  prio_page = am_render_platform_page(m->columns.v[m->priority]);
  am_tpl_set_int(d, "NTARGETS", (long)m->ntargets);
  am_tpl_set_int(d, "NUSED", (long)nused);
  am_tpl_set(d, "PRIORITY", m->columns.v[m->priority]);
  am_tpl_set(d, "PRIORITY_PAGE", prio_page);
  for (size_t c = 0; c < m->columns.len; c++)
    am_tpl_set(am_tpl_section(d, "COL"), "PLATFORM", m->columns.v[c]);

  fill_summary(r, d);
  am_render_groups(r, d, m->priority, AM_INDEX_GROUP_ITEMS, "");
  am_render_changes(r, d);
  am_tpl_show_if(d, "NO_TARGETS", m->ntargets == 0);
  am_tpl_show_if(d, "NO_USED", nused == 0);
  if (m->ntargets > 0)
    fill_rows(r, am_tpl_section(d, "TARGETS"), true);
  if (nused > 0)
    fill_rows(r, am_tpl_section(d, "USED"), false);
  fill_unresolved(r, d);

  rc = am_render_emit(r, "index.html.tpl", d, "index.html", err);
  free(prio_page);
  am_tpl_dict_free(d);
  return rc;
}
