/* SPDX-License-Identifier: MIT */
/* badges/<platform>.svg: a small "platform | coverage" badge per column,
 * for a README. */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

/* Verdana at 11px averages about 7 units a character: enough to size the
 * two halves without measuring text. */
static long text_width(const char *s) {
  long n = 0;

  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p & 0xC0) != 0x80)
      n++;
  }
  return 10 + 7 * n;
}

static int render_one(const am_render *r, size_t col, am_err *err) {
  const am_model *m = r->m;
  am_tpl_dict *d = am_tpl_dict_new("badge");
  char *file = am_render_badge_file(m->columns.v[col]);
  int cov = am_model_coverage(m, col);
  char value[16];
  long lw = 0, vw = 0;
  int rc = AM_OK;

  if (d == NULL || file == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if (cov < 0)
    snprintf(value, sizeof(value), "n/a");
  else
    snprintf(value, sizeof(value), "%d%%", cov);
  lw = text_width(m->columns.v[col]);
  vw = text_width(value);
  am_tpl_set(d, "LABEL", m->columns.v[col]);
  am_tpl_set(d, "VALUE", value);
  am_tpl_set_int(d, "W", lw + vw);
  am_tpl_set_int(d, "LW", lw);
  am_tpl_set_int(d, "VW", vw);
  am_tpl_setf(d, "LX", "%.1f", (double)lw / 2);
  am_tpl_setf(d, "VX", "%.1f", (double)lw + (double)vw / 2);
  /* Dark enough behind white text to read: green, amber, red, grey. */
  am_tpl_set(d, "COLOR",
             cov < 0     ? "#6b6b6b"
             : cov >= 90 ? "#2e7d32"
             : cov >= 50 ? "#a15c00"
                         : "#c62828");
  rc = am_render_emit(r, "badge.svg.tpl", d, file, err);

done:
  free(file);
  am_tpl_dict_free(d);
  return rc;
}

int am_render_badges(const am_render *r, am_err *err) {
  int rc = AM_OK;

  for (size_t c = 0; rc == AM_OK && c < r->m->columns.len; c++)
    rc = render_one(r, c, err);
  return rc;
}
