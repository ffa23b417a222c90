/* SPDX-License-Identifier: MIT */
/* A growable vector of owned C strings, and small string helpers. */
#include "util/strv.h"

#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int am_strv_push_owned(am_strv *sv, char *s) {
  if (s == NULL)
    return AM_ENOMEM;
  if (sv->len == sv->cap) {
    size_t cap = sv->cap ? sv->cap * 2 : 8;
    char **v = realloc(sv->v, cap * sizeof(*v));

    if (v == NULL) {
      free(s);
      return AM_ENOMEM;
    }
    sv->v = v;
    sv->cap = cap;
  }
  sv->v[sv->len++] = s;
  return AM_OK;
}

int am_strv_push(am_strv *sv, const char *s) {
  return am_strv_push_owned(sv, am_strdup(s));
}

int am_strv_push_unique(am_strv *sv, const char *s) {
  if (am_strv_contains(sv, s))
    return AM_OK;
  return am_strv_push(sv, s);
}

bool am_strv_contains(const am_strv *sv, const char *s) {
  for (size_t i = 0; i < sv->len; i++) {
    if (strcmp(sv->v[i], s) == 0)
      return true;
  }
  return false;
}

static int compare_strings(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void am_strv_sort(am_strv *sv) {
  if (sv->len > 1)
    qsort(sv->v, sv->len, sizeof(*sv->v), compare_strings);
}

void am_strv_free(am_strv *sv) {
  if (sv == NULL)
    return;
  for (size_t i = 0; i < sv->len; i++)
    free(sv->v[i]);
  free(sv->v);
  sv->v = NULL;
  sv->len = 0;
  sv->cap = 0;
}

char *am_strdup(const char *s) {
  return s ? strdup(s) : NULL;
}

void am_scrub_free(char *s) {
  if (s == NULL)
    return;
  /* explicit_bzero is not optimised away, as a memset before free may be. */
  explicit_bzero(s, strlen(s));
  free(s);
}

char *am_strndup(const char *s, size_t n) {
  return strndup(s, n);
}

char *am_asprintf(const char *fmt, ...) {
  va_list ap;
  char *out = NULL;
  int n;

  va_start(ap, fmt);
  n = vasprintf(&out, fmt, ap);
  va_end(ap);
  return n < 0 ? NULL : out;
}

bool am_starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}
