/* SPDX-License-Identifier: MIT */
/* Fuzz the docker/podman configuration reader: the input is written as a
 * config.json and looked up for a few hosts. Credential helpers are never
 * found (PATH names an empty folder), so no program runs. */
#include "fuzz.h"

#include "registry/credentials.h"

#include <stdio.h>
#include <unistd.h>

static char config_path[64];

static void remove_config(void) {
  unlink(config_path);
}

static int write_config(const uint8_t *data, size_t size) {
  FILE *f;

  if (config_path[0] == '\0') {
    int fd;

    snprintf(config_path, sizeof(config_path), "/tmp/am-fuzz-config-XXXXXX");
    if ((fd = mkstemp(config_path)) < 0)
      return -1;
    close(fd);
    setenv("PATH", "/nonexistent-archmatrix-fuzz", 1);
    atexit(remove_config);
  }
  if ((f = fopen(config_path, "wb")) == NULL)
    return -1;
  if (size > 0 && fwrite(data, 1, size, f) != size) {
    fclose(f);
    return -1;
  }
  return fclose(f) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const hosts[] = {"docker.io", "registry.k8s.io",
                                      "127.0.0.1:5000", "ghcr.io"};
  const char *paths[1];
  am_credstore *store = NULL;
  am_err err;

  if (size > 256 * 1024 || write_config(data, size) != 0)
    return 0;
  paths[0] = config_path;
  am_err_clear(&err);
  if (am_credstore_open_files(&store, paths, 1, &err) != AM_OK)
    return 0;
  for (size_t i = 0; i < sizeof(hosts) / sizeof(*hosts); i++) {
    am_creds creds = {0};

    if (am_credstore_lookup(store, hosts[i], &creds, &err) == AM_OK) {
      FUZZ_ASSERT(creds.secret != NULL);
      am_creds_clear(&creds);
    }
  }
  am_credstore_free(store);
  return 0;
}
