/* SPDX-License-Identifier: MIT */
/* Clone and incremental fetch over smart HTTP: lighttpd + git http-backend
 * on loopback serve a bare repository; the first open clones a mirror, the
 * second sees a new commit by fetching into the same mirror.
 * Usage: test_http_fetch SERVER_DIR REPOS_DIR WORK_DIR */
#include "util/path.h"
#include "source/source.h"

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

/* Commit one file on HEAD of the bare repository at `path`. */
static void commit_file(const char *path, const char *name, const char *content,
                        char *hex) {
  git_repository *repo = NULL;
  git_index *index = NULL;
  git_index_entry entry;
  git_oid blob, tree_id, commit_id, parent_id;
  git_tree *tree = NULL;
  git_commit *parent = NULL;
  git_signature *sig = NULL;
  git_object *head = NULL;

  CHECK(git_repository_open(&repo, path) == 0);
  CHECK(git_repository_index(&index, repo) == 0);
  if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0) {
    CHECK(git_index_read_tree(index, (git_tree *)head) == 0);
    git_object_free(head);
    CHECK(git_reference_name_to_id(&parent_id, repo, "HEAD") == 0);
    CHECK(git_commit_lookup(&parent, repo, &parent_id) == 0);
  }
  CHECK(git_blob_create_from_buffer(&blob, repo, content, strlen(content)) ==
        0);
  memset(&entry, 0, sizeof(entry));
  entry.mode = GIT_FILEMODE_BLOB;
  entry.id = blob;
  entry.path = name;
  CHECK(git_index_add(index, &entry) == 0);
  CHECK(git_index_write_tree_to(&tree_id, index, repo) == 0);
  CHECK(git_tree_lookup(&tree, repo, &tree_id) == 0);
  CHECK(git_signature_new(&sig, "t", "t@example.invalid", 1700000000, 0) == 0);
  CHECK(git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, "c", tree,
                            parent ? 1 : 0, parent) == 0);
  git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &commit_id);
  git_signature_free(sig);
  git_tree_free(tree);
  git_commit_free(parent);
  git_index_free(index);
  git_repository_free(repo);
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
  commit_file(origin, "Dockerfile", "FROM alpine:3.18\n", first);

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

  commit_file(origin, "b/Dockerfile", "FROM busybox:1.36\n", second);
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
