/* SPDX-License-Identifier: MIT */
/* Fuzz the YAML reader: Kubernetes manifests (containers at any depth) and
 * compose files, broken YAML included. */
#include "fuzz.h"

#include "scan/scan_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  am_scan scan = {0};
  char *text = NULL;

  if (size > AM_SCAN_FILE_MAX || memchr(data, '\0', size) != NULL)
    return 0;
  if ((text = fuzz_strndup(data, size)) == NULL)
    return 0;
  scan_yaml(&scan, "deploy/app.yaml", text, size);
  for (size_t i = 0; i < scan.nrefs; i++)
    FUZZ_ASSERT(scan.refs[i].line >= 1 && scan.refs[i].image != NULL);
  am_scan_free(&scan);
  free(text);
  return 0;
}
