/* SPDX-License-Identifier: MIT */
/* Fuzz the image reference grammar. Besides not crashing, normalising is
 * idempotent: a normalised reference parses and prints the same again. */
#include "fuzz.h"

#include "ref/ref.h"

#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *s = NULL;
  char once[AM_REF_STR_MAX];
  char twice[AM_REF_STR_MAX];
  am_ref ref;
  am_err err;

  if (size > 4096 || (s = fuzz_strndup(data, size)) == NULL)
    return 0;
  am_err_clear(&err);
  if (am_ref_normalize(s, once, sizeof(once), &err) == AM_OK) {
    FUZZ_ASSERT(am_ref_parse(&ref, once, &err) == AM_OK);
    am_ref_format(&ref, twice, sizeof(twice));
    if (strcmp(once, twice) != 0) {
      fprintf(stderr, "normalised %s, then %s\n", once, twice);
      FUZZ_ASSERT(strcmp(once, twice) == 0);
    }
    am_ref_format_name(&ref, twice, sizeof(twice));
    FUZZ_ASSERT(strncmp(once, twice, strlen(twice)) == 0);
  } else {
    FUZZ_ASSERT(err.msg[0] != '\0');
  }
  free(s);
  return 0;
}
