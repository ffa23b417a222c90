/* SPDX-License-Identifier: MIT */
/* Loading a report fixture (see fixture.h). */
#include "fixture.h"

#include <stdio.h>
#include <string.h>

int fixture_load(fixture *fx, const char *path) {
  json_error_t jerr;
  am_err err;
  const json_t *v = NULL;
  size_t i = 0;

  memset(fx, 0, sizeof(*fx));
  fx->doc = json_load_file(path, 0, &jerr);
  if (fx->doc == NULL) {
    fprintf(stderr, "%s:%d: %s\n", path, jerr.line, jerr.text);
    return 1;
  }
  if (am_report_load_data(fx->doc, &fx->scans, &fx->nscans, &fx->images,
                          &fx->nimages, &err) != AM_OK) {
    fprintf(stderr, "%s: %s\n", path, err.msg);
    return 1;
  }
  json_array_foreach(json_object_get(fx->doc, "platforms"), i, v) {
    if (i < 32)
      fx->platforms[i] = json_string_value(v);
  }
  i = json_array_size(json_object_get(fx->doc, "platforms"));
  fx->opts.platforms = fx->platforms;
  fx->opts.nplatforms = i < 32 ? i : 32;
  fx->opts.priority_platform =
      json_string_value(json_object_get(fx->doc, "priority_platform"));
  fx->opts.generated_at =
      json_string_value(json_object_get(fx->doc, "generated_at"));
  fx->opts.title = json_string_value(json_object_get(fx->doc, "title"));
  fx->opts.templates_dir = AM_SOURCE_DIR "/templates";
  fx->opts.assets_dir = AM_SOURCE_DIR "/assets";
  return 0;
}

void fixture_free(fixture *fx) {
  am_report_free_data(fx->scans, fx->nscans, fx->images, fx->nimages);
  json_decref(fx->doc);
  memset(fx, 0, sizeof(*fx));
}
