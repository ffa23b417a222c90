/* SPDX-License-Identifier: MIT */
/* Fuzz the Dockerfile parser and evaluator: directives, continuations,
 * heredocs, stages, ARG expansion, and the kubernetes test/images edits,
 * for two platforms at once. */
#include "fuzz.h"

#include "scan/scan_int.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  am_scan scan = {0};
  scan_build builds[2];
  scan_df_opts opts = {0};
  char *text = NULL;
  json_t *doc = NULL;

  /* The walk refuses files over the cap and files holding NUL bytes. */
  if (size > AM_SCAN_FILE_MAX || memchr(data, '\0', size) != NULL)
    return 0;
  if ((text = fuzz_strndup(data, size)) == NULL)
    return 0;
  memset(builds, 0, sizeof(builds));
  builds[0].key = "linux/amd64";
  builds[0].os_ver = "";
  am_platform_parse(&builds[0].plat, builds[0].key, NULL);
  builds[1].key = "linux/arm/v7";
  builds[1].os_ver = "";
  builds[1].base = "registry.k8s.io/build-image/debian-base-arm:v2.1.0";
  am_platform_parse(&builds[1].plat, builds[1].key, NULL);
  opts.builds = builds;
  opts.nbuilds = 2;
  /* Half the inputs take the kubernetes path, chosen by the size so the
   * bytes themselves stay a plain Dockerfile. */
  opts.k8s = size % 2 == 1;
  opts.registry = "registry.k8s.io/e2e-test-images";

  if (scan_dockerfile(&scan, "a/Dockerfile", text, size, &opts) == AM_OK) {
    am_scan_sort(&scan);
    doc = am_scan_to_json(&scan);
    if (doc != NULL)
      free(json_dumps(doc, JSON_SORT_KEYS));
  }
  for (size_t i = 0; i < scan.nrefs; i++)
    FUZZ_ASSERT(scan.refs[i].line >= 1);
  json_decref(doc);
  free(builds[0].final_base);
  free(builds[1].final_base);
  am_scan_free(&scan);
  free(text);
  return 0;
}
