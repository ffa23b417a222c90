/* SPDX-License-Identifier: MIT */
/* A remote over file://: the first open clones a bare mirror into the cache,
 * the next one fetches into the same mirror and sees the new commit. */
#include "util/path.h"
#include "scan/scan.h"
#include "source/source.h"
#include "gitcommit.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <git2.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tmpdir[PATH_MAX];

const char *__lsan_default_suppressions(void);

/* libgit2 1.5 (Debian 12) matches remote config keys through pcre2's POSIX
 * layer and never frees the match data; that leak is theirs, not ours. */
const char *__lsan_default_suppressions(void) {
  return "leak:libpcre2-8.so\n";
}

/* The one mirror folder under cache/git. */
static void find_mirror(char *out, size_t size) {
  char dir[PATH_MAX + 16];
  DIR *d;
  struct dirent *e;
  int found = 0;

  snprintf(dir, sizeof(dir), "%s/cache/git", tmpdir);
  d = opendir(dir);
  assert_non_null(d);
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.')
      continue;
    snprintf(out, size, "%s/%s", dir, e->d_name);
    found++;
  }
  closedir(d);
  assert_int_equal(found, 1);
}

static int setup(void **state) {
  char origin[PATH_MAX + 16];
  char cwd[PATH_MAX - 32];
  git_repository *repo = NULL;

  (void)state;
  git_libgit2_init();
  snprintf(tmpdir, sizeof(tmpdir), "%s/am-fetch-XXXXXX",
           getcwd(cwd, sizeof(cwd)) ? cwd : ".");
  if (mkdtemp(tmpdir) == NULL)
    return -1;
  snprintf(origin, sizeof(origin), "%s/origin.git", tmpdir);
  if (git_repository_init(&repo, origin, 1) != 0)
    return -1;
  git_repository_free(repo);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  am_path_remove_tree(tmpdir);
  git_libgit2_shutdown();
  return 0;
}

static size_t scan_count(am_source *src) {
  am_scan scan = {0};
  am_scan_opts opts = {0};
  const char *plat[] = {"linux/amd64"};
  am_err err = {0};
  size_t n;

  opts.platforms = plat;
  opts.nplatforms = 1;
  assert_int_equal(am_scan_source(&scan, src, &opts, &err), 0);
  n = scan.nrefs;
  am_scan_free(&scan);
  return n;
}

static void test_clone_then_fetch(void **state) {
  char origin[PATH_MAX + 16];
  char url[PATH_MAX + 32];
  char cache[PATH_MAX + 16];
  char mirror[PATH_MAX + 300];
  char marker[PATH_MAX + 400];
  char first[GIT_OID_HEXSZ + 1];
  char second[GIT_OID_HEXSZ + 1];
  am_source_opts opts = {0};
  am_source *src = NULL;
  am_err err = {0};
  struct stat st;
  FILE *fp;

  (void)state;
  snprintf(origin, sizeof(origin), "%s/origin.git", tmpdir);
  snprintf(url, sizeof(url), "file://%s", origin);
  snprintf(cache, sizeof(cache), "%s/cache", tmpdir);
  opts.cache_dir = cache;
  assert_int_equal(
      am_test_commit_file(origin, "Dockerfile", "FROM alpine:3.18\n", first),
      0);

  /* First run: a clone. */
  assert_int_equal(am_source_open(&src, url, &opts, &err), 0);
  assert_string_equal(am_source_commit(src), first);
  assert_string_equal(am_source_url(src), url);
  assert_int_equal(scan_count(src), 1);
  am_source_free(src);
  src = NULL;
  find_mirror(mirror, sizeof(mirror));
  assert_true(strstr(mirror, ".git") != NULL);
  snprintf(marker, sizeof(marker), "%s/archmatrix-test-marker", mirror);
  fp = fopen(marker, "w");
  assert_non_null(fp);
  fclose(fp);

  /* A new commit upstream; the second run fetches it into the same
   * mirror (the marker survives, so it was not cloned again). */
  assert_int_equal(am_test_commit_file(origin, "b/Dockerfile",
                                       "FROM busybox:1.36\n", second),
                   0);
  assert_int_equal(am_source_open(&src, url, &opts, &err), 0);
  assert_string_equal(am_source_commit(src), second);
  assert_int_equal(scan_count(src), 2);
  am_source_free(src);
  src = NULL;
  assert_int_equal(stat(marker, &st), 0);
  find_mirror(mirror, sizeof(mirror));

  /* --ref reaches the older commit inside the mirror. */
  opts.ref = first;
  assert_int_equal(am_source_open(&src, url, &opts, &err), 0);
  assert_string_equal(am_source_commit(src), first);
  am_source_free(src);
  src = NULL;

  /* An unknown ref is a one-line error naming it. */
  opts.ref = "no-such-branch";
  assert_int_equal(am_source_open(&src, url, &opts, &err), AM_ENOTFOUND);
  assert_null(src);
  assert_non_null(strstr(err.msg, "no-such-branch"));
  assert_null(strchr(err.msg, '\n'));
}

static void test_unreachable_url(void **state) {
  char url[PATH_MAX + 32];
  char cache[PATH_MAX + 16];
  am_source_opts opts = {0};
  am_source *src = NULL;
  am_err err = {0};

  (void)state;
  snprintf(url, sizeof(url), "file://%s/does-not-exist.git", tmpdir);
  snprintf(cache, sizeof(cache), "%s/cache2", tmpdir);
  opts.cache_dir = cache;
  assert_int_equal(am_source_open(&src, url, &opts, &err), AM_EIO);
  assert_null(src);
  assert_non_null(strstr(err.msg, url));
  assert_null(strchr(err.msg, '\n'));

  /* Nothing half-cloned is left to look like a mirror next time. */
  assert_int_equal(am_source_open(&src, url, &opts, &err), AM_EIO);
  assert_non_null(strstr(err.msg, "cannot clone"));
}

/* One child process: open `url` with the cache `cache` once the pipe
 * `gate` is closed by the parent, and exit 0 on success. */
static pid_t open_in_child(const char *url, const char *cache,
                           const int gate[2]) {
  pid_t pid = fork();

  if (pid == 0) {
    am_source_opts opts = {0};
    am_source *src = NULL;
    am_err err = {0};
    char byte;
    int rc;

    opts.cache_dir = cache;
    close(gate[1]);
    alarm(60); /* never hang the suite, whatever happens */
    while (read(gate[0], &byte, 1) > 0)
      ;
    rc = am_source_open(&src, url, &opts, &err);
    if (rc != 0)
      fprintf(stderr, "child %ld: %s\n", (long)getpid(), err.msg);
    am_source_free(src);
    _exit(rc == 0 ? 0 : 1);
  }
  return pid;
}

/* Two runs cloning the same URL into an empty cache at once: the one whose
 * rename loses uses the mirror the other put in place, and leaves no
 * temporary clone behind. Both start at the same instant (a pipe closed
 * under them), so both find no mirror and both clone. */
static void test_concurrent_first_clone(void **state) {
  char origin[PATH_MAX + 16];
  char url[PATH_MAX + 32];
  char head[GIT_OID_HEXSZ + 1];

  (void)state;
  snprintf(origin, sizeof(origin), "%s/origin.git", tmpdir);
  snprintf(url, sizeof(url), "file://%s", origin);
  assert_int_equal(am_test_commit_file(origin, "race/Dockerfile",
                                       "FROM alpine:3.20\n", head),
                   0);
  for (int round = 0; round < 4; round++) {
    char cache[PATH_MAX + 32];
    char gitdir[PATH_MAX + 48];
    int gate[2];
    pid_t a;
    pid_t b;
    int status_a = -1;
    int status_b = -1;
    am_source_opts opts = {0};
    am_source *src = NULL;
    am_err err = {0};

    snprintf(cache, sizeof(cache), "%s/race-%d", tmpdir, round);
    assert_int_equal(pipe(gate), 0);
    a = open_in_child(url, cache, gate);
    b = open_in_child(url, cache, gate);
    assert_true(a > 0 && b > 0);
    close(gate[0]);
    close(gate[1]);
    assert_int_equal(waitpid(a, &status_a, 0), a);
    assert_int_equal(waitpid(b, &status_b, 0), b);
    assert_true(WIFEXITED(status_a) && WEXITSTATUS(status_a) == 0);
    assert_true(WIFEXITED(status_b) && WEXITSTATUS(status_b) == 0);

    /* One mirror, no temporary clone left, and it serves the commit. */
    {
      DIR *d;
      struct dirent *e;
      int n = 0;

      snprintf(gitdir, sizeof(gitdir), "%s/git", cache);
      d = opendir(gitdir);
      assert_non_null(d);
      while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
          continue;
        assert_null(strstr(e->d_name, ".tmp-"));
        n++;
      }
      closedir(d);
      assert_int_equal(n, 1);
    }
    opts.cache_dir = cache;
    assert_int_equal(am_source_open(&src, url, &opts, &err), 0);
    assert_string_equal(am_source_commit(src), head);
    am_source_free(src);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_clone_then_fetch),
      cmocka_unit_test(test_unreachable_url),
      cmocka_unit_test(test_concurrent_first_clone),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
