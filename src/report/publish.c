/* SPDX-License-Identifier: MIT */
/* Atomic publishing: the new site is written beside the old one and swapped
 * in with one rename, so readers and a killed run only ever see a whole
 * site. */
#include "report/publish.h"

#include "util/log.h"
#include "util/path.h"
#include "util/strv.h"
#include "util/tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Split `out_dir` into its parent folder and base name (owned strings). */
static int split_path(const char *out_dir, char **parent, char **base) {
  char *a = am_strdup(out_dir);
  char *b = am_strdup(out_dir);
  size_t n = a ? strlen(a) : 0;

  /* "site/" names the same folder as "site". */
  while (n > 1 && a[n - 1] == '/') {
    a[--n] = '\0';
    b[n] = '\0';
  }
  *parent = a ? am_strdup(dirname(a)) : NULL;
  *base = b ? am_strdup(basename(b)) : NULL;
  free(a);
  free(b);
  return *parent && *base ? AM_OK : AM_ENOMEM;
}

/* Remove ".<base>.tmp-<pid>-*" folders whose run is gone; a live run's
 * folder is left alone. */
static void remove_stale(const char *parent, const char *base) {
  DIR *d = opendir(parent);
  struct dirent *e = NULL;
  char *prefix = am_asprintf(".%s.tmp-", base);
  size_t plen = prefix ? strlen(prefix) : 0;

  while (d != NULL && prefix != NULL && (e = readdir(d)) != NULL) {
    long pid = 0;
    char *path = NULL;

    if (strncmp(e->d_name, prefix, plen) != 0)
      continue;
    pid = strtol(e->d_name + plen, NULL, 10);
    if (pid > 0 && (kill((pid_t)pid, 0) == 0 || errno == EPERM) &&
        pid != (long)getpid())
      continue;
    path = am_asprintf("%s/%s", parent, e->d_name);
    if (path != NULL) {
      am_log(AM_LOG_INFO, "removing %s, left by an interrupted run", path);
      am_path_remove_tree(path);
    }
    free(path);
  }
  if (d != NULL)
    closedir(d);
  free(prefix);
}

/* True when `dir` exists and may be replaced: empty, or an earlier site. */
static int check_replaceable(const char *dir, am_err *err) {
  struct stat st;
  DIR *d = NULL;
  struct dirent *e = NULL;
  bool empty = true;
  char *marker = NULL;
  int rc = AM_OK;

  if (lstat(dir, &st) != 0)
    return errno == ENOENT
               ? AM_OK
               : am_err_set(err, AM_EIO, "%s: %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return am_err_set(err, AM_EUSAGE, "%s: exists and is not a folder", dir);
  if ((d = opendir(dir)) == NULL)
    return am_err_set(err, AM_EIO, "%s: %s", dir, strerror(errno));
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  closedir(d);
  marker = am_asprintf("%s/data.json", dir);
  if (marker == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (!empty && access(marker, F_OK) != 0)
    rc = am_err_set(err, AM_EUSAGE,
                    "refusing to replace %s: not empty and not an archmatrix "
                    "site (no data.json)",
                    dir);
  free(marker);
  return rc;
}

int am_site_begin(am_site *site, const char *out_dir,
                  const am_report_opts *opts, am_err *err) {
  char *parent = NULL;
  char *base = NULL;
  int rc = AM_OK;

  memset(site, 0, sizeof(*site));
  site->on_file = opts->on_file;
  site->on_file_ud = opts->on_file_ud;
  if ((rc = check_replaceable(out_dir, err)) != AM_OK)
    goto done;
  if (split_path(out_dir, &parent, &base) != AM_OK) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if (mkdir(parent, 0777) != 0 && errno != EEXIST) {
    rc = am_err_set(err, AM_EIO, "%s: %s", parent, strerror(errno));
    goto done;
  }
  remove_stale(parent, base);
  site->final = am_strdup(out_dir);
  site->tmp =
      am_asprintf("%s/.%s.tmp-%ld-XXXXXX", parent, base, (long)getpid());
  if (site->final == NULL || site->tmp == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if (mkdtemp(site->tmp) == NULL) {
    rc = am_err_set(err, AM_EIO, "%s: %s", site->tmp, strerror(errno));
    goto done;
  }
  /* mkdtemp makes the folder 0700; a site is meant to be served. */
  chmod(site->tmp, 0755);
  /* An interrupted run removes it (src/cli/signals.c); a killed one leaves
   * it to the next run's remove_stale. */
  am_tmpdir_add(site->tmp);

done:
  free(parent);
  free(base);
  if (rc != AM_OK) {
    free(site->final);
    free(site->tmp);
    memset(site, 0, sizeof(*site));
  }
  return rc;
}

/* Create the folders of `relpath` inside the site, each once per run: a
 * mkdir of every component for every page was five failing system calls
 * per file. Called with the temporary-folder lock held. */
static int make_parents(am_site *site, const char *relpath) {
  char *dir = am_strdup(relpath);
  char *slash = dir ? strrchr(dir, '/') : NULL;
  int rc = AM_OK;

  if (dir == NULL)
    return AM_ENOMEM;
  if (slash == NULL || am_strv_contains(&site->dirs, dir)) {
    free(dir);
    return AM_OK;
  }
  *slash = '\0';
  if (!am_strv_contains(&site->dirs, dir)) {
    for (char *p = dir;; p++) {
      if (*p == '/' || *p == '\0') {
        char saved = *p;
        char *path = NULL;

        *p = '\0';
        path = am_asprintf("%s/%s", site->tmp, dir);
        if (path == NULL)
          rc = AM_ENOMEM;
        else if (mkdir(path, 0755) != 0 && errno != EEXIST)
          rc = AM_EIO;
        free(path);
        *p = saved;
        if (rc != AM_OK || saved == '\0')
          break;
      }
    }
    if (rc == AM_OK)
      rc = am_strv_push(&site->dirs, dir);
  }
  free(dir);
  return rc;
}

/* Only names this module made reach the site, but check anyway that a
 * path stays inside it. */
static bool safe_relpath(const char *rel) {
  if (rel[0] == '\0' || rel[0] == '/')
    return false;
  for (const char *p = rel; *p; p++) {
    if ((p == rel || p[-1] == '/') && p[0] == '.' && p[1] == '.' &&
        (p[2] == '/' || p[2] == '\0'))
      return false;
  }
  return true;
}

/* Create `relpath` (at `path`) in the new site, its descriptor in *fd. */
static int create_file(int *fd, am_site *site, const char *relpath,
                       const char *path, am_err *err) {
  int rc = make_parents(site, relpath);

  if (rc == AM_ENOMEM)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  if (rc != AM_OK ||
      (*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0)
    return am_err_set(err, AM_EIO, "%s: %s", path, strerror(errno));
  return AM_OK;
}

/* Count a finished file and let the caller's hook stop the run. */
static int file_done(am_site *site, const char *relpath, am_err *err) {
  int rc = AM_OK;

  am_tmpdir_lock();
  site->nfiles++;
  if (site->on_file != NULL && site->on_file(relpath, site->on_file_ud) != 0)
    rc = am_err_set(err, AM_ERROR, "site writing abandoned after %s", relpath);
  am_tmpdir_unlock();
  return rc;
}

int am_site_write(am_site *site, const char *relpath, const void *data,
                  size_t len, am_err *err) {
  char *path = NULL;
  int fd = -1;
  int rc = AM_OK;
  const char *p = data;

  if (!safe_relpath(relpath))
    return am_err_set(err, AM_EINVALID, "unsafe site path %s", relpath);
  path = am_asprintf("%s/%s", site->tmp, relpath);
  if (path == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");

  /* Files are created under the temporary-folder lock, which an interrupt
   * takes and keeps while it removes the folder: nothing is created in it
   * afterwards. Writing needs no lock (a file removed meanwhile takes the
   * bytes and goes), so pages rendered on several threads are written at
   * the same time. */
  am_tmpdir_lock();
  rc = create_file(&fd, site, relpath, path, err);
  am_tmpdir_unlock();
  if (rc != AM_OK)
    goto done;
  while (len > 0) {
    ssize_t n = write(fd, p, len);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      rc = am_err_set(err, AM_EIO, "%s: %s", path, strerror(errno));
      goto done;
    }
    p += n;
    len -= (size_t)n;
  }
  /* No fsync per file: am_site_commit flushes the whole folder once,
   * before the rename that publishes it. */
  rc = file_done(site, relpath, err);

done:
  if (fd >= 0)
    close(fd);
  free(path);
  return rc;
}

int am_site_link(am_site *site, const char *relpath, const char *src,
                 am_err *err) {
  struct stat st;
  char *path = NULL;
  int rc = AM_OK;
  int linked = -1;

  if (!safe_relpath(relpath))
    return am_err_set(err, AM_EINVALID, "unsafe site path %s", relpath);
  /* Only a regular file is shared: a symbolic link planted in the old
   * site must not reach the new one. */
  if (lstat(src, &st) != 0)
    return am_err_set(err, AM_EIO, "%s: %s", src, strerror(errno));
  if (!S_ISREG(st.st_mode))
    return am_err_set(err, AM_EIO, "%s: not a regular file", src);
  path = am_asprintf("%s/%s", site->tmp, relpath);
  if (path == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  am_tmpdir_lock();
  rc = make_parents(site, relpath);
  if (rc == AM_OK)
    linked = link(src, path);
  am_tmpdir_unlock();
  free(path);
  if (rc == AM_ENOMEM)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  /* Another filesystem, or one without hard links: copy the bytes. */
  if (rc != AM_OK || linked != 0)
    return am_site_copy(site, relpath, src, err);
  return file_done(site, relpath, err);
}

int am_site_copy(am_site *site, const char *relpath, const char *src,
                 am_err *err) {
  FILE *f = fopen(src, "rb");
  char *data = NULL;
  long size = 0;
  int rc = AM_OK;

  if (f == NULL)
    return am_err_set(err, AM_EIO, "%s: %s", src, strerror(errno));
  if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
      fseek(f, 0, SEEK_SET) != 0) {
    rc = am_err_set(err, AM_EIO, "%s: cannot read", src);
    goto done;
  }
  if ((data = malloc((size_t)size + 1)) == NULL) {
    rc = am_err_set(err, AM_ENOMEM, "out of memory");
    goto done;
  }
  if (fread(data, 1, (size_t)size, f) != (size_t)size) {
    rc = am_err_set(err, AM_EIO, "%s: cannot read", src);
    goto done;
  }
  rc = am_site_write(site, relpath, data, (size_t)size, err);

done:
  free(data);
  fclose(f);
  return rc;
}

static void sync_dir(const char *path) {
  char *copy = am_strdup(path);
  int fd = copy ? open(dirname(copy), O_RDONLY | O_DIRECTORY) : -1;

  if (fd >= 0) {
    fsync(fd);
    close(fd);
  }
  free(copy);
}

/* Put every file of the new site on disk before the rename that publishes
 * it can: one syncfs for the folder's filesystem costs one journal commit,
 * where an fsync per file cost one each (5,000 pages took seconds). */
static int flush_site(const am_site *site, am_err *err) {
  int fd = open(site->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int rc = AM_OK;

  if (fd < 0 || syncfs(fd) != 0)
    rc = am_err_set(err, AM_EIO, "%s: %s", site->tmp, strerror(errno));
  if (fd >= 0)
    close(fd);
  return rc;
}

/* am_site_commit, with the temporary-folder lock held by the caller. */
static int site_commit(am_site *site, am_err *err) {
  struct stat st;

  if (flush_site(site, err) != AM_OK)
    return AM_EIO;
  if (lstat(site->final, &st) != 0) {
    if (rename(site->tmp, site->final) != 0)
      return am_err_set(err, AM_EIO, "%s: %s", site->final, strerror(errno));
  } else if (renameat2(AT_FDCWD, site->tmp, AT_FDCWD, site->final,
                       RENAME_EXCHANGE) != 0) {
    /* RENAME_EXCHANGE swaps the two folders in one step. A filesystem
     * without it gets two renames: readers may briefly see no site, but
     * never a partial one. */
    char *old = am_asprintf("%s.old", site->tmp);

    if (old == NULL)
      return am_err_set(err, AM_ENOMEM, "out of memory");
    if (rename(site->final, old) != 0) {
      free(old);
      return am_err_set(err, AM_EIO, "%s: %s", site->final, strerror(errno));
    }
    if (rename(site->tmp, site->final) != 0) {
      int saved = errno;

      rename(old, site->final);
      free(old);
      return am_err_set(err, AM_EIO, "%s: %s", site->final, strerror(saved));
    }
    am_path_remove_tree(old);
    free(old);
  } else {
    /* The old site now sits at the temporary name. */
    if (am_path_remove_tree(site->tmp) != 0)
      am_log(AM_LOG_WARN, "%s: could not remove the previous site", site->tmp);
  }
  sync_dir(site->final);
  return AM_OK;
}

int am_site_commit(am_site *site, am_err *err) {
  int rc;

  /* The swap and the removal of the old site are one step for an
   * interrupt: it sees the new site in place, or the old one. */
  am_tmpdir_lock();
  rc = site_commit(site, err);
  am_tmpdir_unlock();
  if (rc == AM_OK) {
    am_tmpdir_forget(site->tmp);
    free(site->tmp);
    site->tmp = NULL;
    am_strv_free(&site->dirs);
  }
  return rc;
}

void am_site_abort(am_site *site) {
  if (site == NULL)
    return;
  if (site->tmp != NULL) {
    am_path_remove_tree(site->tmp);
    am_tmpdir_forget(site->tmp);
  }
  free(site->tmp);
  free(site->final);
  am_strv_free(&site->dirs);
  memset(site, 0, sizeof(*site));
}
