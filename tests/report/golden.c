/* SPDX-License-Identifier: MIT */
/* Golden analysis test: analyse a fixture (with its previous run) and
 * compare rows, totals, priorities and changes with the expected JSON.
 * `golden CASE EXPECTED --update` rewrites the expected file instead. */
#include "fixture.h"
#include "report/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Print the paths at which two JSON values differ, so a failure says what
 * changed rather than dumping two documents. */
static int diff(const json_t *want, const json_t *got, const char *path) {
  char sub[1024];
  int n = 0;

  if (json_equal(want, got))
    return 0;
  if (json_is_object(want) && json_is_object(got)) {
    const char *k = NULL;
    const json_t *v = NULL;

    json_object_foreach((json_t *)want, k, v) {
      snprintf(sub, sizeof(sub), "%s.%s", path, k);
      n += diff(v, json_object_get(got, k), sub);
    }
    json_object_foreach((json_t *)got, k, v) {
      if (json_object_get(want, k) == NULL) {
        printf("%s.%s: unexpected\n", path, k);
        n++;
      }
    }
    return n;
  }
  if (json_is_array(want) && json_is_array(got) &&
      json_array_size(want) == json_array_size(got)) {
    for (size_t i = 0; i < json_array_size(want); i++) {
      snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
      n += diff(json_array_get(want, i), json_array_get(got, i), sub);
    }
    return n;
  }
  {
    char *w = want ? json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
    char *g = got ? json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;

    printf("%s:\n  want %.300s\n  got  %.300s\n", path, w ? w : "(absent)",
           g ? g : "(absent)");
    free(w);
    free(g);
  }
  return 1;
}

/* The earlier runs of a case ("earlier": [data.json documents], oldest
 * first), borrowed from the case document. */
typedef struct docs {
  json_t **v;
  size_t n;
} docs;

static void earlier_load(docs *d, json_t *array) {
  size_t n = json_array_size(array);

  d->v = n ? calloc(n, sizeof(*d->v)) : NULL;
  d->n = d->v ? n : 0;
  for (size_t i = 0; i < d->n; i++)
    d->v[i] = json_array_get(array, i);
}

int main(int argc, char **argv) {
  fixture fx;
  am_model m;
  am_err err;
  json_t *got = NULL;
  json_t *want = NULL;
  json_error_t jerr;
  docs earlier = {NULL, 0};
  int rc = 1;

  if (argc < 3) {
    fprintf(stderr, "usage: golden CASE.json EXPECTED.json [--update]\n");
    return 2;
  }
  if (fixture_load(&fx, argv[1]) != 0)
    return 1;
  earlier_load(&earlier, json_object_get(fx.doc, "earlier"));
  if (am_model_build(&m, fx.scans, fx.nscans, fx.images, fx.nimages, &fx.opts,
                     &err) != AM_OK ||
      am_model_diff(&m, json_object_get(fx.doc, "previous"), earlier.v,
                    earlier.n, &err) != AM_OK) {
    printf("analysis failed: %s\n", err.msg);
    goto done;
  }
  got = am_model_analysis_json(&m);
  /* The history names files of a site; a golden case has none. */
  json_object_del(got, "history");
  if (argc > 3 && strcmp(argv[3], "--update") == 0) {
    rc = json_dump_file(got, argv[2], JSON_INDENT(1)) != 0;
    goto done;
  }
  want = json_load_file(argv[2], 0, &jerr);
  if (want == NULL) {
    printf("%s: %s\n", argv[2], jerr.text);
    goto done;
  }
  rc = diff(want, got, "analysis") != 0;
  if (rc == 0)
    printf("%s: analysis matches\n", argv[1]);

done:
  json_decref(got);
  json_decref(want);
  am_model_free(&m);
  free(earlier.v);
  fixture_free(&fx);
  return rc;
}
