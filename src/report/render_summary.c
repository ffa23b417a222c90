/* SPDX-License-Identifier: MIT */
/* summary.md: the per-platform table, the next ports and the regressions,
 * to paste in a pull request or a CI job summary. */
#include "report/render.h"

#include <stdlib.h>

/* How many images of each priority group the summary names. */
#define AM_SUMMARY_GROUP_ITEMS 10

int am_render_summary(const am_render *r, am_err *err) {
  const am_model *m = r->m;
  am_tpl_dict *d = am_tpl_dict_new("summary");
  int rc = AM_OK;

  if (d == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  am_tpl_set(d, "SITE_TITLE", r->title);
  am_tpl_set(d, "GENERATED_AT", m->generated_at);
  am_tpl_set_int(d, "NTARGETS", (long)m->ntargets);
  am_tpl_set_int(d, "NUSED", (long)(m->nrows - m->ntargets));
  am_tpl_set(d, "PRIORITY", m->columns.v[m->priority]);
  for (size_t s = 0; s < m->nscans; s++) {
    am_tpl_dict *src = am_tpl_section(d, "SOURCE");

    am_tpl_set(src, "URL", m->scans[s].url);
    am_tpl_setf(src, "COMMIT", "%.12s",
                m->scans[s].commit ? m->scans[s].commit : "");
  }
  for (size_t c = 0; c < m->columns.len; c++)
    am_render_platform_totals(r, d, c);
  am_render_groups(r, d, m->priority, AM_SUMMARY_GROUP_ITEMS, "");
  am_render_changes(r, d);
  rc = am_render_emit(r, "summary.md.tpl", d, "summary.md", err);
  am_tpl_dict_free(d);
  return rc;
}
