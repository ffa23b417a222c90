/* SPDX-License-Identifier: MIT */
/* The analyze stage: join targets, bases and registry answers into cells,
 * per-platform totals and port priorities. */
#include "report/model.h"

#include "util/log.h"

#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const state_names[AM_CELL_NSTATES] = {
    "published", "declared", "portable", "blocked",
    "missing",   "unknown",  "unused"};

const char *am_cell_state_name(am_cell_state state) {
  if ((int)state < 0 || state >= AM_CELL_NSTATES)
    return "unknown";
  return state_names[state];
}

int am_cell_state_parse(const char *name) {
  for (int i = 0; name != NULL && i < AM_CELL_NSTATES; i++) {
    if (strcmp(name, state_names[i]) == 0)
      return i;
  }
  return -1;
}

char *am_report_slug(const char *s, bool hash) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  char out[80];
  size_t n = 0;
  bool dash = false;

  /* Keep [a-z0-9.], fold runs of anything else into one dash, and never
   * start with a dot, so the name can neither climb out of its folder nor
   * hide itself. */
  for (const char *p = s; *p != '\0' && n < 60; p++) {
    char c = *p;
    bool keep = false;

    if (c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '.' && (n == 0 || dash || out[n - 1] == '.'))
      continue; /* no leading dot, no "..", no ".-" */
    if (!keep && c != '.') {
      dash = n > 0;
      continue;
    }
    if (dash && n < 59)
      out[n++] = '-';
    dash = false;
    out[n++] = c;
  }
  while (n > 0 && (out[n - 1] == '.' || out[n - 1] == '-'))
    n--;
  if (n == 0)
    out[n++] = 'x';
  if (hash) {
    SHA256((const unsigned char *)s, strlen(s), md);
    n += (size_t)snprintf(out + n, sizeof(out) - n, "-%02x%02x%02x%02x", md[0],
                          md[1], md[2], md[3]);
  }
  out[n] = '\0';
  return am_strdup(out);
}

const am_image *am_model_find_image(const am_model *m, const char *image) {
  size_t i = 0;

  return am_strmap_get(&m->image_index, image, &i) ? &m->images[i] : NULL;
}

const am_row *am_model_find_row(const am_model *m, const char *image) {
  size_t i = 0;

  return am_strmap_get(&m->row_index, image, &i) ? &m->rows[i] : NULL;
}

int am_model_coverage(const am_model *m, size_t col) {
  const am_totals *t = &m->totals[col];

  if (t->ntargets == 0)
    return -1;
  return (int)(t->targets[AM_CELL_PUBLISHED] * 100 / t->ntargets);
}

/* Two Windows release names or builds mean the same OS build. */
static bool same_windows_build(const char *a, const char *b) {
  const char *pa = am_windows_build_prefix(a);
  const char *pb = am_windows_build_prefix(b);

  if (pa != NULL && pb != NULL)
    return strcmp(pa, pb) == 0;
  return strcasecmp(a, b) == 0;
}

/* An index entry's os.version is of release `name` when it starts with the
 * release's build prefix, followed by the end or a dot (10.0.20348.2227
 * is ltsc2022; 10.0.203480 would not be). */
static bool os_version_is(const char *os_version, const char *name) {
  const char *prefix = am_windows_build_prefix(name);
  size_t n = 0;

  if (os_version == NULL || prefix == NULL)
    return false;
  n = strlen(prefix);
  return strncmp(os_version, prefix, n) == 0 &&
         (os_version[n] == '\0' || os_version[n] == '.');
}

/* The entry of `answer` that covers `want`, or NULL. A want with an OS
 * version (a Windows column or BASEIMAGE key) needs an entry of that build. */
static const am_image_platform *index_entry(const am_image *answer,
                                            const am_platform *want) {
  for (size_t i = 0; i < answer->nplatforms; i++) {
    const am_image_platform *e = &answer->platforms[i];
    am_platform p;

    if (e->platform == NULL || am_platform_parse(&p, e->platform, NULL) != 0)
      continue;
    if (!am_platform_same_arch(&p, want))
      continue;
    if (want->os_version[0] != '\0' &&
        !os_version_is(e->os_version, want->os_version))
      continue;
    return e;
  }
  return NULL;
}

/* The registry could not say: the reason to show. */
static char *unknown_reason(const am_image *answer, const char *what) {
  const char *why = NULL;

  if (answer == NULL)
    return am_asprintf("%s: not resolved", what);
  why = answer->error != NULL ? answer->error
                              : am_report_status_name(answer->status);
  return am_asprintf("%s: %s", what, why);
}

static bool answer_failed(const am_image *answer) {
  return answer == NULL || answer->status == AM_IMAGE_UNAUTHORIZED ||
         answer->status == AM_IMAGE_ERROR;
}

/* Add `s` to a comma-separated owned list. */
static int list_add(char **list, const char *s) {
  char *grown = NULL;

  if (s == NULL || *s == '\0')
    return AM_OK;
  grown = *list ? am_asprintf("%s, %s", *list, s) : am_strdup(s);
  if (grown == NULL)
    return AM_ENOMEM;
  free(*list);
  *list = grown;
  return AM_OK;
}

/*
 * Published, declared or neither, for a target whose answer is usable.
 * Returns 1 when the cell is decided. A plain Windows column stands for
 * every Windows build the target declares: it is published only when each
 * of them is.
 */
static int cell_from_registry(am_cell *cell, const am_row *row,
                              const am_platform *col) {
  const am_target *t = row->t;
  const am_image *answer = row->answer;
  size_t ndeclared = 0, ncovered = 0;
  const am_image_platform *entry = NULL;
  char *uncovered = NULL;
  int rc = 0;

  for (size_t i = 0; i < t->declared.len; i++) {
    am_platform d;

    if (am_platform_parse(&d, t->declared.v[i], NULL) != 0 ||
        !am_platform_same_arch(&d, col))
      continue;
    if (col->os_version[0] != '\0' && d.os_version[0] != '\0' &&
        !same_windows_build(d.os_version, col->os_version))
      continue;
    ndeclared++;
    /* A column naming a build asks for that build; a plain column asks
     * for the build the key declares, if any. */
    if (col->os_version[0] != '\0')
      memcpy(d.os_version, col->os_version, sizeof(d.os_version));
    entry = answer && answer->status == AM_IMAGE_OK ? index_entry(answer, &d)
                                                    : NULL;
    if (entry != NULL) {
      ncovered++;
      cell->digest = entry->digest;
      if (list_add(&cell->os_versions, entry->os_version) != AM_OK)
        return -1;
    } else if (list_add(&uncovered,
                        d.os_version[0] ? d.os_version : t->declared.v[i]) !=
               AM_OK) {
      return -1;
    }
  }

  if (ndeclared > 0 && ncovered == ndeclared) {
    cell->state = AM_CELL_PUBLISHED;
    rc = 1;
  } else if (ndeclared == 0 && answer && answer->status == AM_IMAGE_OK &&
             (entry = index_entry(answer, col)) != NULL) {
    cell->state = AM_CELL_PUBLISHED;
    cell->digest = entry->digest;
    if (list_add(&cell->os_versions, entry->os_version) != AM_OK)
      rc = -1;
    else
      rc = 1;
  } else if (ndeclared > 0) {
    cell->state = AM_CELL_DECLARED;
    if (answer && answer->status == AM_IMAGE_NOT_FOUND)
      cell->note = am_strdup("the tag is not in the registry yet");
    else if (ncovered > 0)
      cell->note = am_asprintf("not published for %s", uncovered);
    else
      cell->note = am_strdup("declared but not published");
    rc = cell->note ? 1 : -1;
    if (ncovered == 0)
      cell->digest = NULL;
  }
  free(uncovered);
  return rc;
}

/* The base images to judge a platform by: those the target uses for the
 * same OS, or all of them; with no BASEIMAGE, the last FROM of its build
 * folder. */
static int candidate_bases(am_strv *out, const am_row *row,
                           const am_platform *col) {
  const am_target *t = row->t;
  int rc = AM_OK;

  for (size_t i = 0; rc == AM_OK && i < t->nbases; i++) {
    am_platform p;

    if (t->bases[i].image == NULL ||
        am_platform_parse(&p, t->bases[i].platform, NULL) != 0)
      continue;
    if (strcmp(p.os, col->os) == 0)
      rc = am_strv_push_unique(out, t->bases[i].image);
  }
  for (size_t i = 0; rc == AM_OK && out->len == 0 && i < t->nbases; i++) {
    if (t->bases[i].image != NULL)
      rc = am_strv_push_unique(out, t->bases[i].image);
  }
  if (rc == AM_OK && out->len == 0 && row->scan != NULL && t->dir != NULL) {
    const am_reference *last = NULL;
    size_t dirlen = strlen(t->dir);

    for (size_t i = 0; i < row->scan->nrefs; i++) {
      const am_reference *r = &row->scan->refs[i];
      const char *slash = r->path ? strrchr(r->path, '/') : NULL;
      size_t len = slash ? (size_t)(slash - r->path) : 0;
      bool here = (len == dirlen && strncmp(r->path, t->dir, len) == 0) ||
                  (slash == NULL && (dirlen == 0 || !strcmp(t->dir, ".")));

      if (r->context != AM_CTX_FROM || !here)
        continue;
      if (last == NULL || strcmp(r->path, last->path) < 0 ||
          (strcmp(r->path, last->path) == 0 && r->line > last->line))
        last = r;
    }
    if (last != NULL)
      rc = am_strv_push(out, last->image);
  }
  return rc;
}

/* Portable, blocked or unknown, judged by the bases. */
static int cell_from_bases(const am_model *m, am_cell *cell, const am_row *row,
                           const am_platform *col) {
  am_strv bases = {0};
  const char *failed = NULL;
  const am_image *failed_answer = NULL;
  int rc = candidate_bases(&bases, row, col);

  if (rc != AM_OK)
    goto done;
  if (bases.len == 0) {
    cell->state = AM_CELL_UNKNOWN;
    cell->note = am_strdup("no base image known");
    goto done;
  }
  for (size_t i = 0; i < bases.len; i++) {
    const am_image *answer = am_model_find_image(m, bases.v[i]);
    const am_image *found = NULL;

    if (answer_failed(answer) || answer->status == AM_IMAGE_NOT_FOUND) {
      if (failed == NULL) {
        failed = bases.v[i];
        failed_answer = answer;
      }
      continue;
    }
    if (index_entry(answer, col) != NULL) {
      found = answer;
      cell->state = AM_CELL_PORTABLE;
      cell->base = found->image;
      goto done;
    }
  }
  if (failed != NULL) {
    const am_image *a = failed_answer;

    cell->state = AM_CELL_UNKNOWN;
    cell->note = unknown_reason(a, "base image");
    goto done;
  }
  {
    /* Name the base as the target spells it, from its own strings, so
     * the cell outlives this function's vector. */
    for (size_t i = 0; i < row->t->nbases; i++) {
      if (strcmp(row->t->bases[i].image ? row->t->bases[i].image : "",
                 bases.v[0]) == 0) {
        cell->base = row->t->bases[i].image;
        break;
      }
    }
    if (cell->base == NULL) {
      const am_image *a = am_model_find_image(m, bases.v[0]);

      cell->base = a ? a->image : NULL;
    }
    cell->state = AM_CELL_BLOCKED;
    if (cell->base == NULL)
      cell->note = am_asprintf("base %s lacks it", bases.v[0]);
  }

done:
  am_strv_free(&bases);
  return rc;
}

/* A declared platform whose base lacks it cannot be built as it stands:
 * say so, and name the base, so a porter knows where to start. */
static int declared_base(const am_model *m, am_cell *cell, const am_row *row,
                         const am_platform *col) {
  am_cell probe;
  int rc = AM_OK;

  memset(&probe, 0, sizeof(probe));
  if (cell_from_bases(m, &probe, row, col) != AM_OK)
    rc = AM_ENOMEM;
  else if (probe.state == AM_CELL_BLOCKED && probe.base != NULL) {
    char *note = am_asprintf("declared, but the base %s lacks it: the build "
                             "fails until the base is ported",
                             probe.base);

    if (note == NULL) {
      rc = AM_ENOMEM;
    } else {
      free(cell->note);
      cell->note = note;
      cell->base = probe.base;
    }
  }
  free(probe.note);
  free(probe.os_versions);
  return rc;
}

static int target_cell(const am_model *m, am_cell *cell, const am_row *row,
                       const am_platform *col) {
  int decided = 0;

  if (answer_failed(row->answer)) {
    cell->state = AM_CELL_UNKNOWN;
    cell->note = unknown_reason(row->answer, "registry");
    return cell->note ? AM_OK : AM_ENOMEM;
  }
  decided = cell_from_registry(cell, row, col);
  if (decided < 0)
    return AM_ENOMEM;
  if (decided > 0 && cell->state == AM_CELL_DECLARED)
    return declared_base(m, cell, row, col);
  if (decided > 0)
    return AM_OK;
  return cell_from_bases(m, cell, row, col);
}

/* True when a reference for platform `p` needs the image on column `col`:
 * the same architecture and, when both name a Windows release, the same
 * release. */
static bool platform_needs(const am_platform *p, const am_platform *col) {
  const char *a = NULL;
  const char *b = NULL;

  if (!am_platform_same_arch(p, col))
    return false;
  if (p->os_version[0] == '\0' || col->os_version[0] == '\0')
    return true;
  a = am_windows_build_prefix(p->os_version);
  b = am_windows_build_prefix(col->os_version);
  return strcmp(a ? a : p->os_version, b ? b : col->os_version) == 0;
}

/* True when some reference to the used image `row` is for column `col`,
 * or for no platform in particular. */
static bool used_on(const am_row *row, const am_platform *col) {
  for (size_t i = 0; i < row->nrefs; i++) {
    const char *platform = row->refs[i].ref->platform;
    am_platform p;

    if (platform == NULL || am_platform_parse(&p, platform, NULL) != 0 ||
        platform_needs(&p, col))
      return true;
  }
  /* An image no reference names (a row from the registry's answers
   * alone) is judged everywhere. */
  return row->nrefs == 0;
}

/* A used image is published, missing or unknown where a reference needs
 * it; elsewhere it is published when the registry has it anyway, else
 * unused rather than missing. */
static int used_cell(am_cell *cell, const am_row *row, const am_platform *col) {
  const am_image_platform *entry = NULL;
  bool needed = used_on(row, col);

  if (row->answer == NULL || row->answer->status != AM_IMAGE_OK) {
    if (!needed) {
      cell->state = AM_CELL_UNUSED;
      return AM_OK;
    }
    cell->state = AM_CELL_UNKNOWN;
    cell->note = unknown_reason(row->answer, "registry");
    return cell->note ? AM_OK : AM_ENOMEM;
  }
  entry = index_entry(row->answer, col);
  if (entry == NULL) {
    cell->state = needed ? AM_CELL_MISSING : AM_CELL_UNUSED;
    return AM_OK;
  }
  cell->state = AM_CELL_PUBLISHED;
  cell->digest = entry->digest;
  return list_add(&cell->os_versions, entry->os_version);
}

static int row_cmp(const void *a, const void *b) {
  const am_row *x = a, *y = b;

  if (x->target != y->target)
    return x->target ? -1 : 1;
  return strcmp(x->image, y->image);
}

bool am_row_ref_same_place(const am_row_ref *a, const am_row_ref *b) {
  return a->scan == b->scan && a->ref->line == b->ref->line &&
         strcmp(a->ref->path, b->ref->path) == 0;
}

/* Give every row the references that name its image, across every
 * source in scan order: counted first, then filled. A line that builds
 * several platforms gives a reference for each, next to each other (scans
 * are sorted by path and line), but is one place. */
static int collect_uses(am_model *m) {
  for (size_t s = 0; s < m->nscans; s++) {
    for (size_t i = 0; i < m->scans[s].nrefs; i++) {
      size_t r = 0;

      if (am_strmap_get(&m->row_index, m->scans[s].refs[i].image, &r))
        m->rows[r].nrefs++;
    }
  }
  for (size_t r = 0; r < m->nrows; r++) {
    if (m->rows[r].nrefs == 0)
      continue;
    m->rows[r].refs = calloc(m->rows[r].nrefs, sizeof(*m->rows[r].refs));
    if (m->rows[r].refs == NULL)
      return AM_ENOMEM;
    m->rows[r].nrefs = 0;
  }
  for (size_t s = 0; s < m->nscans; s++) {
    for (size_t i = 0; i < m->scans[s].nrefs; i++) {
      const am_reference *ref = &m->scans[s].refs[i];
      size_t r = 0;

      if (am_strmap_get(&m->row_index, ref->image, &r)) {
        am_row *row = &m->rows[r];
        am_row_ref *here = &row->refs[row->nrefs];

        here->scan = &m->scans[s];
        here->ref = ref;
        if (row->nrefs == 0 || !am_row_ref_same_place(here - 1, here))
          row->uses++;
        row->nrefs++;
      }
    }
  }
  return AM_OK;
}

static int add_row(am_model *m, size_t *cap, const char *image, bool target,
                   const am_target *t, const am_scan *scan) {
  am_row *row = NULL;

  if (m->nrows == *cap) {
    size_t ncap = *cap ? *cap * 2 : 32;
    am_row *grown = realloc(m->rows, ncap * sizeof(*grown));

    if (grown == NULL)
      return AM_ENOMEM;
    m->rows = grown;
    *cap = ncap;
  }
  row = &m->rows[m->nrows++];
  memset(row, 0, sizeof(*row));
  row->image = image;
  row->target = target;
  row->t = t;
  row->scan = scan;
  return AM_OK;
}

/* Collect the rows: each target once (the first source that builds it
 * wins), then every other image a reference names; index them by image
 * once sorted. */
static int collect_rows(am_model *m) {
  am_strmap seen = {0};
  size_t cap = 0;
  int rc = AM_OK;

  for (size_t s = 0; rc == AM_OK && s < m->nscans; s++) {
    for (size_t i = 0; rc == AM_OK && i < m->scans[s].ntargets; i++) {
      const am_target *t = &m->scans[s].targets[i];

      if (t->image == NULL || am_strmap_get(&seen, t->image, NULL))
        continue;
      rc = am_strmap_add(&seen, t->image, 0);
      if (rc == AM_OK)
        rc = add_row(m, &cap, t->image, true, t, &m->scans[s]);
      m->ntargets += rc == AM_OK;
    }
  }
  for (size_t s = 0; rc == AM_OK && s < m->nscans; s++) {
    for (size_t i = 0; rc == AM_OK && i < m->scans[s].nrefs; i++) {
      const char *image = m->scans[s].refs[i].image;

      if (image == NULL || am_strmap_get(&seen, image, NULL))
        continue;
      rc = am_strmap_add(&seen, image, 0);
      if (rc == AM_OK)
        rc = add_row(m, &cap, image, false, NULL, NULL);
    }
  }
  am_strmap_free(&seen);
  if (rc == AM_OK && m->nrows > 1)
    qsort(m->rows, m->nrows, sizeof(*m->rows), row_cmp);
  for (size_t r = 0; rc == AM_OK && r < m->nrows; r++)
    rc = am_strmap_add(&m->row_index, m->rows[r].image, r);
  return rc;
}

/* Index the registry answers by image; the first answer for an image is
 * the one the model uses. */
static int index_images(am_model *m) {
  int rc = AM_OK;

  for (size_t i = 0; rc == AM_OK && i < m->nimages; i++) {
    if (m->images[i].image != NULL)
      rc = am_strmap_add(&m->image_index, m->images[i].image, i);
  }
  return rc;
}

/* The order of a priority group: used in more places first, then by name. */
static int prio_cmp(const void *a, const void *b, void *model) {
  const am_model *m = model;
  const am_row *x = &m->rows[*(const size_t *)a];
  const am_row *y = &m->rows[*(const size_t *)b];

  if (x->uses != y->uses)
    return x->uses > y->uses ? -1 : 1;
  return strcmp(x->image, y->image);
}

static am_prio_group *prio_group(am_prio *p, am_cell_state state,
                                 const char *base) {
  am_prio_group *grown = NULL;

  for (size_t i = 0; i < p->ngroups; i++) {
    am_prio_group *g = &p->groups[i];

    if (g->state == state &&
        (state != AM_CELL_BLOCKED || strcmp(g->base, base) == 0))
      return g;
  }
  grown = realloc(p->groups, (p->ngroups + 1) * sizeof(*grown));
  if (grown == NULL)
    return NULL;
  p->groups = grown;
  memset(&p->groups[p->ngroups], 0, sizeof(*p->groups));
  p->groups[p->ngroups].state = state;
  p->groups[p->ngroups].base = base;
  return &p->groups[p->ngroups++];
}

static int group_cmp(const void *a, const void *b) {
  const am_prio_group *x = a, *y = b;

  if (x->state != y->state)
    return x->state == AM_CELL_PORTABLE   ? -1
           : y->state == AM_CELL_PORTABLE ? 1
           : x->state == AM_CELL_DECLARED ? -1
                                          : 1;
  if (x->nrows != y->nrows)
    return x->nrows > y->nrows ? -1 : 1;
  return strcmp(x->base ? x->base : "", y->base ? y->base : "");
}

/* Portable targets first (the base already has the platform), then
 * declared but unpublished, then blocked ones grouped by base, the base
 * that unblocks the most first. */
static int build_priorities(am_model *m, size_t col) {
  am_prio *p = &m->prios[col];

  for (size_t r = 0; r < m->ntargets; r++) {
    const am_cell *c = &m->rows[r].cells[col];
    am_prio_group *g = NULL;
    size_t *grown = NULL;

    if (c->state != AM_CELL_PORTABLE && c->state != AM_CELL_DECLARED &&
        !(c->state == AM_CELL_BLOCKED && c->base != NULL))
      continue;
    g = prio_group(p, c->state, c->state == AM_CELL_BLOCKED ? c->base : NULL);
    if (g == NULL)
      return AM_ENOMEM;
    grown = realloc(g->rows, (g->nrows + 1) * sizeof(*grown));
    if (grown == NULL)
      return AM_ENOMEM;
    g->rows = grown;
    g->rows[g->nrows++] = r;
  }
  for (size_t i = 0; i < p->ngroups; i++)
    qsort_r(p->groups[i].rows, p->groups[i].nrows, sizeof(size_t), prio_cmp, m);
  if (p->ngroups > 1)
    qsort(p->groups, p->ngroups, sizeof(*p->groups), group_cmp);
  return AM_OK;
}

static int set_columns(am_model *m, const am_report_opts *opts, am_err *err) {
  static const char *const defaults[] = {
      "linux/amd64", "linux/arm64", "linux/arm/v7",  "linux/ppc64le",
      "linux/s390x", "linux/386",   "linux/riscv64", "windows/amd64"};
  const char *const *list = opts->nplatforms ? opts->platforms : defaults;
  size_t n = opts->nplatforms ? opts->nplatforms
                              : sizeof(defaults) / sizeof(*defaults);
  const char *prio =
      opts->priority_platform ? opts->priority_platform : "linux/arm64";
  char norm[AM_PLATFORM_STR_MAX];
  int rc = AM_OK;

  for (size_t i = 0; i <= n; i++) {
    const char *s = i < n ? list[i] : prio;

    rc = am_platform_normalize_string(s, norm, sizeof(norm), err);
    if (rc != AM_OK)
      return am_err_prefix(err, "matrix platforms");
    if (i == n && am_strv_contains(&m->columns, norm))
      break;
    if (am_strv_push_unique(&m->columns, norm) != AM_OK)
      return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  am_platform_normalize_string(prio, norm, sizeof(norm), NULL);
  m->cols = calloc(m->columns.len, sizeof(*m->cols));
  if (m->cols == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  for (size_t i = 0; i < m->columns.len; i++) {
    am_platform_parse(&m->cols[i], m->columns.v[i], NULL);
    if (strcmp(m->columns.v[i], norm) == 0)
      m->priority = i;
  }
  return AM_OK;
}

int am_model_build(am_model *m, const am_scan *scans, size_t nscans,
                   const am_image *images, size_t nimages,
                   const am_report_opts *opts, am_err *err) {
  int rc = AM_OK;

  memset(m, 0, sizeof(*m));
  m->scans = scans;
  m->nscans = nscans;
  m->images = images;
  m->nimages = nimages;
  m->generated_at = am_strdup(opts->generated_at ? opts->generated_at : "");
  if (m->generated_at == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");

  if ((rc = set_columns(m, opts, err)) != AM_OK)
    goto done;

  rc = index_images(m);
  if (rc == AM_OK)
    rc = collect_rows(m);
  if (rc == AM_OK)
    rc = collect_uses(m);
  m->totals = calloc(m->columns.len, sizeof(*m->totals));
  m->prios = calloc(m->columns.len, sizeof(*m->prios));
  if (rc != AM_OK || m->totals == NULL || m->prios == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t r = 0; r < m->nrows; r++) {
    am_row *row = &m->rows[r];

    row->answer = am_model_find_image(m, row->image);
    row->page = am_report_slug(row->image, true);
    row->cells = calloc(m->columns.len, sizeof(*row->cells));
    if (row->page == NULL || row->cells == NULL) {
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
      goto done;
    }
    for (size_t c = 0; c < m->columns.len; c++) {
      am_cell *cell = &row->cells[c];
      am_totals *tot = &m->totals[c];

      rc = row->target ? target_cell(m, cell, row, &m->cols[c])
                       : used_cell(cell, row, &m->cols[c]);
      if (rc != AM_OK) {
        rc = am_err_set(err, AM_ENOMEM, "out of memory");
        goto done;
      }
      if (row->target) {
        tot->targets[cell->state]++;
        tot->ntargets++;
      } else if (cell->state != AM_CELL_UNUSED) {
        tot->used[cell->state]++;
        tot->nused++;
      }
    }
  }

  for (size_t c = 0; c < m->columns.len; c++) {
    if ((rc = build_priorities(m, c)) != AM_OK) {
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
      goto done;
    }
  }
  am_log(AM_LOG_DEBUG, "analysis: %zu targets, %zu used images, %zu columns",
         m->ntargets, m->nrows - m->ntargets, m->columns.len);

done:
  return rc;
}
