/* SPDX-License-Identifier: MIT */
/* Where the files come from: a git repository opened or mirrored with
 * libgit2, read straight from its object database (no checkout). */
#ifndef AM_SOURCE_SOURCE_H
#define AM_SOURCE_SOURCE_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct am_source am_source;

typedef struct am_source_opts {
  const char *ref;       /* branch, tag or commit; NULL: HEAD */
  const char *cache_dir; /* where remote mirrors are kept */
} am_source_opts;

/* What the walk hands a visitor for each entry. */
typedef enum am_entry_kind {
  AM_ENTRY_FILE,      /* a regular or executable blob */
  AM_ENTRY_SYMLINK,   /* never followed */
  AM_ENTRY_SUBMODULE, /* never followed */
  AM_ENTRY_DIR
} am_entry_kind;

typedef struct am_entry {
  const char *path; /* relative to the repository root, '/' separated */
  const char *name; /* last component of path */
  am_entry_kind kind;
  const void *oid; /* opaque object id, valid during the visit */
} am_entry;

/* Return 0 to go on, a positive value to skip a directory's contents, or a
 * negative error code to stop the walk with that code. */
typedef int (*am_source_visit)(am_source *src, const am_entry *entry, void *ud);

/*
 * Open `spec`: a local path (work tree or bare) or a URL, which is cloned
 * into, or fetched into, a bare mirror under opts->cache_dir. Resolves the
 * ref to a commit. On failure `*out` is NULL and `err` names the spec. A
 * URL's user and password answer the server's request for credentials and
 * are kept nowhere else: the mirror, its name and every message have the
 * URL without them.
 */
int am_source_open(am_source **out, const char *spec,
                   const am_source_opts *opts, am_err *err);

/*
 * The spec as given (URL or path), except that a URL has lost its userinfo
 * (user:password@), and the commit id in hex.
 */
const char *am_source_url(const am_source *src);
const char *am_source_commit(const am_source *src);

/*
 * `spec` as it may be shown, logged or stored: a "scheme://" URL without
 * its userinfo (https://user:pass@host/x becomes https://host/x), anything
 * else unchanged. The caller frees it; NULL when out of memory.
 */
char *am_source_display_url(const char *spec);

/*
 * Walk the commit's tree, depth first in name order. When `paths` is
 * non-empty only those subtrees are visited (entry paths stay relative to
 * the root).
 */
int am_source_walk(am_source *src, const char *const *paths, size_t npaths,
                   am_source_visit visit, void *ud, am_err *err);

/*
 * Load the blob of a file entry. `*data` is owned by the caller (free()),
 * NUL-terminated, and `*len` excludes the NUL. Blobs over `max` bytes fail
 * with AM_ETOOBIG without being read whole.
 */
int am_source_read(am_source *src, const am_entry *entry, size_t max,
                   char **data, size_t *len, am_err *err);

/*
 * The blob size in bytes of a file entry, 0 for other kinds or when the
 * object cannot be read. Asked only for the entries a visitor wants: in a
 * packed repository finding a size may mean inflating a delta chain, which
 * for every file of a large tree costs more than the rest of the walk.
 */
size_t am_source_entry_size(am_source *src, const am_entry *entry);

/*
 * True when the commit's tree holds a regular or executable file at `path`
 * ('/' separated, relative to the root), whatever any walk visited. A
 * symlink, submodule or folder there is not a file.
 */
bool am_source_has_file(am_source *src, const char *path);

/* Room for an entry's object id in hex, with its NUL. */
#define AM_SOURCE_ID_SIZE 65

/*
 * Write the object id of `entry` in hex, so a file can be read after the
 * visit that found it has returned.
 */
void am_source_entry_id(const am_entry *entry, char out[AM_SOURCE_ID_SIZE]);

/*
 * Load a blob by the hex id am_source_entry_id gave; `what` names it in
 * error messages (usually its path). Same results as am_source_read.
 */
int am_source_read_id(am_source *src, const char *id, const char *what,
                      size_t max, char **data, size_t *len, am_err *err);

/* Close and free. NULL is fine. */
void am_source_free(am_source *src);

#endif
