/* SPDX-License-Identifier: MIT */
/* Clone and incremental fetch over smart HTTP: lighttpd + git http-backend
 * on loopback serve a bare repository; the first open clones a mirror, the
 * second sees a new commit by fetching into the same mirror.
 * Usage: test_http_fetch SERVER_DIR REPOS_DIR WORK_DIR */
#include "util/path.h"
#include "source/source.h"
#include "gitcommit.h"

#include <git2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      const git_error *e_ = git_error_last();                                  \
      fprintf(stderr, "%s:%d: check failed: %s (%s)\n", __FILE__, __LINE__,    \
              #cond, e_ && e_->message ? e_->message : "");                    \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

const char *__lsan_default_suppressions(void);

/* libgit2 1.5 (Debian 12) leaks pcre2 match data; not ours. */
const char *__lsan_default_suppressions(void) {
  return "leak:libpcre2-8.so\n";
}

int main(int argc, char **argv) {
  char url[4096];
  char origin[4096];
  char cache[4096];
  char first[GIT_OID_HEXSZ + 1];
  char second[GIT_OID_HEXSZ + 1];
  char base[2048] = "";
  FILE *fp;
  am_source_opts opts = {0};
  am_source *src = NULL;
  am_err err = {0};
  git_repository *repo = NULL;
  size_t n;

  if (argc != 4) {
    fprintf(stderr, "usage: test_http_fetch SERVER_DIR REPOS_DIR WORK\n");
    return 2;
  }
  git_libgit2_init();
  snprintf(cache, sizeof(cache), "%s/url", argv[1]);
  fp = fopen(cache, "r");
  CHECK(fp != NULL);
  n = fread(base, 1, sizeof(base) - 1, fp);
  fclose(fp);
  base[n] = '\0';
  while (n > 0 && (base[n - 1] == '\n' || base[n - 1] == '\r'))
    base[--n] = '\0';

  snprintf(origin, sizeof(origin), "%s/scan-http.git", argv[2]);
  am_path_remove_tree(origin);
  am_path_remove_tree(argv[3]);
  CHECK(git_repository_init(&repo, origin, 1) == 0);
  git_repository_free(repo);
  CHECK(am_test_commit_file(origin, "Dockerfile", "FROM alpine:3.18\n",
                            first) == 0);

  snprintf(url, sizeof(url), "%s/git/scan-http.git", base);
  snprintf(cache, sizeof(cache), "%s/cache", argv[3]);
  opts.cache_dir = cache;
  if (am_source_open(&src, url, &opts, &err) != 0) {
    fprintf(stderr, "first open: %s\n", err.msg);
    return 1;
  }
  CHECK(strcmp(am_source_commit(src), first) == 0);
  am_source_free(src);
  src = NULL;

  CHECK(am_test_commit_file(origin, "b/Dockerfile", "FROM busybox:1.36\n",
                            second) == 0);
  if (am_source_open(&src, url, &opts, &err) != 0) {
    fprintf(stderr, "second open: %s\n", err.msg);
    return 1;
  }
  CHECK(strcmp(am_source_commit(src), second) == 0);
  am_source_free(src);
  src = NULL;

  /* A repository the server does not have is a one-line error. */
  snprintf(url, sizeof(url), "%s/git/missing.git", base);
  CHECK(am_source_open(&src, url, &opts, &err) == AM_EIO);
  CHECK(strstr(err.msg, "missing.git") != NULL);
  printf("ok: cloned %s, fetched %s\n", first, second);
  git_libgit2_shutdown();
  return 0;
}
