/* SPDX-License-Identifier: MIT */
/* coverage.csv: one row per image, one column per platform holding the
 * cell's state alone (so a spreadsheet can filter on it), and a last
 * column of notes: what blocks a cell, why one is unknown (RFC 4180). */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

/* One CSV field: quoted when it holds a separator, quote or line break,
 * and prefixed with ' when a spreadsheet would take it for a formula. */
static void csv_field(am_buf *out, const char *s, bool first) {
  bool quote = strpbrk(s, ",\"\r\n") != NULL;

  if (!first)
    am_buf_puts(out, ",");
  if (quote)
    am_buf_puts(out, "\"");
  if (strchr("=+-@\t\r", s[0]) != NULL && s[0] != '\0')
    am_buf_puts(out, "'");
  for (const char *p = s; *p; p++)
    am_buf_append(out, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
  if (quote)
    am_buf_puts(out, "\"");
}

int am_render_csv(const am_render *r, am_err *err) {
  const am_model *m = r->m;
  am_buf out;
  int rc = AM_OK;

  am_buf_init(&out, 0);
  csv_field(&out, "image", true);
  csv_field(&out, "kind", false);
  csv_field(&out, "uses", false);
  for (size_t c = 0; c < m->columns.len; c++)
    csv_field(&out, m->columns.v[c], false);
  csv_field(&out, "notes", false);
  am_buf_puts(&out, "\r\n");
  for (size_t i = 0; i < m->nrows; i++) {
    const am_row *row = &m->rows[i];
    char uses[24];
    am_buf notes;

    am_buf_init(&notes, 0);
    snprintf(uses, sizeof(uses), "%zu", row->uses);
    csv_field(&out, row->image, true);
    csv_field(&out, row->target ? "target" : "used", false);
    csv_field(&out, uses, false);
    for (size_t c = 0; c < m->columns.len; c++) {
      const am_cell *cell = &row->cells[c];
      const char *sep = notes.len ? "; " : "";

      csv_field(&out, am_cell_state_name(cell->state), false);
      if (cell->state == AM_CELL_BLOCKED && cell->base != NULL)
        am_buf_printf(&notes, "%s%s: blocked by %s", sep, m->columns.v[c],
                      cell->base);
      else if (cell->state == AM_CELL_UNKNOWN && cell->note != NULL)
        am_buf_printf(&notes, "%s%s: %s", sep, m->columns.v[c], cell->note);
    }
    csv_field(&out, notes.data ? notes.data : "", false);
    am_buf_free(&notes);
    am_buf_puts(&out, "\r\n");
  }
  if (out.data == NULL)
    rc = am_err_set(err, AM_ENOMEM, "coverage.csv: out of memory");
  else
    rc = am_site_write(r->site, "coverage.csv", out.data, out.len, err);
  am_buf_free(&out);
  return rc;
}
