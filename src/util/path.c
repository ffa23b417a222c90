/* SPDX-License-Identifier: MIT */
/* Paths: tidy a repository subpath, remove a folder tree. */
#include "util/path.h"

#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *am_path_clean(const char *in) {
  char *out = malloc(strlen(in) + 1);
  size_t n = 0;
  const char *p = in;

  if (out == NULL)
    return NULL;
  while (*p) {
    const char *seg = p;
    size_t len;

    while (*p && *p != '/')
      p++;
    len = (size_t)(p - seg);
    if (len > 0 && !(len == 1 && seg[0] == '.')) {
      if (n)
        out[n++] = '/';
      memcpy(out + n, seg, len);
      n += len;
    }
    while (*p == '/')
      p++;
  }
  out[n] = '\0';
  return out;
}

/* nftw gives no user pointer; removal failures are counted here. The
 * callers (cleanup paths) do not run it from two threads at once on the
 * same count, and a lost count only changes the return value. */
static _Thread_local bool remove_failed;

static int remove_entry(const char *path, const struct stat *st, int flag,
                        struct FTW *ftw) {
  (void)st;
  (void)ftw;
  if ((flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT)
    remove_failed = true;
  return 0;
}

int am_path_remove_tree(const char *path) {
  struct stat st;

  if (lstat(path, &st) != 0)
    return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode))
    return unlink(path) == 0 ? 0 : -1;
  remove_failed = false;
  if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
    return -1;
  return remove_failed ? -1 : 0;
}
