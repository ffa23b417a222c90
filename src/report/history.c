/* SPDX-License-Identifier: MIT */
/* Comparing with earlier runs: the changes since the previous data.json,
 * and the coverage of each kept run for the trend. */
#include "report/model.h"

#include <stdlib.h>
#include <string.h>

/* The state the previous run gave `image` on `platform`, or NULL. */
static const char *previous_state(const json_t *prev_rows, const char *image,
                                  const char *platform, bool *row_found) {
  const json_t *row = json_object_get(prev_rows, image);
  const json_t *cell = NULL;

  *row_found = row != NULL;
  cell = json_object_get(json_object_get(row, "cells"), platform);
  return json_string_value(json_object_get(cell, "state"));
}

static int add_change(am_change **list, size_t *n, const char *image,
                      const char *platform, const char *was, const char *now) {
  am_change *grown = realloc(*list, (*n + 1) * sizeof(*grown));
  am_change *c = NULL;

  if (grown == NULL)
    return AM_ENOMEM;
  *list = grown;
  c = &grown[*n];
  c->image = am_strdup(image);
  c->platform = am_strdup(platform);
  c->was = am_strdup(was);
  c->now = am_strdup(now);
  (*n)++;
  if (!c->image || !c->platform || !c->was || !c->now)
    return AM_ENOMEM;
  return AM_OK;
}

/* Index the previous rows by image, so each lookup is cheap. */
static json_t *rows_by_image(const json_t *previous) {
  const json_t *rows =
      json_object_get(json_object_get(previous, "analysis"), "rows");
  json_t *by_image = json_object();
  size_t i = 0;
  json_t *row = NULL;

  if (by_image == NULL)
    return NULL;
  json_array_foreach(rows, i, row) {
    const char *image = json_string_value(json_object_get(row, "image"));

    if (image != NULL)
      json_object_set(by_image, image, row);
  }
  return by_image;
}

/* The earlier runs, newest first, indexed by image when first needed. */
typedef struct earlier {
  json_t *const *docs; /* oldest first */
  size_t n;
  json_t **rows; /* rows_by_image of docs[i], or NULL until needed */
} earlier;

/* The newest state an earlier run knew for `image` on `platform` (not
 * "unknown"), or NULL. */
static const char *last_known_state(earlier *e, const char *image,
                                    const char *platform) {
  for (size_t i = e->n; i-- > 0;) {
    bool found = false;
    const char *state = NULL;

    if (e->rows[i] == NULL && (e->rows[i] = rows_by_image(e->docs[i])) == NULL)
      return NULL;
    state = previous_state(e->rows[i], image, platform, &found);
    if (state != NULL && strcmp(state, "unknown") != 0)
      return state;
  }
  return NULL;
}

int am_model_diff(am_model *m, const json_t *previous, json_t *const *docs,
                  size_t ndocs, am_err *err) {
  am_changes *ch = &m->changes;
  json_t *prev_rows = NULL;
  const char *prev_at = NULL;
  const char *image = NULL;
  json_t *row = NULL;
  earlier e = {docs, ndocs, NULL};
  int rc = AM_OK;

  if (previous == NULL)
    return AM_OK;
  prev_rows = rows_by_image(previous);
  prev_at = json_string_value(json_object_get(previous, "generated_at"));
  ch->has_previous = true;
  ch->previous_at = am_strdup(prev_at ? prev_at : "");
  if (ndocs > 0)
    e.rows = calloc(ndocs, sizeof(*e.rows));
  if (prev_rows == NULL || ch->previous_at == NULL ||
      (ndocs > 0 && e.rows == NULL)) {
    rc = AM_ENOMEM;
    goto done;
  }

  for (size_t r = 0; rc == AM_OK && r < m->nrows; r++) {
    const am_row *cur = &m->rows[r];
    bool found = false;

    for (size_t c = 0; rc == AM_OK && c < m->columns.len; c++) {
      const char *was =
          previous_state(prev_rows, cur->image, m->columns.v[c], &found);
      const char *now = am_cell_state_name(cur->cells[c].state);
      bool pub_now = cur->cells[c].state == AM_CELL_PUBLISHED;
      bool pub_was = false;

      /* A platform that was not a column last time is not a change, nor
       * is a cell the registry could not answer for now: nothing is known
       * to have changed. When it could not answer last time, compare with
       * the last run that knew. */
      if (was == NULL || cur->cells[c].state == AM_CELL_UNKNOWN)
        continue;
      if (strcmp(was, "unknown") == 0 &&
          (was = last_known_state(&e, cur->image, m->columns.v[c])) == NULL)
        continue;
      pub_was = strcmp(was, "published") == 0;
      if (pub_now && !pub_was)
        rc = add_change(&ch->published, &ch->npublished, cur->image,
                        m->columns.v[c], was, now);
      else if (pub_was && !pub_now)
        rc = add_change(&ch->lost, &ch->nlost, cur->image, m->columns.v[c], was,
                        now);
    }
    if (rc == AM_OK && !found && json_object_get(prev_rows, cur->image) == NULL)
      rc = am_strv_push(&ch->added, cur->image);
  }
  json_object_foreach(prev_rows, image, row) {
    if (rc == AM_OK && am_model_find_row(m, image) == NULL)
      rc = am_strv_push(&ch->removed, image);
  }
  am_strv_sort(&ch->removed);

done:
  for (size_t i = 0; e.rows && i < ndocs; i++)
    json_decref(e.rows[i]);
  free(e.rows);
  json_decref(prev_rows);
  if (rc != AM_OK)
    return am_err_set(err, rc,
                      "comparing with the previous run: out of "
                      "memory");
  return AM_OK;
}

void am_model_free(am_model *m) {
  if (m == NULL)
    return;
  for (size_t r = 0; r < m->nrows; r++) {
    for (size_t c = 0; m->rows[r].cells && c < m->columns.len; c++) {
      free(m->rows[r].cells[c].note);
      free(m->rows[r].cells[c].os_versions);
    }
    free(m->rows[r].cells);
    free(m->rows[r].page);
    free(m->rows[r].refs);
  }
  free(m->rows);
  am_strmap_free(&m->row_index);
  am_strmap_free(&m->image_index);
  for (size_t c = 0; m->prios && c < m->columns.len; c++) {
    for (size_t g = 0; g < m->prios[c].ngroups; g++)
      free(m->prios[c].groups[g].rows);
    free(m->prios[c].groups);
  }
  free(m->prios);
  free(m->totals);
  free(m->cols);
  am_strv_free(&m->columns);
  free(m->generated_at);
  for (size_t i = 0; i < m->changes.npublished; i++) {
    free(m->changes.published[i].image);
    free(m->changes.published[i].platform);
    free(m->changes.published[i].was);
    free(m->changes.published[i].now);
  }
  for (size_t i = 0; i < m->changes.nlost; i++) {
    free(m->changes.lost[i].image);
    free(m->changes.lost[i].platform);
    free(m->changes.lost[i].was);
    free(m->changes.lost[i].now);
  }
  free(m->changes.published);
  free(m->changes.lost);
  free(m->changes.previous_at);
  am_strv_free(&m->changes.added);
  am_strv_free(&m->changes.removed);
  for (size_t i = 0; i < m->nruns; i++) {
    free(m->runs[i].generated_at);
    free(m->runs[i].file);
    free(m->runs[i].published);
    free(m->runs[i].total);
    free(m->runs[i].unknown);
  }
  free(m->runs);
  memset(m, 0, sizeof(*m));
}

/* Append one run; `doc` NULL means this run, read from the model. */
static int add_run(am_model *m, const json_t *doc, const char *file) {
  am_run *grown = realloc(m->runs, (m->nruns + 1) * sizeof(*grown));
  am_run *run = NULL;
  const json_t *totals = NULL;
  const char *at = NULL;

  if (grown == NULL)
    return AM_ENOMEM;
  m->runs = grown;
  run = &m->runs[m->nruns++];
  memset(run, 0, sizeof(*run));
  at = doc ? json_string_value(json_object_get(doc, "generated_at"))
           : m->generated_at;
  run->generated_at = am_strdup(at ? at : "");
  run->file = am_strdup(file);
  run->published = calloc(m->columns.len, sizeof(long));
  run->total = calloc(m->columns.len, sizeof(long));
  run->unknown = calloc(m->columns.len, sizeof(long));
  if (!run->generated_at || !run->file || !run->published || !run->total ||
      !run->unknown)
    return AM_ENOMEM;
  totals = json_object_get(json_object_get(doc, "analysis"), "totals");
  for (size_t c = 0; c < m->columns.len; c++) {
    const json_t *t =
        json_object_get(json_object_get(totals, m->columns.v[c]), "targets");

    if (doc == NULL) {
      run->published[c] = (long)m->totals[c].targets[AM_CELL_PUBLISHED];
      run->total[c] = (long)m->totals[c].ntargets;
      run->unknown[c] = (long)m->totals[c].targets[AM_CELL_UNKNOWN];
    } else if (t == NULL) {
      run->published[c] = run->total[c] = -1;
    } else {
      run->published[c] =
          (long)json_integer_value(json_object_get(t, "published"));
      run->total[c] = (long)json_integer_value(json_object_get(t, "total"));
      run->unknown[c] = (long)json_integer_value(json_object_get(t, "unknown"));
    }
  }
  return AM_OK;
}

/*
 * Record the kept runs for the trend: `docs` are earlier data.json
 * documents, oldest first, named by `files`; this run comes last as
 * `current_file`.
 */
int am_model_set_runs(am_model *m, json_t *const *docs,
                      const char *const *files, size_t n,
                      const char *current_file, am_err *err) {
  int rc = AM_OK;

  for (size_t i = 0; rc == AM_OK && i < n; i++)
    rc = add_run(m, docs[i], files[i]);
  if (rc == AM_OK)
    rc = add_run(m, NULL, current_file);
  if (rc != AM_OK)
    return am_err_set(err, rc, "history: out of memory");
  return AM_OK;
}
