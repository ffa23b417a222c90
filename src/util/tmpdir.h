/* SPDX-License-Identifier: MIT */
/* The temporary folders a run has created and not yet renamed or removed,
 * so that an interrupted run (SIGINT, SIGTERM) can remove them. */
#ifndef AM_UTIL_TMPDIR_H
#define AM_UTIL_TMPDIR_H

#include <stddef.h>

/* Remember `path` (copied). Returns 0, or AM_ENOMEM (then the folder is
 * simply not removed on interrupt). */
int am_tmpdir_add(const char *path);

/* Forget `path`: it was renamed into place or removed. Unknown paths are
 * ignored. */
void am_tmpdir_forget(const char *path);

/*
 * Hold the lock that am_tmpdir_remove_all takes. Code writing into a
 * remembered folder holds it around each step, so an interrupt never
 * removes a folder while a file is being created in it, and never races a
 * rename. Not recursive.
 */
void am_tmpdir_lock(void);
void am_tmpdir_unlock(void);

/*
 * Take the lock, remove every remembered folder (symbolic links are not
 * followed), and return how many there were. The lock is kept: this is
 * the last thing a process does before _exit, and no writer may go on.
 */
size_t am_tmpdir_remove_all(void);

#endif
