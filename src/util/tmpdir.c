/* SPDX-License-Identifier: MIT */
/* The temporary folders of a run, for the interrupt handler. */
#include "util/tmpdir.h"

#include "util/path.h"

#include "util/err.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TMPDIR_MAX 16

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char *dirs[TMPDIR_MAX];

void am_tmpdir_lock(void) {
  pthread_mutex_lock(&lock);
}

void am_tmpdir_unlock(void) {
  pthread_mutex_unlock(&lock);
}

int am_tmpdir_add(const char *path) {
  char *copy = strdup(path);
  int rc = AM_ENOMEM;

  if (copy == NULL)
    return AM_ENOMEM;
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < TMPDIR_MAX; i++) {
    if (dirs[i] == NULL) {
      dirs[i] = copy;
      copy = NULL;
      rc = AM_OK;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  free(copy);
  return rc;
}

void am_tmpdir_forget(const char *path) {
  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < TMPDIR_MAX; i++) {
    if (dirs[i] != NULL && strcmp(dirs[i], path) == 0) {
      free(dirs[i]);
      dirs[i] = NULL;
    }
  }
  pthread_mutex_unlock(&lock);
}

size_t am_tmpdir_remove_all(void) {
  size_t n = 0;

  pthread_mutex_lock(&lock);
  for (size_t i = 0; i < TMPDIR_MAX; i++) {
    if (dirs[i] == NULL)
      continue;
    am_path_remove_tree(dirs[i]);
    free(dirs[i]);
    dirs[i] = NULL;
    n++;
  }
  return n;
}
