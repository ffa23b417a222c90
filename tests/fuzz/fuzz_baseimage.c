/* SPDX-License-Identifier: MIT */
/* Fuzz the kubernetes BASEIMAGE reader: "os/arch[/osversion]=image" lines
 * with REGISTRY substitution. */
#include "fuzz.h"

#include "scan/scan_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  am_scan scan = {0};
  scan_k8s_line lines[AM_SCAN_BASEIMAGE_LINES_MAX];
  size_t nlines = 0;
  char *text = NULL;

  if (size > AM_SCAN_FILE_MAX || memchr(data, '\0', size) != NULL)
    return 0;
  if ((text = fuzz_strndup(data, size)) == NULL)
    return 0;
  scan_baseimage(&scan, "test/images/x/BASEIMAGE", text,
                 "registry.k8s.io/e2e-test-images", lines, &nlines);
  FUZZ_ASSERT(nlines <= AM_SCAN_BASEIMAGE_LINES_MAX);
  for (size_t i = 0; i < nlines; i++) {
    FUZZ_ASSERT(lines[i].key[0] != '\0');
    free(lines[i].image);
  }
  am_scan_free(&scan);
  free(text);
  return 0;
}
