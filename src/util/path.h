/* SPDX-License-Identifier: MIT */
/* Paths: tidy a repository subpath, remove a folder tree. */
#ifndef AM_UTIL_PATH_H
#define AM_UTIL_PATH_H

/*
 * A repository subpath as a user may write it ("./test//images/") made
 * plain ("test/images"): no "." segments, no doubled, leading or trailing
 * slashes; "" means the root. Returns a new string, NULL when memory runs
 * out.
 */
char *am_path_clean(const char *in);

/*
 * Remove `path` and, when it is a folder, everything below it, never
 * following symbolic links. Goes on past entries it cannot remove. Returns
 * 0 when everything is gone (or never was), -1 otherwise.
 */
int am_path_remove_tree(const char *path);

#endif
