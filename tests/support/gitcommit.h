/* SPDX-License-Identifier: MIT */
/* Test helper: commit a file to a repository with libgit2, so tests can
 * move a remote on between two fetches. */
#ifndef AM_TEST_GITCOMMIT_H
#define AM_TEST_GITCOMMIT_H

#include <git2.h>

/*
 * Commit `content` as `name` on HEAD of the repository at `path` (bare or
 * not; only the index and the objects are used), keeping the files HEAD
 * already has. The new commit's id goes to `hex`. Returns 0, or -1 after
 * printing libgit2's message on stderr.
 */
int am_test_commit_file(const char *path, const char *name, const char *content,
                        char hex[GIT_OID_HEXSZ + 1]);

#endif
