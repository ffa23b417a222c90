/* SPDX-License-Identifier: MIT */
/* trend.html: coverage per platform over the kept runs as an inline SVG
 * chart drawn by the template, the numbers as a table, and the changes
 * since the previous run. */
#include "report/render.h"

#include <stdlib.h>
#include <string.h>

/* The chart's geometry, in SVG user units. */
enum {
  CHART_W = 720,
  CHART_H = 260,
  PAD_L = 44,
  PAD_R = 16,
  PAD_T = 14,
  PAD_B = 34
};

static double run_x(size_t i, size_t n) {
  double w = CHART_W - PAD_L - PAD_R;

  return n < 2 ? PAD_L + w / 2 : PAD_L + w * (double)i / (double)(n - 1);
}

static double pct_y(double pct) {
  return PAD_T + (CHART_H - PAD_T - PAD_B) * (100.0 - pct) / 100.0;
}

/* Series styles (colour and dash) in assets/style.css: c0 … c11. */
#define AM_TREND_STYLES 12

/* An axis label for an ISO 8601 time: its date, or its month, day and
 * time when several runs fall on one day. */
static void time_label(am_tpl_dict *d, const char *at, bool with_time) {
  if (with_time && strlen(at) >= 16)
    am_tpl_setf(d, "LABEL", "%.5s %.5s", at + 5, at + 11);
  else
    am_tpl_setf(d, "LABEL", "%.10s", at);
}

/* True when two kept runs share a date. */
static bool runs_share_a_day(const am_model *m) {
  for (size_t i = 1; i < m->nruns; i++) {
    if (strncmp(m->runs[i - 1].generated_at, m->runs[i].generated_at, 10) == 0)
      return true;
  }
  return false;
}

/* A run whose registry could not answer for most of a platform's images
 * says little about its coverage: the chart leaves it out, the table
 * shows it. */
static bool run_plotted(const am_run *run, size_t c) {
  return run->total[c] > 0 && run->unknown[c] * 2 <= run->total[c];
}

static void fill_chart(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;
  bool with_time = runs_share_a_day(m);

  am_tpl_set_int(d, "W", CHART_W);
  am_tpl_set_int(d, "H", CHART_H);
  am_tpl_set_int(d, "NRUNS", (long)m->nruns);
  if (m->nruns == 1)
    am_tpl_set(d, "RUNS_TEXT", "this one run");
  else
    am_tpl_setf(d, "RUNS_TEXT", "the last %zu runs", m->nruns);
  for (int g = 0; g <= 100; g += 25) {
    am_tpl_dict *gd = am_tpl_section(d, "GRID");

    am_tpl_set_int(gd, "X1", PAD_L);
    am_tpl_set_int(gd, "X2", CHART_W - PAD_R);
    am_tpl_setf(gd, "Y", "%.1f", pct_y(g));
    am_tpl_set_int(gd, "LX", PAD_L - 6);
    am_tpl_setf(gd, "LY", "%.1f", pct_y(g) + 4);
    am_tpl_set_int(gd, "LABEL", g);
  }
  for (size_t i = 0; i < m->nruns; i++) {
    am_tpl_dict *xd = NULL;

    /* First, last and about five between, so labels never collide. */
    if (i != 0 && i + 1 != m->nruns && i % ((m->nruns + 4) / 5) != 0)
      continue;
    xd = am_tpl_section(d, "XLABEL");
    am_tpl_setf(xd, "X", "%.1f", run_x(i, m->nruns));
    am_tpl_set_int(xd, "Y", CHART_H - 12);
    am_tpl_set(xd, "ANCHOR",
               m->nruns < 2        ? "middle"
               : i == 0            ? "start"
               : i + 1 == m->nruns ? "end"
                                   : "middle");
    time_label(xd, m->runs[i].generated_at, with_time);
  }
  for (size_t c = 0; c < m->columns.len; c++) {
    am_tpl_dict *sd = am_tpl_section(d, "SERIES");
    am_buf points;
    long last = -1;

    am_buf_init(&points, 0);
    am_tpl_set_int(sd, "INDEX", (long)(c % AM_TREND_STYLES));
    am_tpl_set(sd, "PLATFORM", m->columns.v[c]);
    for (size_t i = 0; i < m->nruns; i++) {
      const am_run *run = &m->runs[i];
      am_tpl_dict *pd = NULL;
      double pct = 0;

      if (!run_plotted(run, c))
        continue;
      pct = 100.0 * (double)run->published[c] / (double)run->total[c];
      last = (long)pct;
      am_buf_printf(&points, "%s%.1f,%.1f", points.len ? " " : "",
                    run_x(i, m->nruns), pct_y(pct));
      pd = am_tpl_section(sd, "POINT");
      am_tpl_setf(pd, "X", "%.1f", run_x(i, m->nruns));
      am_tpl_setf(pd, "Y", "%.1f", pct_y(pct));
      am_tpl_set_int(pd, "PCT", (long)pct);
      am_tpl_set(pd, "AT", run->generated_at);
      am_tpl_set(pd, "PLATFORM", m->columns.v[c]);
    }
    am_tpl_set(sd, "POINTS", points.data ? points.data : "");
    if (last >= 0)
      am_tpl_setf(sd, "LAST", "%ld%%", last);
    else
      am_tpl_set(sd, "LAST", "n/a");
    am_buf_free(&points);
  }
}

static void fill_runs(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;

  for (size_t c = 0; c < m->columns.len; c++)
    am_tpl_set(am_tpl_section(d, "COL"), "PLATFORM", m->columns.v[c]);
  /* Newest first: the table is read from the top. */
  for (size_t i = m->nruns; i-- > 0;) {
    am_tpl_dict *rd = am_tpl_section(d, "RUN");

    am_tpl_set(rd, "AT", m->runs[i].generated_at);
    am_tpl_set(rd, "FILE", m->runs[i].file);
    for (size_t c = 0; c < m->columns.len; c++) {
      am_tpl_dict *v = am_tpl_section(rd, "VAL");

      if (m->runs[i].total[c] < 0)
        am_tpl_set(v, "TEXT", "–");
      else if (m->runs[i].unknown[c] > 0)
        am_tpl_setf(v, "TEXT", "%ld / %ld (%ld unknown)",
                    m->runs[i].published[c], m->runs[i].total[c],
                    m->runs[i].unknown[c]);
      else
        am_tpl_setf(v, "TEXT", "%ld / %ld", m->runs[i].published[c],
                    m->runs[i].total[c]);
    }
  }
}

static void fill_change_list(const am_model *m, am_tpl_dict *d,
                             const char *section, const am_change *list,
                             size_t n) {
  for (size_t i = 0; i < n; i++) {
    am_tpl_dict *l = am_tpl_section(d, section);
    const am_row *row = am_model_find_row(m, list[i].image);

    am_render_image_name(l, list[i].image, row ? row->page : NULL, "");
    am_tpl_set(l, "PLATFORM", list[i].platform);
    am_tpl_set(l, "WAS", list[i].was);
    am_tpl_set(l, "NOW", list[i].now);
  }
}

static void fill_changes(const am_render *r, am_tpl_dict *d) {
  const am_model *m = r->m;
  const am_changes *ch = &m->changes;
  am_tpl_dict *c = am_render_changes_head(r, d);

  if (c == NULL) {
    am_tpl_show(d, "NO_PREVIOUS");
    return;
  }
  am_tpl_show_if(c, "NO_LOST", ch->nlost == 0);
  fill_change_list(m, c, "LOST", ch->lost, ch->nlost);
  fill_change_list(m, c, "PUBLISHED", ch->published, ch->npublished);
  for (size_t i = 0; i < ch->added.len; i++) {
    const am_row *row = am_model_find_row(m, ch->added.v[i]);

    am_render_image_name(am_tpl_section(c, "ADDED"), ch->added.v[i],
                         row ? row->page : NULL, "");
  }
  for (size_t i = 0; i < ch->removed.len; i++)
    am_tpl_set(am_tpl_section(c, "REMOVED"), "IMAGE", ch->removed.v[i]);
}

int am_render_trend(const am_render *r, am_err *err) {
  am_tpl_dict *d = am_render_page_dict(r, "Trend", "", "trend");
  int rc = AM_OK;

  if (d == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  fill_chart(r, d);
  fill_runs(r, d);
  fill_changes(r, d);
  rc = am_render_emit(r, "trend.html.tpl", d, "trend.html", err);
  am_tpl_dict_free(d);
  return rc;
}
