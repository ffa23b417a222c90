/* SPDX-License-Identifier: MIT */
/* Loading a report fixture: a data.json-shaped document with "sources",
 * "images", "platforms", "priority_platform", "generated_at" and an
 * optional "previous" run. Shared by the report test programs. */
#ifndef AM_TESTS_REPORT_FIXTURE_H
#define AM_TESTS_REPORT_FIXTURE_H

#include "report/report.h"

#include <jansson.h>

typedef struct fixture {
  json_t *doc;
  am_scan *scans;
  size_t nscans;
  am_image *images;
  size_t nimages;
  const char *platforms[32];
  am_report_opts opts;
} fixture;

/* Load `path` into `fx`; prints the reason and returns non-zero on
 * failure. */
int fixture_load(fixture *fx, const char *path);

/* Free the fixture. */
void fixture_free(fixture *fx);

#endif
