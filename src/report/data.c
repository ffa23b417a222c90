/* SPDX-License-Identifier: MIT */
/* data.json: the scan, resolve and analysis documents of a run in one file,
 * the stable contract described in docs/data-json.md. */
#include "report/model.h"

#include "util/jsonw.h"

#include <string.h>

#define AM_DATA_SCHEMA_VERSION 1

/* The document is written as it is read, straight from the model: building
 * a jansson tree of a 5,000-image site, printing and freeing it cost three
 * times what writing the text does. The layout is json_dumps with
 * JSON_INDENT(2), byte for byte, and a key whose string value is absent or
 * not UTF-8 is left out, as jansson's setters leave it out. */

static void write_strv(am_jsonw *w, const am_strv *sv) {
  am_jsonw_array(w);
  for (size_t i = 0; i < sv->len; i++) {
    if (am_jsonw_utf8(sv->v[i]))
      am_jsonw_str(w, sv->v[i]);
  }
  am_jsonw_end_array(w);
}

/* True when every string is present and UTF-8: what json_pack needs. */
static bool all_utf8(const char *const *v, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (v[i] == NULL || !am_jsonw_utf8(v[i]))
      return false;
  }
  return true;
}

static const char *const context_names[] = {"from",   "copy-from", "mount-from",
                                            "syntax", "baseimage", "yaml",
                                            "compose"};

/* The printed name of a context; our own table so the report does not
 * depend on the scan module being linked. */
const char *am_report_context_name(am_context ctx) {
  if ((int)ctx < 0 ||
      (size_t)ctx >= sizeof(context_names) / sizeof(*context_names))
    return "from";
  return context_names[ctx];
}

int am_report_context_parse(const char *name) {
  for (size_t i = 0; name && i < sizeof(context_names) / sizeof(*context_names);
       i++) {
    if (strcmp(name, context_names[i]) == 0)
      return (int)i;
  }
  return -1;
}

static void write_scan(am_jsonw *w, const am_scan *scan) {
  am_jsonw_object(w);
  am_jsonw_key(w, "source");
  am_jsonw_object(w);
  am_jsonw_key_str(w, "url", scan->url);
  am_jsonw_key_str(w, "commit", scan->commit);
  am_jsonw_end_object(w);
  am_jsonw_key(w, "references");
  am_jsonw_array(w);
  for (size_t i = 0; i < scan->nrefs; i++) {
    const am_reference *r = &scan->refs[i];

    am_jsonw_object(w);
    am_jsonw_key_str(w, "image", r->image);
    am_jsonw_key_str(w, "raw", r->raw);
    am_jsonw_key_str(w, "path", r->path);
    am_jsonw_key_int(w, "line", r->line);
    am_jsonw_key_str(w, "context", am_report_context_name(r->context));
    am_jsonw_key_str(w, "platform", r->platform);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
  am_jsonw_key(w, "targets");
  am_jsonw_array(w);
  for (size_t i = 0; i < scan->ntargets; i++) {
    const am_target *t = &scan->targets[i];

    am_jsonw_object(w);
    am_jsonw_key_str(w, "image", t->image);
    am_jsonw_key_str(w, "dir", t->dir);
    am_jsonw_key(w, "declared");
    write_strv(w, &t->declared);
    am_jsonw_key(w, "bases");
    am_jsonw_object(w);
    for (size_t b = 0; b < t->nbases; b++) {
      if (t->bases[b].platform && t->bases[b].image)
        am_jsonw_key_str(w, t->bases[b].platform, t->bases[b].image);
    }
    am_jsonw_end_object(w);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
  am_jsonw_key(w, "unresolved");
  am_jsonw_array(w);
  for (size_t i = 0; i < scan->nunresolved; i++) {
    const am_unresolved *u = &scan->unresolved[i];

    am_jsonw_object(w);
    am_jsonw_key_str(w, "path", u->path);
    am_jsonw_key_int(w, "line", u->line);
    am_jsonw_key_str(w, "raw", u->raw);
    am_jsonw_key_str(w, "reason", u->reason);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
  am_jsonw_end_object(w);
}

static const char *const status_names[] = {"ok", "not_found", "unauthorized",
                                           "error"};

const char *am_report_status_name(am_image_status status) {
  if ((int)status < 0 || (size_t)status >= 4)
    return "error";
  return status_names[status];
}

int am_report_status_parse(const char *name) {
  for (int i = 0; name && i < 4; i++) {
    if (strcmp(name, status_names[i]) == 0)
      return i;
  }
  return -1;
}

static void write_image(am_jsonw *w, const am_image *img) {
  am_jsonw_object(w);
  am_jsonw_key_str(w, "image", img->image);
  am_jsonw_key_str(w, "status", am_report_status_name(img->status));
  am_jsonw_key_str(w, "digest", img->digest);
  am_jsonw_key_str(w, "media_type", img->media_type);
  am_jsonw_key(w, "platforms");
  am_jsonw_array(w);
  for (size_t p = 0; p < img->nplatforms; p++) {
    am_jsonw_object(w);
    am_jsonw_key_str(w, "platform", img->platforms[p].platform);
    am_jsonw_key_str(w, "os_version", img->platforms[p].os_version);
    am_jsonw_key_str(w, "digest", img->platforms[p].digest);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
  am_jsonw_key_str(w, "error", img->error);
  am_jsonw_end_object(w);
}

static void write_cell(am_jsonw *w, const am_cell *c) {
  am_jsonw_object(w);
  am_jsonw_key_str(w, "state", am_cell_state_name(c->state));
  am_jsonw_key_str(w, "base", c->base);
  am_jsonw_key_str(w, "note", c->note);
  am_jsonw_key_str(w, "digest", c->digest);
  am_jsonw_key_str(w, "os_version", c->os_versions);
  am_jsonw_end_object(w);
}

static void write_counts(am_jsonw *w, const size_t *counts, size_t total,
                         bool target) {
  static const am_cell_state target_states[] = {
      AM_CELL_PUBLISHED, AM_CELL_DECLARED, AM_CELL_PORTABLE, AM_CELL_BLOCKED,
      AM_CELL_UNKNOWN};
  static const am_cell_state used_states[] = {AM_CELL_PUBLISHED,
                                              AM_CELL_MISSING, AM_CELL_UNKNOWN};
  const am_cell_state *states = target ? target_states : used_states;
  size_t n = target ? 5 : 3;

  am_jsonw_object(w);
  for (size_t i = 0; i < n; i++)
    am_jsonw_key_int(w, am_cell_state_name(states[i]),
                     (long long)counts[states[i]]);
  am_jsonw_key_int(w, "total", (long long)total);
  am_jsonw_end_object(w);
}

/* A change whose strings are not all there is left out. */
static void write_changes(am_jsonw *w, const am_change *list, size_t n) {
  am_jsonw_array(w);
  for (size_t i = 0; i < n; i++) {
    const char *v[4] = {list[i].image, list[i].platform, list[i].was,
                        list[i].now};

    if (!all_utf8(v, 4))
      continue;
    am_jsonw_object(w);
    am_jsonw_key_str(w, "image", v[0]);
    am_jsonw_key_str(w, "platform", v[1]);
    am_jsonw_key_str(w, "was", v[2]);
    am_jsonw_key_str(w, "now", v[3]);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
}

static void write_rows(am_jsonw *w, const am_model *m) {
  am_jsonw_array(w);
  for (size_t r = 0; r < m->nrows; r++) {
    const am_row *row = &m->rows[r];

    am_jsonw_object(w);
    am_jsonw_key_str(w, "image", row->image);
    am_jsonw_key_str(w, "kind", row->target ? "target" : "used");
    if (row->t != NULL)
      am_jsonw_key_str(w, "dir", row->t->dir);
    am_jsonw_key_int(w, "uses", (long long)row->uses);
    am_jsonw_key_str(w, "page", row->page);
    am_jsonw_key(w, "cells");
    am_jsonw_object(w);
    for (size_t c = 0; c < m->columns.len; c++) {
      am_jsonw_key(w, m->columns.v[c]);
      write_cell(w, &row->cells[c]);
    }
    am_jsonw_end_object(w);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
}

static void write_priorities(am_jsonw *w, const am_model *m) {
  am_jsonw_object(w);
  for (size_t c = 0; c < m->columns.len; c++) {
    am_jsonw_key(w, m->columns.v[c]);
    am_jsonw_array(w);
    for (size_t g = 0; g < m->prios[c].ngroups; g++) {
      const am_prio_group *pg = &m->prios[c].groups[g];

      am_jsonw_object(w);
      am_jsonw_key_str(w, "group", am_cell_state_name(pg->state));
      am_jsonw_key_str(w, "base", pg->base);
      am_jsonw_key(w, "images");
      am_jsonw_array(w);
      for (size_t i = 0; i < pg->nrows; i++) {
        const am_row *row = &m->rows[pg->rows[i]];

        if (row->image == NULL || !am_jsonw_utf8(row->image))
          continue;
        am_jsonw_object(w);
        am_jsonw_key_str(w, "image", row->image);
        am_jsonw_key_int(w, "uses", (long long)row->uses);
        am_jsonw_end_object(w);
      }
      am_jsonw_end_array(w);
      am_jsonw_end_object(w);
    }
    am_jsonw_end_array(w);
  }
  am_jsonw_end_object(w);
}

static void write_history(am_jsonw *w, const am_model *m) {
  am_jsonw_array(w);
  for (size_t i = 0; i < m->nruns; i++) {
    const am_run *run = &m->runs[i];
    const char *v[2] = {run->generated_at, run->file};

    if (!all_utf8(v, 2))
      continue;
    am_jsonw_object(w);
    am_jsonw_key_str(w, "generated_at", run->generated_at);
    am_jsonw_key_str(w, "file", run->file);
    am_jsonw_key(w, "coverage");
    am_jsonw_object(w);
    for (size_t c = 0; c < m->columns.len; c++) {
      if (run->total[c] < 0)
        continue;
      am_jsonw_key(w, m->columns.v[c]);
      am_jsonw_object(w);
      am_jsonw_key_int(w, "published", (long long)run->published[c]);
      am_jsonw_key_int(w, "total", (long long)run->total[c]);
      am_jsonw_key_int(w, "unknown", (long long)run->unknown[c]);
      am_jsonw_end_object(w);
    }
    am_jsonw_end_object(w);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_array(w);
}

static void write_analysis(am_jsonw *w, const am_model *m) {
  am_jsonw_object(w);
  am_jsonw_key(w, "rows");
  write_rows(w, m);

  am_jsonw_key(w, "totals");
  am_jsonw_object(w);
  for (size_t c = 0; c < m->columns.len; c++) {
    const am_totals *t = &m->totals[c];

    am_jsonw_key(w, m->columns.v[c]);
    am_jsonw_object(w);
    am_jsonw_key(w, "targets");
    write_counts(w, t->targets, t->ntargets, true);
    am_jsonw_key(w, "used");
    write_counts(w, t->used, t->nused, false);
    am_jsonw_end_object(w);
  }
  am_jsonw_end_object(w);

  am_jsonw_key(w, "priorities");
  write_priorities(w, m);

  am_jsonw_key(w, "changes");
  am_jsonw_object(w);
  if (m->changes.has_previous) {
    am_jsonw_key_str(w, "previous", m->changes.previous_at);
  } else {
    am_jsonw_key(w, "previous");
    am_jsonw_null(w);
  }
  am_jsonw_key(w, "published");
  write_changes(w, m->changes.published, m->changes.npublished);
  am_jsonw_key(w, "lost");
  write_changes(w, m->changes.lost, m->changes.nlost);
  am_jsonw_key(w, "added");
  write_strv(w, &m->changes.added);
  am_jsonw_key(w, "removed");
  write_strv(w, &m->changes.removed);
  am_jsonw_end_object(w);

  am_jsonw_key(w, "history");
  write_history(w, m);
  am_jsonw_end_object(w);
}

json_t *am_model_analysis_json(const am_model *m) {
  am_buf text;
  am_jsonw w;
  json_t *doc = NULL;

  am_buf_init(&text, 0);
  am_jsonw_init(&w, &text, 0);
  write_analysis(&w, m);
  if (w.rc == AM_OK)
    doc = json_loadb(text.data, text.len, 0, NULL);
  am_buf_free(&text);
  return doc;
}

int am_model_data_write(const am_model *m, am_buf *out) {
  am_jsonw w;

  am_jsonw_init(&w, out, 2);
  am_jsonw_object(&w);
  am_jsonw_key_int(&w, "schema_version", AM_DATA_SCHEMA_VERSION);
  am_jsonw_key_str(&w, "generator", "archmatrix " AM_VERSION);
  am_jsonw_key_str(&w, "generated_at", m->generated_at);
  am_jsonw_key(&w, "platforms");
  write_strv(&w, &m->columns);
  am_jsonw_key_str(&w, "priority_platform", m->columns.v[m->priority]);
  am_jsonw_key(&w, "sources");
  am_jsonw_array(&w);
  for (size_t s = 0; s < m->nscans; s++)
    write_scan(&w, &m->scans[s]);
  am_jsonw_end_array(&w);
  am_jsonw_key(&w, "images");
  am_jsonw_array(&w);
  for (size_t i = 0; i < m->nimages; i++)
    write_image(&w, &m->images[i]);
  am_jsonw_end_array(&w);
  am_jsonw_key(&w, "analysis");
  write_analysis(&w, m);
  am_jsonw_end_object(&w);
  return w.rc;
}
