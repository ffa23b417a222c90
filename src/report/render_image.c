/* SPDX-License-Identifier: MIT */
/* images/<slug>-<hash>.html: one page per image, with its references, its
 * registry answer, each platform's state, base and digest. */
#include "report/render.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Threads rendering image pages besides the caller, at most. */
#define AM_RENDER_THREADS_MAX 8
/* A site with fewer pages than this per thread is rendered on one. */
#define AM_RENDER_ROWS_PER_THREAD 256

/* Link a base image to its own page when it has one. */
static void set_base(const am_render *r, am_tpl_dict *d, const char *base) {
  const am_row *row = am_model_find_row(r->m, base);

  am_tpl_set(d, "BASE", base);
  if (row != NULL) {
    am_tpl_setf(d, "BASE_PAGE", "%s.html", row->page);
    am_tpl_show(d, "BASE_LINK");
  }
}

/* The base a target declares for `col`, matching os/arch/variant and,
 * for Windows, the build. */
static const char *base_for(const am_target *t, const am_platform *col) {
  for (size_t i = 0; t && i < t->nbases; i++) {
    am_platform p;

    if (am_platform_parse(&p, t->bases[i].platform, NULL) != 0 ||
        !am_platform_same_arch(&p, col))
      continue;
    if (col->os_version[0] && p.os_version[0] &&
        strcmp(am_windows_build_prefix(p.os_version)
                   ? am_windows_build_prefix(p.os_version)
                   : p.os_version,
               am_windows_build_prefix(col->os_version)
                   ? am_windows_build_prefix(col->os_version)
                   : col->os_version) != 0)
      continue;
    return t->bases[i].image;
  }
  return NULL;
}

static void fill_cells(const am_render *r, am_tpl_dict *d, const am_row *row) {
  const am_model *m = r->m;
  am_tpl_dict *blockers = NULL;

  for (size_t c = 0; c < m->columns.len; c++) {
    const am_cell *cell = &row->cells[c];
    am_tpl_dict *cd = am_tpl_section(d, "CELLROW");
    char *page = am_render_platform_page(m->columns.v[c]);
    const char *base = cell->base ? cell->base : base_for(row->t, &m->cols[c]);

    am_tpl_set(cd, "PLATFORM", m->columns.v[c]);
    am_tpl_setf(cd, "PLATFORM_PAGE", "../%s", page ? page : "");
    am_render_cell(cd, cell);
    switch (cell->state) {
    case AM_CELL_PUBLISHED:
      am_tpl_set(cd, "WHY", "in the registry's index");
      break;
    case AM_CELL_DECLARED:
      am_tpl_set(cd, "WHY", cell->note);
      break;
    case AM_CELL_PORTABLE:
      am_tpl_set(cd, "WHY", "not declared; the base image has it");
      break;
    case AM_CELL_BLOCKED:
      am_tpl_set(cd, "WHY", "the base image lacks it");
      break;
    case AM_CELL_MISSING:
      am_tpl_set(cd, "WHY", "not in the registry's index");
      break;
    case AM_CELL_UNUSED:
      am_tpl_set(cd, "WHY", "no reference here is for this platform");
      break;
    default:
      am_tpl_set(cd, "WHY", cell->note);
      break;
    }
    if (base != NULL) {
      set_base(r, cd, base);
      am_tpl_show(cd, "HAS_BASE");
    }
    if (cell->digest != NULL) {
      am_tpl_set(cd, "PDIGEST", cell->digest);
      /* "sha256:" and 12 hex digits tell digests apart at a glance. */
      am_tpl_setf(cd, "PDIGEST_SHORT", "%.19s…", cell->digest);
      am_tpl_show(cd, "HAS_PDIGEST");
    }
    am_tpl_set(cd, "OS_VERSION", cell->os_versions);
    if (cell->state == AM_CELL_BLOCKED && cell->base != NULL) {
      am_tpl_dict *b = NULL;

      if (blockers == NULL)
        blockers = am_tpl_section(d, "BLOCKERS_ANY");
      b = am_tpl_section(blockers, "BLOCKER");
      am_tpl_set(b, "PLATFORM", m->columns.v[c]);
      set_base(r, b, cell->base);
    }
    free(page);
  }
}

static void fill_registry(am_tpl_dict *d, const am_image *answer) {
  am_tpl_dict *any = NULL;

  if (answer == NULL) {
    am_tpl_set(d, "STATUS", "not resolved");
    return;
  }
  am_tpl_set(d, "STATUS", am_report_status_name(answer->status));
  if (answer->error != NULL) {
    am_tpl_set(d, "ERROR", answer->error);
    am_tpl_show(d, "HAS_ERROR");
  }
  if (answer->digest != NULL) {
    am_tpl_set(d, "DIGEST", answer->digest);
    am_tpl_show(d, "HAS_DIGEST");
  }
  if (answer->media_type != NULL) {
    am_tpl_set(d, "MEDIA_TYPE", answer->media_type);
    am_tpl_show(d, "HAS_MEDIA_TYPE");
  }
  for (size_t i = 0; i < answer->nplatforms; i++) {
    am_tpl_dict *e = NULL;

    if (any == NULL)
      any = am_tpl_section(d, "INDEX_ANY");
    e = am_tpl_section(any, "ENTRY");
    am_tpl_set(e, "PLATFORM", answer->platforms[i].platform);
    am_tpl_set(e, "OS_VERSION", answer->platforms[i].os_version);
    am_tpl_set(e, "DIGEST", answer->platforms[i].digest);
  }
}

static void fill_refs(am_tpl_dict *d, const am_row *row) {
  am_tpl_dict *rd = NULL;

  am_tpl_show_if(d, "NO_REFS", row->nrefs == 0);
  for (size_t i = 0; i < row->nrefs; i++) {
    const am_scan *scan = row->refs[i].scan;
    const am_reference *ref = row->refs[i].ref;
    char *link = NULL;

    /* One line building several platforms is one item, with a tag for
     * each platform. */
    if (i > 0 && am_row_ref_same_place(&row->refs[i - 1], &row->refs[i])) {
      if (ref->platform != NULL)
        am_tpl_set(am_tpl_section(rd, "PLATFORM"), "PLATFORM", ref->platform);
      continue;
    }
    rd = am_tpl_section(d, "REF");
    link = am_render_source_link(scan->url, scan->commit, ref->path, ref->line);
    am_tpl_set(rd, "PATH", ref->path);
    am_tpl_set_int(rd, "LINE", ref->line);
    am_tpl_set(rd, "LINK", link);
    am_tpl_show(rd, link ? "HAS_LINK" : "NO_LINK");
    am_tpl_set(rd, "CONTEXT", am_report_context_name(ref->context));
    if (ref->platform != NULL)
      am_tpl_set(am_tpl_section(rd, "PLATFORM"), "PLATFORM", ref->platform);
    if (ref->raw != NULL && strcmp(ref->raw, ref->image) != 0) {
      am_tpl_set(rd, "RAW", ref->raw);
      am_tpl_show(rd, "HAS_RAW");
    }
    free(link);
  }
}

static int render_one(const am_render *r, const am_row *row, am_err *err) {
  am_tpl_dict *d =
      am_render_page_dict(r, am_render_short_name(row->image), "../", "image");
  char *rel = NULL;
  int rc = AM_OK;

  if (d == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  am_render_image_name(d, row->image, NULL, "../");
  am_render_uses(d, row->uses);
  if (row->target) {
    am_tpl_dict *t = am_tpl_section(d, "TARGET");
    char *dir_link =
        row->scan ? am_render_source_link(row->scan->url, row->scan->commit,
                                          row->t->dir, 0)
                  : NULL;

    am_tpl_set(t, "DIR", row->t->dir);
    if (dir_link != NULL) {
      /* A folder is a "tree", not a "blob", on both forges. */
      char *blob = strstr(dir_link, "/blob/");

      if (blob != NULL)
        memcpy(blob, "/tree/", 6);
      am_tpl_set(t, "DIR_LINK", dir_link);
      am_tpl_show(t, "HAS_DIR_LINK");
    }
    free(dir_link);
    if (row->t->nbases > 0) {
      am_tpl_dict *any = am_tpl_section(d, "BASES_ANY");

      for (size_t i = 0; i < row->t->nbases; i++) {
        am_tpl_dict *b = am_tpl_section(any, "BASEROW");

        am_tpl_set(b, "PLATFORM", row->t->bases[i].platform);
        set_base(r, b, row->t->bases[i].image);
      }
    }
  } else {
    am_tpl_show(d, "USED");
  }
  fill_registry(d, row->answer);
  fill_cells(r, d, row);
  fill_refs(d, row);

  rel = am_asprintf("images/%s.html", row->page);
  rc = rel ? am_render_emit(r, "image.html.tpl", d, rel, err)
           : am_err_set(err, AM_ENOMEM, "out of memory");
  free(rel);
  am_tpl_dict_free(d);
  return rc;
}

/* The image pages being rendered: each thread takes the next row until
 * none is left or one of them has failed. */
struct am_render_pages {
  const am_render *r;
  atomic_size_t next;
  atomic_int failed;
  am_err err; /* the first failure */
  pthread_t threads[AM_RENDER_THREADS_MAX];
  size_t nthreads;
};

static void *render_rows(void *ud) {
  am_render_pages *p = ud;
  am_err err;

  am_err_clear(&err);
  while (!atomic_load(&p->failed)) {
    size_t i = atomic_fetch_add(&p->next, 1);

    if (i >= p->r->m->nrows)
      break;
    if (render_one(p->r, &p->r->m->rows[i], &err) != AM_OK) {
      if (atomic_exchange(&p->failed, 1) == 0)
        p->err = err;
      break;
    }
  }
  return NULL;
}

/* The CPUs this process may run on (its affinity mask, which taskset and
 * container runtimes narrow), not every CPU of the machine. */
static size_t usable_cpus(void) {
  cpu_set_t set;
  long online = 0;

  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return (size_t)CPU_COUNT(&set);
  online = sysconf(_SC_NPROCESSORS_ONLN);
  return online > 0 ? (size_t)online : 1;
}

int am_render_pages_start(am_render_pages **out, const am_render *r) {
  am_render_pages *p = calloc(1, sizeof(*p));
  size_t cpus = usable_cpus();
  size_t want = cpus > 1 ? cpus - 1 : 0;

  *out = p;
  if (p == NULL)
    return AM_ENOMEM;
  p->r = r;
  atomic_init(&p->next, 0);
  atomic_init(&p->failed, 0);
  am_err_clear(&p->err);
  if (want > AM_RENDER_THREADS_MAX)
    want = AM_RENDER_THREADS_MAX;
  if (want > r->m->nrows / AM_RENDER_ROWS_PER_THREAD)
    want = r->m->nrows / AM_RENDER_ROWS_PER_THREAD;
  /* A thread that cannot start leaves its share to the others. */
  while (p->nthreads < want &&
         pthread_create(&p->threads[p->nthreads], NULL, render_rows, p) == 0)
    p->nthreads++;
  return AM_OK;
}

int am_render_pages_finish(am_render_pages *p, bool abandon, am_err *err) {
  int rc = AM_OK;

  if (p == NULL)
    return AM_OK;
  if (abandon)
    atomic_store(&p->failed, 1);
  else
    render_rows(p);
  for (size_t i = 0; i < p->nthreads; i++)
    pthread_join(p->threads[i], NULL);
  if (!abandon && atomic_load(&p->failed)) {
    if (err != NULL)
      *err = p->err;
    rc = p->err.code ? p->err.code : AM_ERROR;
  }
  free(p);
  return rc;
}
