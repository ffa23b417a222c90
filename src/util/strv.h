/* SPDX-License-Identifier: MIT */
/* A growable vector of owned C strings, and small string helpers. */
#ifndef AM_UTIL_STRV_H
#define AM_UTIL_STRV_H

#include <stdbool.h>
#include <stddef.h>

/* The vector owns every string in `v`. A zeroed struct is an empty vector. */
typedef struct am_strv {
  char **v;
  size_t len;
  size_t cap;
} am_strv;

/* Append a copy of `s`. Returns 0 or AM_ENOMEM. */
int am_strv_push(am_strv *sv, const char *s);

/* Append `s` itself, taking ownership (freed on failure). */
int am_strv_push_owned(am_strv *sv, char *s);

/* Append a copy of `s` unless an equal string is already there. */
int am_strv_push_unique(am_strv *sv, const char *s);

/* True when `s` is in the vector. */
bool am_strv_contains(const am_strv *sv, const char *s);

/* Sort the strings in byte order. */
void am_strv_sort(am_strv *sv);

/* Free every string and the array. NULL is fine. */
void am_strv_free(am_strv *sv);

/* Overwrite a string that may hold a secret with zeros, then free it.
 * NULL is fine. */
void am_scrub_free(char *s);

/* strdup that accepts NULL (returns NULL). */
char *am_strdup(const char *s);

/* Copy at most `n` bytes of `s` into a new NUL-terminated string. */
char *am_strndup(const char *s, size_t n);

/* printf into a new string; NULL when memory runs out. */
char *am_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when `s` starts with `prefix`. */
bool am_starts_with(const char *s, const char *prefix);

#endif
