/* SPDX-License-Identifier: MIT */
/* What every fuzz target shares: the libFuzzer entry point, and a copy of
 * the input as a C string (parsers of text take NUL-terminated input). */
#ifndef AM_TESTS_FUZZ_FUZZ_H
#define AM_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Called by libFuzzer, or by replay.c in ordinary builds, once per input.
 * Returns 0; a bug shows up as a sanitizer report or an abort. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of `data`, or NULL when memory runs out. */
static inline char *fuzz_strndup(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);

  if (s != NULL) {
    if (size > 0)
      memcpy(s, data, size);
    s[size] = '\0';
  }
  return s;
}

/* Abort with a message: a property that must hold did not. */
#define FUZZ_ASSERT(cond)                                                      \
  do {                                                                         \
    if (!(cond))                                                               \
      fuzz_fail(#cond, __FILE__, __LINE__);                                    \
  } while (0)

void fuzz_fail(const char *what, const char *file, int line)
    __attribute__((noreturn));

#endif
