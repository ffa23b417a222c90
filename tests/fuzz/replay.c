/* SPDX-License-Identifier: MIT */
/* A main() for the fuzz targets in ordinary builds: run every file named on
 * the command line (folders are read one level deep) through
 * LLVMFuzzerTestOneInput once. This is how crashes found by fuzzing stay
 * fixed: their inputs live in tests/fuzz/regress/<target>/ and run in
 * every build, the sanitizer one included. */
#include "fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

/* Inputs are capped like the fuzzer's -max_len; a bigger file is a
 * mistake in the fixture folder. */
#define REPLAY_MAX (8L * 1024 * 1024)

/* Run one file, read into a buffer of exactly its size so ASan sees any
 * read past the input. */
static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  uint8_t *data = NULL;
  long size = -1;
  int rc = -1;

  if (f == NULL) {
    fprintf(stderr, "replay: %s: cannot open\n", path);
    return -1;
  }
  if (fseek(f, 0, SEEK_END) == 0)
    size = ftell(f);
  if (size < 0 || size > REPLAY_MAX || fseek(f, 0, SEEK_SET) != 0) {
    fprintf(stderr, "replay: %s: unreadable or over %ld bytes\n", path,
            REPLAY_MAX);
    goto done;
  }
  if ((data = malloc(size ? (size_t)size : 1)) == NULL ||
      fread(data, 1, (size_t)size, f) != (size_t)size)
    goto done;
  LLVMFuzzerTestOneInput(data, (size_t)size);
  rc = 0;

done:
  free(data);
  fclose(f);
  return rc;
}

static int run_path(const char *path, size_t *count) {
  struct stat st;
  DIR *d;
  struct dirent *e;
  int rc = 0;

  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: %s: no such file\n", path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    (*count)++;
    return run_file(path);
  }
  if ((d = opendir(path)) == NULL)
    return -1;
  while (rc == 0 && (e = readdir(d)) != NULL) {
    char child[4096];

    if (e->d_name[0] == '.')
      continue;
    snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
    if (stat(child, &st) == 0 && S_ISREG(st.st_mode)) {
      (*count)++;
      rc = run_file(child);
    }
  }
  closedir(d);
  return rc;
}

int main(int argc, char **argv) {
  size_t count = 0;

  for (int i = 1; i < argc; i++) {
    if (run_path(argv[i], &count) != 0)
      return 1;
  }
  printf("replayed %zu inputs\n", count);
  return 0;
}
