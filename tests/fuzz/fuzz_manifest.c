/* SPDX-License-Identifier: MIT */
/* Fuzz manifest, index and config parsing as a registry serves them. The
 * first byte picks the Content-Type the body arrives with; the rest is the
 * body. */
#include "fuzz.h"

#include "registry/manifest.h"

static const char *const content_types[] = {NULL,
                                            AM_MT_OCI_INDEX,
                                            AM_MT_DOCKER_LIST,
                                            AM_MT_OCI_MANIFEST,
                                            AM_MT_DOCKER_V2,
                                            AM_MT_SCHEMA1_SIGNED,
                                            "application/json",
                                            AM_MT_OCI_INDEX "; charset=utf-8"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  am_manifest m;
  am_platform plat;
  const char *ct;
  am_err err;

  if (size < 1 || size > AM_MANIFEST_MAX_BYTES)
    return 0;
  ct =
      content_types[data[0] % (sizeof(content_types) / sizeof(*content_types))];
  data++;
  size--;
  am_err_clear(&err);
  memset(&m, 0, sizeof(m));
  if (am_manifest_parse(&m, (const char *)data, size, ct, &err) == AM_OK) {
    FUZZ_ASSERT(m.media_type != NULL);
    for (size_t i = 0; i < m.nentries; i++)
      FUZZ_ASSERT(m.entries[i].digest != NULL);
    am_manifest_free(&m);
  } else {
    FUZZ_ASSERT(err.msg[0] != '\0');
  }
  am_err_clear(&err);
  am_manifest_parse_config(&plat, (const char *)data, size, &err);
  return 0;
}
