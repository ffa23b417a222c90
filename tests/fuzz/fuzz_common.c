/* SPDX-License-Identifier: MIT */
/* fuzz_fail: report a broken property and abort, so libFuzzer (or the
 * replay driver under ASan) records the input. */
#include "fuzz.h"

#include <stdio.h>

void fuzz_fail(const char *what, const char *file, int line) {
  fprintf(stderr, "fuzz: %s:%d: property does not hold: %s\n", file, line,
          what);
  abort();
}
