/* SPDX-License-Identifier: MIT */
/* Write a site from a report fixture: `mksite CASE.json OUT_DIR [TIME]`.
 * The browser test and a maintainer trying templates use it; it needs
 * neither the CLI nor a registry. */
#include "fixture.h"

#include <stdio.h>

int main(int argc, char **argv) {
  fixture fx;
  am_err err;
  int rc = 0;

  if (argc < 3) {
    fprintf(stderr, "usage: mksite CASE.json OUT_DIR [GENERATED_AT]\n");
    return 2;
  }
  if (fixture_load(&fx, argv[1]) != 0)
    return 1;
  fx.opts.out_dir = argv[2];
  if (argc > 3)
    fx.opts.generated_at = argv[3];
  rc = am_report_write(fx.scans, fx.nscans, fx.images, fx.nimages, &fx.opts,
                       &err);
  if (rc != AM_OK)
    fprintf(stderr, "mksite: error: %s\n", err.msg);
  fixture_free(&fx);
  return rc == AM_OK ? 0 : 1;
}
