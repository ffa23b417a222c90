/* SPDX-License-Identifier: MIT */
/* am_report_merge: several runs' data.json files make one site, as if
 * they had been one run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "report/report.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CASES AM_SOURCE_DIR "/tests/fixtures/report/analysis/"

static char root[100];

/* Write the site of fixture `name` into root/name and return its
 * data.json path. */
static void write_fixture_site(const char *name, char *data, size_t size) {
  char path[256];
  json_t *doc = NULL;
  am_scan *scans = NULL;
  am_image *images = NULL;
  size_t nscans = 0, nimages = 0;
  am_report_opts opts;
  am_err err;
  char out[200];

  snprintf(path, sizeof(path), CASES "%s.json", name);
  doc = json_load_file(path, 0, NULL);
  assert_non_null(doc);
  assert_int_equal(
      am_report_load_data(doc, &scans, &nscans, &images, &nimages, &err),
      AM_OK);
  snprintf(out, sizeof(out), "%s/%s", root, name);
  memset(&opts, 0, sizeof(opts));
  opts.out_dir = out;
  opts.generated_at = json_string_value(json_object_get(doc, "generated_at"));
  assert_int_equal(am_report_write(scans, nscans, images, nimages, &opts, &err),
                   AM_OK);
  snprintf(data, size, "%s/data.json", out);
  am_report_free_data(scans, nscans, images, nimages);
  json_decref(doc);
}

static size_t rows_of_kind(const json_t *doc, const char *kind) {
  const json_t *rows =
      json_object_get(json_object_get(doc, "analysis"), "rows");
  const json_t *row = NULL;
  size_t i = 0, n = 0;

  json_array_foreach(rows, i, row) {
    n += strcmp(json_string_value(json_object_get(row, "kind")), kind) == 0;
  }
  return n;
}

static void test_merge_two_shards(void **state) {
  char a[256], b[256], out[256], merged_path[300];
  const char *files[2] = {a, b};
  am_report_opts opts;
  am_err err;
  json_t *merged = NULL;

  (void)state;
  write_fixture_site("states", a, sizeof(a));
  write_fixture_site("windows", b, sizeof(b));
  snprintf(out, sizeof(out), "%s/merged", root);
  memset(&opts, 0, sizeof(opts));
  opts.out_dir = out;
  assert_int_equal(am_report_merge(files, 2, &opts, &err), AM_OK);

  snprintf(merged_path, sizeof(merged_path), "%s/data.json", out);
  merged = json_load_file(merged_path, 0, NULL);
  assert_non_null(merged);
  assert_int_equal(json_array_size(json_object_get(merged, "sources")), 2);
  /* 10 + 5 targets; used images shared by both shards appear once. */
  assert_int_equal(rows_of_kind(merged, "target"), 15);
  assert_int_equal(rows_of_kind(merged, "used"), 7 + 0);
  /* The columns and priority of the first shard, and its latest time. */
  assert_string_equal(
      json_string_value(json_object_get(merged, "priority_platform")),
      "linux/arm64");
  assert_string_equal(
      json_string_value(json_object_get(merged, "generated_at")),
      "2024-05-02T06:00:00Z");
  json_decref(merged);
}

static void test_merge_rejects_foreign_json(void **state) {
  char path[256], out[256];
  const char *files[1] = {path};
  am_report_opts opts;
  am_err err;
  FILE *f = NULL;

  (void)state;
  snprintf(path, sizeof(path), "%s/other.json", root);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("{\"hello\": 1}\n", f);
  fclose(f);
  snprintf(out, sizeof(out), "%s/never", root);
  memset(&opts, 0, sizeof(opts));
  opts.out_dir = out;
  assert_int_equal(am_report_merge(files, 1, &opts, &err), AM_EINVALID);
  assert_non_null(strstr(err.msg, "not an archmatrix data.json"));
  assert_int_not_equal(access(out, F_OK), 0);
}

static int setup(void **state) {
  (void)state;
  snprintf(root, sizeof(root), "/tmp/am-merge-%ld", (long)getpid());
  return mkdir(root, 0755);
}

static int teardown(void **state) {
  char cmd[200];

  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
  return system(cmd) == 0 ? 0 : -1;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_merge_two_shards),
      cmocka_unit_test(test_merge_rejects_foreign_json),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
