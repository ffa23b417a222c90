/* SPDX-License-Identifier: MIT */
#include "gitcommit.h"

#include <stdio.h>
#include <string.h>

/* Fixed author and time, so the same content always makes the same id. */
#define AM_TEST_AUTHOR "t"
#define AM_TEST_EMAIL "t@example.invalid"
#define AM_TEST_TIME 1700000000

static int failed(const char *what) {
  const git_error *e = git_error_last();

  fprintf(stderr, "commit: %s: %s\n", what,
          e && e->message ? e->message : "failed");
  return -1;
}

int am_test_commit_file(const char *path, const char *name, const char *content,
                        char hex[GIT_OID_HEXSZ + 1]) {
  git_repository *repo = NULL;
  git_index *index = NULL;
  git_index_entry entry;
  git_oid blob, tree_id, commit_id, parent_id;
  git_tree *tree = NULL;
  git_commit *parent = NULL;
  git_signature *sig = NULL;
  git_object *head = NULL;
  int rc = -1;

  if (git_repository_open(&repo, path) != 0) {
    rc = failed(path);
    goto done;
  }
  if (git_repository_index(&index, repo) != 0) {
    rc = failed("index");
    goto done;
  }
  if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0) {
    int bad = git_index_read_tree(index, (git_tree *)head) != 0 ||
              git_reference_name_to_id(&parent_id, repo, "HEAD") != 0 ||
              git_commit_lookup(&parent, repo, &parent_id) != 0;

    git_object_free(head);
    if (bad) {
      rc = failed("HEAD");
      goto done;
    }
  }
  memset(&entry, 0, sizeof(entry));
  entry.mode = GIT_FILEMODE_BLOB;
  entry.path = name;
  if (git_blob_create_from_buffer(&blob, repo, content, strlen(content)) != 0 ||
      (entry.id = blob, git_index_add(index, &entry)) != 0 ||
      git_index_write_tree_to(&tree_id, index, repo) != 0 ||
      git_tree_lookup(&tree, repo, &tree_id) != 0 ||
      git_signature_new(&sig, AM_TEST_AUTHOR, AM_TEST_EMAIL, AM_TEST_TIME, 0) !=
          0 ||
      git_commit_create_v(&commit_id, repo, "HEAD", sig, sig, NULL, "c", tree,
                          parent ? 1 : 0, parent) != 0) {
    rc = failed(name);
    goto done;
  }
  git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &commit_id);
  rc = 0;

done:
  git_signature_free(sig);
  git_tree_free(tree);
  git_commit_free(parent);
  git_index_free(index);
  git_repository_free(repo);
  return rc;
}
