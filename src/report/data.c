/* SPDX-License-Identifier: MIT */
/* data.json: the scan, resolve and analysis documents of a run in one file,
 * the stable contract described in docs/data-json.md. */
#include "report/model.h"

#include <string.h>

#define AM_DATA_SCHEMA_VERSION 1

/* jansson's setters accept NULL values and fail; these keep a document
 * whole by skipping absent optional strings. */
static void set_str(json_t *obj, const char *key, const char *value) {
  if (value != NULL)
    json_object_set_new(obj, key, json_string(value));
}

static json_t *strv_json(const am_strv *sv) {
  json_t *a = json_array();

  for (size_t i = 0; a && i < sv->len; i++)
    json_array_append_new(a, json_string(sv->v[i]));
  return a;
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

json_t *am_report_scan_json(const am_scan *scan) {
  json_t *doc = json_object();
  json_t *source = json_object();
  json_t *refs = json_array();
  json_t *targets = json_array();
  json_t *unresolved = json_array();

  set_str(source, "url", scan->url);
  set_str(source, "commit", scan->commit);
  for (size_t i = 0; i < scan->nrefs; i++) {
    const am_reference *r = &scan->refs[i];
    json_t *o = json_object();

    set_str(o, "image", r->image);
    set_str(o, "raw", r->raw);
    set_str(o, "path", r->path);
    json_object_set_new(o, "line", json_integer(r->line));
    set_str(o, "context", am_report_context_name(r->context));
    set_str(o, "platform", r->platform);
    json_array_append_new(refs, o);
  }
  for (size_t i = 0; i < scan->ntargets; i++) {
    const am_target *t = &scan->targets[i];
    json_t *o = json_object();
    json_t *bases = json_object();

    set_str(o, "image", t->image);
    set_str(o, "dir", t->dir);
    json_object_set_new(o, "declared", strv_json(&t->declared));
    for (size_t b = 0; b < t->nbases; b++) {
      if (t->bases[b].platform && t->bases[b].image)
        set_str(bases, t->bases[b].platform, t->bases[b].image);
    }
    json_object_set_new(o, "bases", bases);
    json_array_append_new(targets, o);
  }
  for (size_t i = 0; i < scan->nunresolved; i++) {
    const am_unresolved *u = &scan->unresolved[i];
    json_t *o = json_object();

    set_str(o, "path", u->path);
    json_object_set_new(o, "line", json_integer(u->line));
    set_str(o, "raw", u->raw);
    set_str(o, "reason", u->reason);
    json_array_append_new(unresolved, o);
  }
  json_object_set_new(doc, "source", source);
  json_object_set_new(doc, "references", refs);
  json_object_set_new(doc, "targets", targets);
  json_object_set_new(doc, "unresolved", unresolved);
  return doc;
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

json_t *am_report_image_json(const am_image *img) {
  json_t *o = json_object();
  json_t *platforms = json_array();

  set_str(o, "image", img->image);
  set_str(o, "status", am_report_status_name(img->status));
  set_str(o, "digest", img->digest);
  set_str(o, "media_type", img->media_type);
  for (size_t p = 0; p < img->nplatforms; p++) {
    json_t *e = json_object();

    set_str(e, "platform", img->platforms[p].platform);
    set_str(e, "os_version", img->platforms[p].os_version);
    set_str(e, "digest", img->platforms[p].digest);
    json_array_append_new(platforms, e);
  }
  json_object_set_new(o, "platforms", platforms);
  set_str(o, "error", img->error);
  return o;
}

static json_t *cell_json(const am_cell *c) {
  json_t *o = json_object();

  set_str(o, "state", am_cell_state_name(c->state));
  set_str(o, "base", c->base);
  set_str(o, "note", c->note);
  set_str(o, "digest", c->digest);
  set_str(o, "os_version", c->os_versions);
  return o;
}

static json_t *counts_json(const size_t *counts, size_t total, bool target) {
  static const am_cell_state target_states[] = {
      AM_CELL_PUBLISHED, AM_CELL_DECLARED, AM_CELL_PORTABLE, AM_CELL_BLOCKED,
      AM_CELL_UNKNOWN};
  static const am_cell_state used_states[] = {AM_CELL_PUBLISHED,
                                              AM_CELL_MISSING, AM_CELL_UNKNOWN};
  const am_cell_state *states = target ? target_states : used_states;
  size_t n = target ? 5 : 3;
  json_t *o = json_object();

  for (size_t i = 0; i < n; i++)
    json_object_set_new(o, am_cell_state_name(states[i]),
                        json_integer((json_int_t)counts[states[i]]));
  json_object_set_new(o, "total", json_integer((json_int_t)total));
  return o;
}

static json_t *changes_json(const am_change *list, size_t n) {
  json_t *a = json_array();

  for (size_t i = 0; i < n; i++)
    json_array_append_new(
        a, json_pack("{s:s, s:s, s:s, s:s}", "image", list[i].image, "platform",
                     list[i].platform, "was", list[i].was, "now", list[i].now));
  return a;
}

json_t *am_model_analysis_json(const am_model *m) {
  json_t *a = json_object();
  json_t *rows = json_array();
  json_t *totals = json_object();
  json_t *prios = json_object();
  json_t *changes = json_object();
  json_t *history = json_array();

  for (size_t r = 0; r < m->nrows; r++) {
    const am_row *row = &m->rows[r];
    json_t *o = json_object();
    json_t *cells = json_object();

    set_str(o, "image", row->image);
    set_str(o, "kind", row->target ? "target" : "used");
    if (row->t != NULL)
      set_str(o, "dir", row->t->dir);
    json_object_set_new(o, "uses", json_integer((json_int_t)row->uses));
    set_str(o, "page", row->page);
    for (size_t c = 0; c < m->columns.len; c++)
      json_object_set_new(cells, m->columns.v[c], cell_json(&row->cells[c]));
    json_object_set_new(o, "cells", cells);
    json_array_append_new(rows, o);
  }

  for (size_t c = 0; c < m->columns.len; c++) {
    const am_totals *t = &m->totals[c];
    json_t *groups = json_array();

    json_object_set_new(totals, m->columns.v[c],
                        json_pack("{s:o, s:o}", "targets",
                                  counts_json(t->targets, t->ntargets, true),
                                  "used",
                                  counts_json(t->used, t->nused, false)));
    for (size_t g = 0; g < m->prios[c].ngroups; g++) {
      const am_prio_group *pg = &m->prios[c].groups[g];
      json_t *o = json_object();
      json_t *images = json_array();

      set_str(o, "group", am_cell_state_name(pg->state));
      set_str(o, "base", pg->base);
      for (size_t i = 0; i < pg->nrows; i++) {
        const am_row *row = &m->rows[pg->rows[i]];

        json_array_append_new(images,
                              json_pack("{s:s, s:I}", "image", row->image,
                                        "uses", (json_int_t)row->uses));
      }
      json_object_set_new(o, "images", images);
      json_array_append_new(groups, o);
    }
    json_object_set_new(prios, m->columns.v[c], groups);
  }

  if (m->changes.has_previous)
    set_str(changes, "previous", m->changes.previous_at);
  else
    json_object_set_new(changes, "previous", json_null());
  json_object_set_new(
      changes, "published",
      changes_json(m->changes.published, m->changes.npublished));
  json_object_set_new(changes, "lost",
                      changes_json(m->changes.lost, m->changes.nlost));
  json_object_set_new(changes, "added", strv_json(&m->changes.added));
  json_object_set_new(changes, "removed", strv_json(&m->changes.removed));

  for (size_t i = 0; i < m->nruns; i++) {
    const am_run *run = &m->runs[i];
    json_t *cov = json_object();

    for (size_t c = 0; c < m->columns.len; c++) {
      if (run->total[c] >= 0)
        json_object_set_new(cov, m->columns.v[c],
                            json_pack("{s:I, s:I}", "published",
                                      (json_int_t)run->published[c], "total",
                                      (json_int_t)run->total[c]));
    }
    json_array_append_new(history, json_pack("{s:s, s:s, s:o}", "generated_at",
                                             run->generated_at, "file",
                                             run->file, "coverage", cov));
  }

  json_object_set_new(a, "rows", rows);
  json_object_set_new(a, "totals", totals);
  json_object_set_new(a, "priorities", prios);
  json_object_set_new(a, "changes", changes);
  json_object_set_new(a, "history", history);
  return a;
}

json_t *am_model_data_json(const am_model *m) {
  json_t *doc = json_object();
  json_t *sources = json_array();
  json_t *images = json_array();

  json_object_set_new(doc, "schema_version",
                      json_integer(AM_DATA_SCHEMA_VERSION));
  json_object_set_new(doc, "generator", json_string("archmatrix " AM_VERSION));
  set_str(doc, "generated_at", m->generated_at);
  json_object_set_new(doc, "platforms", strv_json(&m->columns));
  set_str(doc, "priority_platform", m->columns.v[m->priority]);
  for (size_t s = 0; s < m->nscans; s++)
    json_array_append_new(sources, am_report_scan_json(&m->scans[s]));
  for (size_t i = 0; i < m->nimages; i++)
    json_array_append_new(images, am_report_image_json(&m->images[i]));
  json_object_set_new(doc, "sources", sources);
  json_object_set_new(doc, "images", images);
  json_object_set_new(doc, "analysis", am_model_analysis_json(m));
  return doc;
}
