/* SPDX-License-Identifier: MIT */
/* am_scan_source: walk a commit, classify its files, and apply the
 * Kubernetes test/images conventions folder by folder. */
#include "scan/scan.h"

#include "ref/ref.h"
#include "scan/scan_int.h"
#include "source/source.h"
#include "util/log.h"
#include "util/path.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DEFAULT_K8S_REGISTRY "registry.k8s.io/e2e-test-images"
/* How many files of interest one scan keeps; past it the walk stops. */
#define SCAN_FILES_MAX 500000
#define BASEIMAGE_LINES_MAX AM_SCAN_BASEIMAGE_LINES_MAX

/* The matrix when the caller names none (issue 3). */
static const char *const default_platforms[] = {
    "linux/amd64", "linux/arm64", "linux/arm/v7",  "linux/ppc64le",
    "linux/s390x", "linux/386",   "linux/riscv64", "windows/amd64"};

/* What the kubernetes scripts build when a folder has no BASEIMAGE. */
static const char *const k8s_default_platforms[] = {
    "linux/amd64", "linux/arm", "linux/arm64", "linux/ppc64le", "linux/s390x"};

typedef enum file_class {
  FILE_DOCKERFILE,
  FILE_BASEIMAGE,
  FILE_VERSION,
  FILE_ALIAS,
  FILE_YAML
} file_class;

/* A file worth reading, kept past the walk by its object id. */
typedef struct scan_file {
  char *path;
  size_t dirlen; /* bytes of path that are its folder (no slash) */
  file_class cls;
  bool symlink;
  size_t size;
  char id[AM_SOURCE_ID_SIZE];
} scan_file;

typedef struct walk_ctx {
  am_source *src;
  am_scan *scan;
  scan_file *files;
  size_t nfiles, cap;
  bool overflow;
  bool k8s_off; /* the kubernetes files are not collected */
} walk_ctx;

/* True when `name` ends with `suffix`, ignoring case. */
static bool ends_with_ci(const char *name, const char *suffix) {
  size_t n = strlen(name);
  size_t m = strlen(suffix);

  return n >= m && strcasecmp(name + n - m, suffix) == 0;
}

/* Extensions that mark documentation, scripts or data named after a
 * Dockerfile (Dockerfile.md, Dockerfile.dockerignore), not a Dockerfile. */
static bool is_not_dockerfile_ext(const char *name) {
  static const char *const exts[] = {
      ".md",  ".markdown",     ".txt",    ".rst",  ".adoc", ".html",
      ".htm", ".pdf",          ".png",    ".svg",  ".orig", ".rej",
      ".bak", ".swp",          ".patch",  ".diff", ".sh",   ".py",
      ".go",  ".json",         ".yaml",   ".yml",  ".toml", ".lock",
      ".log", ".dockerignore", ".ignore", ".sum",  ".tmp"};

  for (size_t i = 0; i < sizeof(exts) / sizeof(*exts); i++) {
    if (ends_with_ci(name, exts[i]))
      return true;
  }
  return false;
}

/* Dockerfile, Containerfile, Dockerfile.*, Dockerfile_*, Dockerfile-*,
 * Containerfile.*, *.Dockerfile, *.dockerfile, all case-insensitive. */
static bool is_dockerfile_name(const char *name) {
  if (strcasecmp(name, "Dockerfile") == 0 ||
      strcasecmp(name, "Containerfile") == 0)
    return true;
  if (is_not_dockerfile_ext(name))
    return false;
  if ((strncasecmp(name, "Dockerfile", 10) == 0 &&
       strchr("._-", name[10]) != NULL && name[10] != '\0' &&
       name[11] != '\0') ||
      (strncasecmp(name, "Containerfile.", 14) == 0 && name[14] != '\0'))
    return true;
  return strlen(name) > 11 && ends_with_ci(name, ".dockerfile");
}

static bool classify(const char *name, file_class *out) {
  if (strcmp(name, "BASEIMAGE") == 0)
    *out = FILE_BASEIMAGE;
  else if (strcmp(name, "VERSION") == 0)
    *out = FILE_VERSION;
  else if (strcmp(name, "ALIAS") == 0)
    *out = FILE_ALIAS;
  else if (is_dockerfile_name(name))
    *out = FILE_DOCKERFILE;
  else if (ends_with_ci(name, ".yaml") || ends_with_ci(name, ".yml"))
    *out = FILE_YAML;
  else
    return false;
  return true;
}

static int visit(am_source *src, const am_entry *e, void *ud) {
  walk_ctx *w = ud;
  file_class cls;
  scan_file *f;

  if (e->kind == AM_ENTRY_DIR)
    return 0;
  if (e->kind == AM_ENTRY_SUBMODULE) {
    am_log(AM_LOG_DEBUG, "%s: submodule, not followed", e->path);
    return 0;
  }
  if (!classify(e->name, &cls))
    return 0;
  if (w->k8s_off &&
      (cls == FILE_BASEIMAGE || cls == FILE_VERSION || cls == FILE_ALIAS))
    return 0;
  if (w->nfiles >= SCAN_FILES_MAX) {
    w->overflow = true;
    return 0;
  }
  if (w->nfiles == w->cap) {
    size_t cap = w->cap ? w->cap * 2 : 64;
    scan_file *p = realloc(w->files, cap * sizeof(*p));

    if (p == NULL)
      return AM_ENOMEM;
    w->files = p;
    w->cap = cap;
  }
  f = &w->files[w->nfiles];
  memset(f, 0, sizeof(*f));
  f->path = am_strdup(e->path);
  if (f->path == NULL)
    return AM_ENOMEM;
  f->dirlen = (size_t)(e->name - e->path);
  if (f->dirlen > 0)
    f->dirlen--;
  f->cls = cls;
  f->symlink = e->kind == AM_ENTRY_SYMLINK;
  f->size = am_source_entry_size(src, e);
  am_source_entry_id(e, f->id);
  w->nfiles++;
  return 0;
}

/* Files in walk order are grouped by folder already; sort anyway so the
 * grouping does not depend on the walk. */
static int cmp_file(const void *pa, const void *pb) {
  const scan_file *a = pa;
  const scan_file *b = pb;
  size_t n = a->dirlen < b->dirlen ? a->dirlen : b->dirlen;
  int c = memcmp(a->path, b->path, n);

  if (c != 0)
    return c;
  if (a->dirlen != b->dirlen)
    return a->dirlen < b->dirlen ? -1 : 1;
  return strcmp(a->path, b->path);
}

static bool same_dir(const scan_file *a, const scan_file *b) {
  return a->dirlen == b->dirlen && memcmp(a->path, b->path, a->dirlen) == 0;
}

/* Read a file that will be parsed as text. A symlink, a blob over the cap
 * or one holding NUL bytes is recorded as unresolved and *text stays NULL. */
static int load_text(walk_ctx *w, const scan_file *f, char **text,
                     size_t *len) {
  am_err err = {0};
  int rc;

  *text = NULL;
  *len = 0;
  if (f->symlink)
    return am_scan_add_unresolved(w->scan, f->path, 0, "",
                                  "symbolic link, not followed");
  if (f->size > AM_SCAN_FILE_MAX) {
    char reason[128];

    snprintf(reason, sizeof(reason), "file is %zu bytes, over the %d limit",
             f->size, AM_SCAN_FILE_MAX);
    return am_scan_add_unresolved(w->scan, f->path, 0, "", reason);
  }
  rc = am_source_read_id(w->src, f->id, f->path, AM_SCAN_FILE_MAX, text, len,
                         &err);
  if (rc == AM_ENOMEM)
    return rc;
  if (rc != AM_OK)
    return am_scan_add_unresolved(w->scan, f->path, 0, "", err.msg);
  if (memchr(*text, '\0', *len) != NULL) {
    free(*text);
    *text = NULL;
    return am_scan_add_unresolved(w->scan, f->path, 0, "",
                                  "binary file (holds NUL bytes), not parsed");
  }
  return AM_OK;
}

/* The first line of a small file, trimmed, as the kubernetes scripts read
 * VERSION and ALIAS. NULL when empty or unreadable. */
static char *first_line(walk_ctx *w, const scan_file *f) {
  char *text = NULL;
  size_t len = 0;
  char *start;
  char *end;
  char *out = NULL;

  if (load_text(w, f, &text, &len) != AM_OK || text == NULL)
    return NULL;
  start = text;
  while (*start && isspace((unsigned char)*start))
    start++;
  end = start;
  while (*end && *end != '\n' && *end != '\r')
    end++;
  while (end > start && isspace((unsigned char)end[-1]))
    end--;
  if (end > start)
    out = am_strndup(start, (size_t)(end - start));
  free(text);
  return out;
}

typedef scan_k8s_line k8s_line;

/* Replace every "REGISTRY" in `s`, as the scripts' sed does. */
static char *expand_registry(const char *s, const char *registry) {
  am_buf b;
  const char *p = s;
  const char *hit;

  am_buf_init(&b, AM_SCAN_WORD_MAX);
  while ((hit = strstr(p, "REGISTRY")) != NULL) {
    if (am_buf_append(&b, p, (size_t)(hit - p)) != AM_OK ||
        am_buf_puts(&b, registry) != AM_OK) {
      am_buf_free(&b);
      return NULL;
    }
    p = hit + 8;
  }
  if (am_buf_puts(&b, p) != AM_OK) {
    am_buf_free(&b);
    return NULL;
  }
  return am_buf_detach(&b);
}

int scan_baseimage(am_scan *scan, const char *path, char *text,
                   const char *registry, scan_k8s_line *lines, size_t *nlines) {
  char *p = text;
  int lineno = 0;
  int rc = AM_OK;

  *nlines = 0;
  while (*p && rc == AM_OK) {
    char *eol = strchr(p, '\n');
    char *next = eol ? eol + 1 : p + strlen(p);
    char *s = p;
    char *e;
    char *eq;
    char *parts[4] = {0};
    size_t nparts = 0;
    k8s_line *kl;
    am_err err = {0};

    lineno++;
    if (eol)
      *eol = '\0';
    p = next;
    while (*s && isspace((unsigned char)*s))
      s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
      *--e = '\0';
    if (*s == '\0' || *s == '#')
      continue;
    eq = strchr(s, '=');
    if (eq == NULL) {
      rc = am_scan_add_unresolved(scan, path, lineno, s,
                                  "BASEIMAGE line is not os/arch=image");
      continue;
    }
    *eq = '\0';
    for (char *tok = s; tok && nparts < 4; nparts++) {
      parts[nparts] = tok;
      tok = strchr(tok, '/');
      if (tok)
        *tok++ = '\0';
    }
    if (nparts < 2 || nparts > 3 || *parts[0] == '\0' || *parts[1] == '\0') {
      *eq = '=';
      for (char *q = s; q < eq; q++)
        if (*q == '\0')
          *q = '/';
      rc = am_scan_add_unresolved(
          scan, path, lineno, s,
          "BASEIMAGE key is not os/arch[/osversion], as image-util.sh needs");
      continue;
    }
    if (*nlines >= BASEIMAGE_LINES_MAX) {
      rc = am_scan_add_unresolved(scan, path, lineno, s,
                                  "too many BASEIMAGE lines");
      break;
    }
    kl = &lines[*nlines];
    memset(kl, 0, sizeof(*kl));
    if (am_platform_from_fields(&kl->plat, parts[0], parts[1], NULL,
                                nparts == 3 ? parts[2] : NULL, &err) != AM_OK) {
      rc = am_scan_add_unresolved(scan, path, lineno, eq + 1, err.msg);
      continue;
    }
    am_platform_format(&kl->plat, false, kl->key, sizeof(kl->key));
    if (nparts == 3) {
      size_t kn = strlen(kl->key);

      snprintf(kl->key + kn, sizeof(kl->key) - kn, "/%s", parts[2]);
      snprintf(kl->os_version, sizeof(kl->os_version), "%s", parts[2]);
    }
    for (size_t i = 0; i < *nlines; i++) {
      if (strcmp(lines[i].key, kl->key) == 0) {
        kl = NULL;
        break;
      }
    }
    if (kl == NULL) {
      rc = am_scan_add_unresolved(scan, path, lineno, eq + 1,
                                  "platform named twice in BASEIMAGE");
      continue;
    }
    kl->line = lineno;
    kl->image = expand_registry(eq + 1, registry);
    if (kl->image == NULL) {
      rc = AM_ENOMEM;
      break;
    }
    rc = scan_add_image(scan, kl->image, path, lineno, AM_CTX_BASEIMAGE,
                        kl->key);
    (*nlines)++;
  }
  return rc;
}

/* Parse BASEIMAGE into `lines`, adding its baseimage references. */
static int parse_baseimage(walk_ctx *w, const scan_file *f,
                           const char *registry, k8s_line *lines,
                           size_t *nlines) {
  char *text = NULL;
  size_t len = 0;
  int rc;

  *nlines = 0;
  if ((rc = load_text(w, f, &text, &len)) != AM_OK || text == NULL)
    return rc;
  rc = scan_baseimage(w->scan, f->path, text, registry, lines, nlines);
  free(text);
  return rc;
}

/* Build the list of matrix platforms from the options. */
static int matrix_builds(const am_scan_opts *opts, scan_build **out,
                         char ***keys, size_t *n) {
  const char *const *list = default_platforms;
  size_t count = sizeof(default_platforms) / sizeof(*default_platforms);
  scan_build *b = NULL;
  char **k = NULL;
  size_t m = 0;

  if (opts && opts->nplatforms > 0) {
    list = opts->platforms;
    count = opts->nplatforms;
  }
  if (count > AM_SCAN_PLATFORMS_MAX)
    count = AM_SCAN_PLATFORMS_MAX;
  b = calloc(count ? count : 1, sizeof(*b));
  k = calloc(count ? count : 1, sizeof(*k));
  if (b == NULL || k == NULL) {
    free(b);
    free(k);
    return AM_ENOMEM;
  }
  for (size_t i = 0; i < count; i++) {
    char buf[AM_PLATFORM_STR_MAX];
    am_err err = {0};

    if (am_platform_parse(&b[m].plat, list[i], &err) != AM_OK) {
      am_log(AM_LOG_WARN, "matrix platform %s ignored: %s", list[i], err.msg);
      continue;
    }
    am_platform_format(&b[m].plat, true, buf, sizeof(buf));
    k[m] = am_strdup(buf);
    if (k[m] == NULL)
      break;
    b[m].key = k[m];
    b[m].os_ver = "";
    m++;
  }
  *out = b;
  *keys = k;
  *n = m;
  return AM_OK;
}

static void free_builds(scan_build *b, size_t n) {
  for (size_t i = 0; i < n; i++) {
    free(b[i].final_base);
    b[i].final_base = NULL;
  }
}

/* The scan-wide state that per-folder work needs. */
typedef struct scan_run {
  walk_ctx *w;
  const am_scan_opts *opts;
  const char *registry;
  scan_build *matrix;
  size_t nmatrix;
  char **clean_paths; /* the --path list, cleaned */
  size_t npaths;
} scan_run;

/* Parse a Dockerfile with the given builds. */
static int run_dockerfile(scan_run *r, const scan_file *f, scan_build *builds,
                          size_t nbuilds, bool k8s) {
  char *text = NULL;
  size_t len = 0;
  scan_df_opts o = {0};
  int rc;

  if ((rc = load_text(r->w, f, &text, &len)) != AM_OK || text == NULL)
    return rc;
  o.builds = builds;
  o.nbuilds = nbuilds;
  o.k8s = k8s;
  o.registry = r->registry;
  rc = scan_dockerfile(r->w->scan, f->path, text, len, &o);
  free(text);
  return rc;
}

static int run_yaml(scan_run *r, const scan_file *f) {
  char *text = NULL;
  size_t len = 0;
  int rc;

  if ((rc = load_text(r->w, f, &text, &len)) != AM_OK || text == NULL)
    return rc;
  rc = scan_yaml(r->w->scan, f->path, text, len);
  free(text);
  return rc;
}

/* True when folder `dir` (length n) holds a regular image-util.sh. The
 * commit's tree answers, not the walk: an images root above a --path
 * folder was never walked, yet the kubernetes scripts see it there. */
static bool has_image_util(scan_run *r, const char *dir, size_t n) {
  char path[4096 + sizeof("/image-util.sh")];

  if (n >= 4096)
    return false;
  snprintf(path, sizeof(path), "%.*s%simage-util.sh", (int)n, dir,
           n ? "/" : "");
  return am_source_has_file(r->w->src, path);
}

/* The image name of folder `dir` below its images root: the nearest
 * enclosing folder with image-util.sh, else the --path scanned. */
static char *k8s_image_name(scan_run *r, const char *dir, size_t dirlen) {
  size_t root = (size_t)-1;

  for (size_t n = dirlen; n > 0; n--) {
    if (n < dirlen && dir[n] != '/')
      continue;
    if (n < dirlen && has_image_util(r, dir, n)) {
      root = n;
      break;
    }
  }
  if (root == (size_t)-1 && dirlen > 0 && has_image_util(r, "", 0))
    root = 0;
  if (root == (size_t)-1) {
    size_t best = 0;
    bool found = false;

    for (size_t i = 0; i < r->npaths; i++) {
      size_t n = strlen(r->clean_paths[i]);

      if (n <= dirlen && memcmp(r->clean_paths[i], dir, n) == 0 &&
          (n == 0 || n == dirlen || dir[n] == '/') && (!found || n > best)) {
        best = n;
        found = true;
      }
    }
    root = found ? best : 0;
  }
  if (root == dirlen) {
    /* The folder is the root itself: its own name is all there is. */
    const char *slash = dirlen ? memchr(dir, '/', dirlen) : NULL;
    const char *last = dir;

    while (slash != NULL) {
      last = slash + 1;
      slash = memchr(last, '/', dirlen - (size_t)(last - dir));
    }
    return dirlen ? am_strndup(last, dirlen - (size_t)(last - dir)) : NULL;
  }
  if (root > 0)
    root++; /* skip the slash */
  return am_strndup(dir + root, dirlen - root);
}

/* Apply the kubernetes conventions to one folder holding BASEIMAGE or
 * VERSION: its Dockerfiles per BASEIMAGE line, and its target. */
static int run_k8s_folder(scan_run *r, scan_file *files, size_t n) {
  const scan_file *baseimage = NULL;
  const scan_file *version = NULL;
  const scan_file *alias = NULL;
  const scan_file *df = NULL;
  const scan_file *df_win = NULL;
  k8s_line lines[BASEIMAGE_LINES_MAX];
  size_t nlines = 0;
  scan_build builds[BASEIMAGE_LINES_MAX];
  size_t nlinux = 0;
  size_t nwin = 0;
  size_t order[BASEIMAGE_LINES_MAX];
  char *tag = NULL;
  char *name = NULL;
  char *image = NULL;
  am_target *target = NULL;
  int rc = AM_OK;

  memset(builds, 0, sizeof(builds));
  for (size_t i = 0; i < n; i++) {
    const char *base =
        files[i].path + files[i].dirlen + (files[i].dirlen ? 1 : 0);

    if (files[i].cls == FILE_BASEIMAGE)
      baseimage = &files[i];
    else if (files[i].cls == FILE_VERSION)
      version = &files[i];
    else if (files[i].cls == FILE_ALIAS)
      alias = &files[i];
    else if (files[i].cls == FILE_DOCKERFILE && strcmp(base, "Dockerfile") == 0)
      df = &files[i];
    else if (files[i].cls == FILE_DOCKERFILE &&
             strcmp(base, "Dockerfile_windows") == 0)
      df_win = &files[i];
  }

  if (baseimage != NULL) {
    rc = parse_baseimage(r->w, baseimage, r->registry, lines, &nlines);
    if (rc != AM_OK)
      goto done;
  } else {
    const char *const *list = k8s_default_platforms;
    size_t count =
        sizeof(k8s_default_platforms) / sizeof(*k8s_default_platforms);

    if (r->opts && r->opts->nk8s_platforms > 0) {
      list = r->opts->k8s_platforms;
      count = r->opts->nk8s_platforms;
    }
    for (size_t i = 0; i < count && nlines < BASEIMAGE_LINES_MAX; i++) {
      k8s_line *kl = &lines[nlines];
      am_err perr = {0};

      memset(kl, 0, sizeof(*kl));
      if (am_platform_parse(&kl->plat, list[i], &perr) != AM_OK) {
        am_log(AM_LOG_WARN, "kubernetes platform %s ignored: %s", list[i],
               perr.msg);
        continue;
      }
      /* A Windows entry keeps its OS version, as a BASEIMAGE key does. */
      am_platform_format(&kl->plat, true, kl->key, sizeof(kl->key));
      memcpy(kl->os_version, kl->plat.os_version, sizeof(kl->os_version));
      nlines++;
    }
  }

  /* Linux lines build from Dockerfile; Windows lines from
   * Dockerfile_windows when the folder has one. */
  for (size_t i = 0; i < nlines; i++) {
    builds[i].key = lines[i].key;
    builds[i].plat = lines[i].plat;
    builds[i].base = baseimage ? (lines[i].image ? lines[i].image : "") : NULL;
    builds[i].os_ver = lines[i].os_version;
  }
  for (size_t i = 0; i < nlines; i++) {
    if (df_win == NULL || strcmp(lines[i].plat.os, "windows") != 0)
      order[nlinux++] = i;
  }
  if (df != NULL && nlinux > 0) {
    scan_build sub[BASEIMAGE_LINES_MAX];

    for (size_t i = 0; i < nlinux; i++)
      sub[i] = builds[order[i]];
    rc = run_dockerfile(r, df, sub, nlinux, true);
    for (size_t i = 0; i < nlinux; i++)
      builds[order[i]].final_base = sub[i].final_base;
    if (rc != AM_OK)
      goto done;
  }
  if (df_win != NULL) {
    scan_build sub[BASEIMAGE_LINES_MAX];
    size_t idx[BASEIMAGE_LINES_MAX];

    for (size_t i = 0; i < nlines; i++) {
      if (strcmp(lines[i].plat.os, "windows") == 0) {
        idx[nwin] = i;
        sub[nwin++] = builds[i];
      }
    }
    if (nwin > 0) {
      rc = run_dockerfile(r, df_win, sub, nwin, true);
      for (size_t i = 0; i < nwin; i++)
        builds[idx[i]].final_base = sub[i].final_base;
      if (rc != AM_OK)
        goto done;
    }
  }

  /* The scripts build a VERSION folder from its Dockerfile; without one
   * (docs/VERSION, say) the folder publishes nothing. */
  if (version == NULL || (df == NULL && df_win == NULL))
    goto done;
  tag = first_line(r->w, version);
  name = alias ? first_line(r->w, alias) : NULL;
  if (name == NULL)
    name = k8s_image_name(r, version->path, version->dirlen);
  if (tag == NULL || name == NULL) {
    rc = am_scan_add_unresolved(
        r->w->scan, version->path, tag ? 0 : 1, tag ? tag : "",
        tag ? "cannot name the image of this folder" : "VERSION is empty");
    goto done;
  }
  image = am_asprintf("%s/%s:%s", r->registry, name, tag);
  if (image == NULL) {
    rc = AM_ENOMEM;
    goto done;
  }
  {
    char norm[AM_REF_STR_MAX];
    char *dir = am_strndup(version->path, version->dirlen);
    am_err err = {0};

    if (dir == NULL) {
      rc = AM_ENOMEM;
      goto done;
    }
    if (am_ref_normalize(image, norm, sizeof(norm), &err) != AM_OK) {
      rc = am_scan_add_unresolved(r->w->scan, version->path, 1, image, err.msg);
      free(dir);
      goto done;
    }
    rc = am_scan_add_target(r->w->scan, norm, dir, &target);
    free(dir);
    if (rc != AM_OK)
      goto done;
  }
  for (size_t i = 0; i < nlines && rc == AM_OK; i++) {
    char norm[AM_REF_STR_MAX];
    const char *base = NULL;

    if (baseimage != NULL && lines[i].image != NULL &&
        am_ref_normalize(lines[i].image, norm, sizeof(norm), NULL) == AM_OK)
      base = norm;
    else if (baseimage == NULL)
      base = builds[i].final_base;
    rc = am_target_add_platform(target, lines[i].key, base);
  }

done:
  for (size_t i = 0; i < nlines; i++)
    free(lines[i].image);
  free_builds(builds, nlines);
  free(tag);
  free(name);
  free(image);
  return rc;
}

/* Process one folder's files: the kubernetes conventions when it has
 * BASEIMAGE or VERSION, then every other Dockerfile and YAML file. */
static int run_folder(scan_run *r, scan_file *files, size_t n) {
  bool k8s = false;
  int rc = AM_OK;

  for (size_t i = 0; i < n; i++) {
    if (files[i].cls == FILE_BASEIMAGE || files[i].cls == FILE_VERSION)
      k8s = true;
  }
  if (k8s && (rc = run_k8s_folder(r, files, n)) != AM_OK)
    return rc;
  for (size_t i = 0; i < n && rc == AM_OK; i++) {
    const scan_file *f = &files[i];
    const char *base = f->path + f->dirlen + (f->dirlen ? 1 : 0);

    if (f->cls == FILE_YAML) {
      rc = run_yaml(r, f);
    } else if (f->cls == FILE_DOCKERFILE) {
      if (k8s && (strcmp(base, "Dockerfile") == 0 ||
                  strcmp(base, "Dockerfile_windows") == 0))
        continue;
      rc = run_dockerfile(r, f, r->matrix, r->nmatrix, false);
      free_builds(r->matrix, r->nmatrix);
    }
  }
  return rc;
}

int am_scan_source(am_scan *out, am_source *src, const am_scan_opts *opts,
                   am_err *err) {
  walk_ctx w = {0};
  scan_run r = {0};
  char **keys = NULL;
  int rc = AM_OK;

  w.src = src;
  w.scan = out;
  w.k8s_off = opts && opts->k8s_off;
  r.w = &w;
  r.opts = opts;
  r.registry = opts && opts->k8s_registry && *opts->k8s_registry
                   ? opts->k8s_registry
                   : DEFAULT_K8S_REGISTRY;

  if (out->url == NULL && (out->url = am_strdup(am_source_url(src))) == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (out->commit == NULL &&
      (out->commit = am_strdup(am_source_commit(src))) == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");

  if (opts && opts->npaths > 0) {
    r.clean_paths = calloc(opts->npaths, sizeof(char *));
    if (r.clean_paths == NULL) {
      rc = am_err_set(err, AM_ENOMEM, "out of memory");
      goto done;
    }
    for (size_t i = 0; i < opts->npaths; i++) {
      if ((r.clean_paths[i] = am_path_clean(opts->paths[i])) == NULL) {
        rc = am_err_set(err, AM_ENOMEM, "out of memory");
        goto done;
      }
      r.npaths++;
    }
  }
  rc = am_source_walk(src, opts ? opts->paths : NULL, opts ? opts->npaths : 0,
                      visit, &w, err);
  if (rc != AM_OK)
    goto done;
  if (w.overflow)
    am_log(AM_LOG_WARN, "%s: more than %d files of interest, rest skipped",
           am_source_url(src), SCAN_FILES_MAX);
  if (w.nfiles > 1) {
    size_t kept = 1;

    qsort(w.files, w.nfiles, sizeof(*w.files), cmp_file);
    /* Overlapping --path arguments visit a file twice; once is enough. */
    for (size_t i = 1; i < w.nfiles; i++) {
      if (strcmp(w.files[i].path, w.files[kept - 1].path) == 0) {
        free(w.files[i].path);
        continue;
      }
      w.files[kept++] = w.files[i];
    }
    w.nfiles = kept;
  }

  if (matrix_builds(opts, &r.matrix, &keys, &r.nmatrix) != AM_OK) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < w.nfiles;) {
    size_t j = i + 1;

    while (j < w.nfiles && same_dir(&w.files[i], &w.files[j]))
      j++;
    rc = run_folder(&r, &w.files[i], j - i);
    if (rc != AM_OK) {
      rc = am_err_set(err, rc, "%s: scan failed: %s", am_source_url(src),
                      am_err_name(rc));
      goto done;
    }
    i = j;
  }
  am_scan_sort(out);

done:
  for (size_t i = 0; i < w.nfiles; i++)
    free(w.files[i].path);
  free(w.files);
  for (size_t i = 0; i < r.npaths; i++)
    free(r.clean_paths[i]);
  free(r.clean_paths);
  if (keys != NULL) {
    for (size_t i = 0; i < r.nmatrix; i++)
      free(keys[i]);
  }
  free(keys);
  free(r.matrix);
  return rc;
}
