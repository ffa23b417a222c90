/* SPDX-License-Identifier: MIT */
/* am_report_write and am_report_merge: analyse, carry the history over,
 * render every file into a new folder and publish it. */
#include "report/render.h"

#include "util/log.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* data.json files bigger than this are not read back (history, merge). */
#define AM_DATA_MAX (256u << 20)

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* History files are named by us: "<timestamp>[-n].json", nothing else is
 * carried over. */
static bool history_name(const char *name) {
  size_t n = strlen(name);

  if (n < 6 || n > 64 || strcmp(name + n - 5, ".json") != 0)
    return false;
  for (size_t i = 0; i < n - 5; i++) {
    char c = name[i];

    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
          (c >= 'a' && c <= 'z') || c == '-'))
      return false;
  }
  return true;
}

/* The file name of this run in history/: its time without punctuation,
 * made unique against `taken`. */
static char *history_file_name(const char *generated_at, const am_strv *taken) {
  char stamp[40];
  size_t n = 0;

  for (const char *p = generated_at; *p && n < sizeof(stamp) - 1; p++) {
    if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z'))
      stamp[n++] = *p;
  }
  if (n == 0)
    n = (size_t)snprintf(stamp, sizeof(stamp), "run");
  stamp[n] = '\0';
  for (int i = 1; i < 1000; i++) {
    char *name = i == 1 ? am_asprintf("%s.json", stamp)
                        : am_asprintf("%s-%d.json", stamp, i);

    if (name == NULL || !am_strv_contains(taken, name))
      return name;
    free(name);
  }
  return NULL;
}

typedef struct history {
  am_strv names; /* kept earlier runs, oldest first */
  json_t **docs; /* their documents (NULL when unreadable) */
  char *current; /* this run's file name */
} history;

static void history_free(history *h) {
  for (size_t i = 0; h->docs && i < h->names.len; i++)
    json_decref(h->docs[i]);
  free(h->docs);
  am_strv_free(&h->names);
  free(h->current);
}

/* Read the previous site's history/ and keep the newest keep_runs - 1. */
static int history_load(history *h, const char *out_dir, int keep_runs,
                        const char *generated_at, am_err *err) {
  char *dir = am_asprintf("%s/history", out_dir);
  DIR *d = dir ? opendir(dir) : NULL;
  struct dirent *e = NULL;
  am_strv all = {0};
  size_t keep = keep_runs > 1 ? (size_t)keep_runs - 1 : 0;
  size_t first = 0;
  int rc = AM_OK;

  while (d != NULL && (e = readdir(d)) != NULL) {
    struct stat st;

    if (!history_name(e->d_name))
      continue;
    /* Only regular files are carried over: a symbolic link planted in
     * history/ would publish whatever it points at. */
    if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISREG(st.st_mode)) {
      am_log(AM_LOG_WARN, "%s/%s: not a regular file, left out of history", dir,
             e->d_name);
      continue;
    }
    if (am_strv_push(&all, e->d_name) != AM_OK)
      rc = AM_ENOMEM;
  }
  if (d != NULL)
    closedir(d);
  if (all.len > 1)
    qsort(all.v, all.len, sizeof(*all.v), name_cmp);
  first = all.len > keep ? all.len - keep : 0;
  for (size_t i = first; rc == AM_OK && i < all.len; i++)
    rc = am_strv_push(&h->names, all.v[i]);
  if (rc == AM_OK && h->names.len > 0 &&
      (h->docs = calloc(h->names.len, sizeof(*h->docs))) == NULL)
    rc = AM_ENOMEM;
  for (size_t i = 0; rc == AM_OK && i < h->names.len; i++) {
    char *path = am_asprintf("%s/%s", dir, h->names.v[i]);
    json_error_t jerr;

    if (path == NULL) {
      rc = AM_ENOMEM;
      break;
    }
    h->docs[i] = json_load_file(path, 0, &jerr);
    if (h->docs[i] == NULL)
      am_log(AM_LOG_WARN, "%s: unreadable, left out of the trend: %s", path,
             jerr.text);
    free(path);
  }
  if (rc == AM_OK &&
      (h->current = history_file_name(generated_at, &all)) == NULL)
    rc = AM_ENOMEM;
  am_strv_free(&all);
  free(dir);
  if (rc != AM_OK)
    return am_err_set(err, rc, "history: out of memory");
  return AM_OK;
}

/* Carry the kept history files into the new site: hard links to the old
 * site's files where the filesystem allows, so a run does not rewrite
 * the whole history. */
static int history_copy(am_site *site, const history *h, const char *out_dir,
                        am_err *err) {
  int rc = AM_OK;

  for (size_t i = 0; rc == AM_OK && i < h->names.len; i++) {
    char *src = am_asprintf("%s/history/%s", out_dir, h->names.v[i]);
    char *dst = am_asprintf("history/%s", h->names.v[i]);

    rc = src && dst ? am_site_link(site, dst, src, err)
                    : am_err_set(err, AM_ENOMEM, "out of memory");
    free(src);
    free(dst);
  }
  return rc;
}

/* Copy the regular files of the assets folder into assets/. */
static int copy_assets(am_site *site, const char *dir, am_err *err) {
  DIR *d = opendir(dir);
  struct dirent *e = NULL;
  am_strv names = {0};
  int rc = AM_OK;

  if (d == NULL)
    return am_err_set(err, AM_ENOTFOUND, "assets folder %s: cannot open", dir);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] != '.' && am_strv_push(&names, e->d_name) != AM_OK)
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
  }
  closedir(d);
  am_strv_sort(&names);
  for (size_t i = 0; rc == AM_OK && i < names.len; i++) {
    char *src = am_asprintf("%s/%s", dir, names.v[i]);
    char *dst = am_asprintf("assets/%s", names.v[i]);

    rc = src && dst ? am_site_copy(site, dst, src, err)
                    : am_err_set(err, AM_ENOMEM, "out of memory");
    free(src);
    free(dst);
  }
  am_strv_free(&names);
  return rc;
}

static json_t *load_previous(const char *out_dir) {
  char *path = am_asprintf("%s/data.json", out_dir);
  json_error_t jerr;
  json_t *doc = NULL;

  if (path == NULL)
    return NULL;
  doc = json_load_file(path, 0, &jerr);
  if (doc == NULL && access(path, F_OK) == 0)
    am_log(AM_LOG_WARN, "%s: unreadable, not compared: %s", path, jerr.text);
  free(path);
  return doc;
}

/* This run's copy in history/ of the data.json just written. */
static int link_history(am_site *site, const char *hist_rel, am_err *err) {
  char *src = am_asprintf("%s/data.json", site->tmp);
  int rc = src ? am_site_link(site, hist_rel, src, err)
               : am_err_set(err, AM_ENOMEM, "out of memory");

  free(src);
  return rc;
}

/* The pages other than the image pages, and data.json with its copy in
 * history/. */
static int write_others(am_render *r, am_buf *data, const history *h,
                        const char *hist_rel, am_err *err) {
  am_site *site = r->site;
  int rc = am_model_data_write(r->m, data);

  if (rc != AM_OK)
    return am_err_set(err, rc,
                      rc == AM_ENOMEM    ? "data.json: out of memory"
                      : rc == AM_ETOOBIG ? "data.json: bigger than 256 MiB"
                                         : "data.json: a platform name is "
                                           "not UTF-8");
  if ((rc = am_site_write(site, "data.json", data->data, data->len, err)) !=
          AM_OK ||
      (rc = history_copy(site, h, r->opts->out_dir, err)) != AM_OK ||
      (rc = link_history(site, hist_rel, err)) != AM_OK ||
      (rc = am_render_index(r, err)) != AM_OK ||
      (rc = am_render_platforms(r, err)) != AM_OK ||
      (rc = am_render_trend(r, err)) != AM_OK ||
      (rc = am_render_csv(r, err)) != AM_OK ||
      (rc = am_render_summary(r, err)) != AM_OK ||
      (rc = am_render_badges(r, err)) != AM_OK ||
      (rc = copy_assets(site, r->opts->assets_dir, err)) != AM_OK)
    return rc;
  return AM_OK;
}

/* Every page and file rendered from the model: the image pages (most of
 * the site) on other threads, the rest here meanwhile, then this thread
 * helps with what is left. A failure stops the run; the half-written
 * folder is removed and the old site stays. */
static int render_all(am_render *r, am_buf *data, const history *h,
                      const char *hist_rel, am_err *err) {
  am_render_pages *pages = NULL;
  int rc = AM_OK;

  if (am_render_pages_start(&pages, r) != AM_OK) {
    am_render_pages_finish(pages, true, NULL);
    return am_err_set(err, AM_ENOMEM, "out of memory");
  }
  if ((rc = write_others(r, data, h, hist_rel, err)) != AM_OK) {
    am_render_pages_finish(pages, true, NULL);
    return rc;
  }
  return am_render_pages_finish(pages, false, err);
}

int am_report_write(const am_scan *scans, size_t nscans, const am_image *images,
                    size_t nimages, const am_report_opts *in, am_err *err) {
  am_report_opts opts = *in;
  am_model m;
  am_site site;
  history h;
  am_render r;
  am_tpl *tpl = NULL;
  json_t *previous = NULL;
  am_buf data;
  char *hist_rel = NULL;
  char now[32];
  int rc = AM_OK;

  memset(&m, 0, sizeof(m));
  memset(&site, 0, sizeof(site));
  memset(&h, 0, sizeof(h));
  memset(&r, 0, sizeof(r));
  am_buf_init(&data, AM_DATA_MAX);
  if (opts.out_dir == NULL)
    opts.out_dir = "site";
  if (opts.templates_dir == NULL)
    opts.templates_dir = AM_SOURCE_DIR "/templates";
  if (opts.assets_dir == NULL)
    opts.assets_dir = AM_SOURCE_DIR "/assets";
  if (opts.keep_runs <= 0)
    opts.keep_runs = 30;
  if (opts.generated_at == NULL) {
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
    opts.generated_at = now;
  }

  /* Analyse. */
  if ((rc = am_model_build(&m, scans, nscans, images, nimages, &opts, err)))
    goto done;
  previous = load_previous(opts.out_dir);
  if ((rc = history_load(&h, opts.out_dir, opts.keep_runs, m.generated_at,
                         err)) != AM_OK)
    goto done;
  if ((rc = am_model_diff(&m, previous, h.docs, h.names.len, err)) != AM_OK)
    goto done;
  hist_rel = am_asprintf("history/%s", h.current);
  if (hist_rel == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = am_model_set_runs(&m, h.docs, (const char *const *)h.names.v,
                              h.names.len, hist_rel, err)) != AM_OK)
    goto done;
  for (size_t i = 0; i < m.nruns - 1; i++) {
    char *rel = am_asprintf("history/%s", m.runs[i].file);

    free(m.runs[i].file);
    m.runs[i].file = rel;
  }

  /* Render into a new folder beside the old site. */
  if ((tpl = am_tpl_new(opts.templates_dir)) == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = am_site_begin(&site, opts.out_dir, &opts, err)) != AM_OK)
    goto done;
  r.m = &m;
  r.tpl = tpl;
  r.site = &site;
  r.opts = &opts;
  r.title = opts.title ? opts.title : "archmatrix";
  if ((rc = render_all(&r, &data, &h, hist_rel, err)) != AM_OK)
    goto done;

  /* Publish. */
  rc = am_site_commit(&site, err);
  if (rc == AM_OK)
    am_log(AM_LOG_INFO, "wrote %s: %zu files", opts.out_dir, site.nfiles);

done:
  am_site_abort(&site);
  am_tpl_free(tpl);
  am_buf_free(&data);
  free(hist_rel);
  json_decref(previous);
  history_free(&h);
  am_model_free(&m);
  return rc;
}

/* Load one data.json for merge, refusing a huge or foreign file. */
static json_t *load_data(const char *path, am_err *err) {
  json_error_t jerr;
  json_t *doc = NULL;
  FILE *f = fopen(path, "rb");
  long size = -1;

  if (f == NULL) {
    am_err_set(err, AM_EIO, "%s: cannot open", path);
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) == 0)
    size = ftell(f);
  rewind(f);
  if (size < 0 || (unsigned long)size > AM_DATA_MAX) {
    fclose(f);
    am_err_set(err, AM_ETOOBIG, "%s: too big or unreadable", path);
    return NULL;
  }
  doc = json_loadf(f, 0, &jerr);
  fclose(f);
  if (doc == NULL) {
    am_err_set(err, AM_EINVALID, "%s:%d: %s", path, jerr.line, jerr.text);
    return NULL;
  }
  if (!json_is_integer(json_object_get(doc, "schema_version")) ||
      !json_is_array(json_object_get(doc, "sources"))) {
    json_decref(doc);
    am_err_set(err, AM_EINVALID, "%s: not an archmatrix data.json", path);
    return NULL;
  }
  return doc;
}

int am_report_merge(const char *const *data_files, size_t nfiles,
                    const am_report_opts *in, am_err *err) {
  am_report_opts opts = *in;
  json_t **docs = calloc(nfiles ? nfiles : 1, sizeof(*docs));
  am_scan *scans = NULL;
  size_t nscans = 0;
  am_image **loaded = calloc(nfiles ? nfiles : 1, sizeof(*loaded));
  size_t *nloaded = calloc(nfiles ? nfiles : 1, sizeof(*nloaded));
  am_image *merged = NULL;
  size_t nmerged = 0;
  am_strv platforms = {0};
  const char *latest = NULL;
  int rc = AM_OK;

  if (docs == NULL || loaded == NULL || nloaded == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t f = 0; f < nfiles; f++) {
    const json_t *sources = NULL;
    const json_t *src = NULL;
    const char *at = NULL;
    size_t i = 0;
    am_scan *grown = NULL;

    if ((docs[f] = load_data(data_files[f], err)) == NULL) {
      rc = err ? err->code : AM_EINVALID;
      goto done;
    }
    sources = json_object_get(docs[f], "sources");
    grown = realloc(scans,
                    (nscans + json_array_size(sources) + 1) * sizeof(*scans));
    if (grown == NULL) {
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
      goto done;
    }
    scans = grown;
    json_array_foreach(sources, i, src) {
      rc = am_report_load_scan(&scans[nscans++], src, err);
      if (rc != AM_OK) {
        am_err_prefix(err, "%s", data_files[f]);
        goto done;
      }
    }
    rc = am_report_load_images(&loaded[f], &nloaded[f],
                               json_object_get(docs[f], "images"), err);
    if (rc != AM_OK) {
      am_err_prefix(err, "%s", data_files[f]);
      goto done;
    }
    at = json_string_value(json_object_get(docs[f], "generated_at"));
    if (at != NULL && (latest == NULL || strcmp(at, latest) > 0))
      latest = at;
  }

  /* One answer per image: the first usable one wins, so a shard whose
   * registry failed does not hide another shard's answer. */
  for (size_t f = 0; f < nfiles; f++)
    nmerged += nloaded[f];
  merged = calloc(nmerged ? nmerged : 1, sizeof(*merged));
  if (merged == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  nmerged = 0;
  for (size_t f = 0; f < nfiles; f++) {
    for (size_t i = 0; i < nloaded[f]; i++) {
      const am_image *img = &loaded[f][i];
      size_t j = 0;

      while (j < nmerged && strcmp(merged[j].image, img->image) != 0)
        j++;
      if (j == nmerged)
        merged[nmerged++] = *img;
      else if (merged[j].status != AM_IMAGE_OK && img->status == AM_IMAGE_OK)
        merged[j] = *img;
    }
  }

  /* Columns and priority come from the options, else the first file. */
  if (opts.nplatforms == 0 && nfiles > 0) {
    const json_t *v = NULL;
    size_t i = 0;

    json_array_foreach(json_object_get(docs[0], "platforms"), i, v) {
      if (json_is_string(v) &&
          am_strv_push(&platforms, json_string_value(v)) != AM_OK) {
        rc = am_err_set(err, AM_ENOMEM, "out of memory");
        goto done;
      }
    }
    opts.platforms = (const char *const *)platforms.v;
    opts.nplatforms = platforms.len;
  }
  if (opts.priority_platform == NULL && nfiles > 0)
    opts.priority_platform =
        json_string_value(json_object_get(docs[0], "priority_platform"));
  if (opts.generated_at == NULL)
    opts.generated_at = latest;
  rc = am_report_write(scans, nscans, merged, nmerged, &opts, err);

done:
  for (size_t s = 0; s < nscans; s++)
    am_report_free_scan(&scans[s]);
  free(scans);
  free(merged);
  for (size_t f = 0; loaded && f < nfiles; f++)
    am_report_free_images(loaded[f], nloaded[f]);
  for (size_t f = 0; docs && f < nfiles; f++)
    json_decref(docs[f]);
  free(loaded);
  free(nloaded);
  free(docs);
  am_strv_free(&platforms);
  return rc;
}
