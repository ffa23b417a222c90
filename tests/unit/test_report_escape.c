/* SPDX-License-Identifier: MIT */
/* Untrusted text (repository paths, labels, registry errors, image names)
 * reaches the site only escaped, and page names never leave their
 * folder. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "report/report.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FIXTURE AM_SOURCE_DIR "/tests/fixtures/report/hostile.json"

static char site[256];

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  char *data = NULL;
  long n = 0;

  if (f == NULL)
    return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  rewind(f);
  data = calloc(1, (size_t)n + 1);
  if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

static size_t count(const char *hay, const char *needle) {
  size_t n = 0;

  for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
    n++;
  return n;
}

static int write_site(void **state) {
  json_t *doc = json_load_file(FIXTURE, 0, NULL);
  am_scan *scans = NULL;
  am_image *images = NULL;
  size_t nscans = 0, nimages = 0;
  const char *platforms[] = {"linux/amd64", "linux/arm64"};
  am_report_opts opts;
  am_err err;
  int rc = 0;

  (void)state;
  snprintf(site, sizeof(site), "/tmp/am-escape-%ld/site", (long)getpid());
  memset(&opts, 0, sizeof(opts));
  opts.out_dir = site;
  opts.platforms = platforms;
  opts.nplatforms = 2;
  opts.generated_at = "2024-06-01T00:00:00Z";
  opts.title = json_string_value(json_object_get(doc, "title"));
  if (doc == NULL ||
      am_report_load_data(doc, &scans, &nscans, &images, &nimages, &err))
    return -1;
  rc = am_report_write(scans, nscans, images, nimages, &opts, &err);
  if (rc != AM_OK)
    fprintf(stderr, "write: %s\n", err.msg);
  am_report_free_data(scans, nscans, images, nimages);
  json_decref(doc);
  return rc;
}

static int remove_site(void **state) {
  char cmd[300];

  (void)state;
  snprintf(cmd, sizeof(cmd), "rm -rf /tmp/am-escape-%ld", (long)getpid());
  return system(cmd) == 0 ? 0 : -1;
}

/* Read a page of the site; fails the test when it is missing. */
static char *page(const char *rel) {
  char path[512];
  char *text = NULL;

  snprintf(path, sizeof(path), "%s/%s", site, rel);
  text = slurp(path);
  if (text == NULL)
    fail_msg("%s: missing", rel);
  return text;
}

/* No markup from the fixture survives in any page meant for a browser or a
 * Markdown renderer. */
static void test_no_raw_markup_anywhere(void **state) {
  const char *dirs[] = {"", "images/", "platforms/", "badges/"};
  size_t checked = 0;

  (void)state;
  for (size_t d = 0; d < sizeof(dirs) / sizeof(*dirs); d++) {
    char path[512];
    DIR *dir = NULL;
    struct dirent *e = NULL;

    snprintf(path, sizeof(path), "%s/%s", site, dirs[d]);
    dir = opendir(path);
    assert_non_null(dir);
    while ((e = readdir(dir)) != NULL) {
      char rel[512];
      char *text = NULL;
      size_t n = strlen(e->d_name);

      if (n < 4 || !(strcmp(e->d_name + n - 5, ".html") == 0 ||
                     strcmp(e->d_name + n - 4, ".svg") == 0 ||
                     strcmp(e->d_name + n - 3, ".md") == 0))
        continue;
      snprintf(rel, sizeof(rel), "%s%s", dirs[d], e->d_name);
      text = page(rel);
      if (strstr(text, "<script>alert") || strstr(text, "\"onmouseover=") ||
          strstr(text, "</script>\""))
        fail_msg("%s holds unescaped markup", rel);
      checked++;
      free(text);
    }
    closedir(dir);
  }
  assert_true(checked >= 8);
}

/* Each hostile value is shown, escaped, where the page shows it. */
static void test_values_shown_escaped(void **state) {
  const char *esc = "&lt;script&gt;alert(1)&lt;/script&gt;";
  const char *q = "&quot;onmouseover=&quot;alert(2)";
  char *index = page("index.html");
  char *summary = page("summary.md");
  char *csv = page("coverage.csv");
  char *image = NULL;
  json_t *data = NULL;
  const char *evil_page = NULL;
  char rel[300];

  (void)state;
  /* The unresolved path and reason, the title, the source URL. */
  assert_true(count(index, esc) >= 3);
  assert_true(count(index, q) >= 2);
  assert_true(count(summary, esc) >= 2);
  /* The CSV keeps the text as text; its quotes are doubled. */
  assert_non_null(strstr(csv, "<script>"));

  snprintf(rel, sizeof(rel), "%s/data.json", site);
  data = json_load_file(rel, 0, NULL);
  assert_non_null(data);
  {
    json_t *rows = json_object_get(json_object_get(data, "analysis"), "rows");
    size_t i = 0;
    json_t *row = NULL;

    json_array_foreach(rows, i, row) {
      const char *img = json_string_value(json_object_get(row, "image"));
      const char *p = json_string_value(json_object_get(row, "page"));

      /* Page names are [a-z0-9.-] only: no path can climb out. */
      assert_non_null(p);
      for (const char *c = p; *c; c++)
        assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz0123456789.-", *c));
      assert_true(p[0] != '.');
      if (strcmp(img, "registry.example/evil:1") == 0)
        evil_page = p;
    }
  }
  assert_non_null(evil_page);
  snprintf(rel, sizeof(rel), "images/%s.html", evil_page);
  image = page(rel);
  /* The reference path, the raw text, the build folder, the digest. */
  assert_true(count(image, esc) >= 3);
  assert_true(count(image, q) >= 2);
  free(image);
  json_decref(data);
  free(index);
  free(summary);
  free(csv);
}

/* The /etc/passwd "image" got a page inside images/, nothing outside. */
static void test_traversal_stays_inside(void **state) {
  struct stat st;
  char path[512];

  (void)state;
  snprintf(path, sizeof(path), "%s/../etc", site);
  assert_int_not_equal(stat(path, &st), 0);
  {
    DIR *d = NULL;
    struct dirent *e = NULL;
    int found = 0;
    char dir[512];

    snprintf(dir, sizeof(dir), "%s/images", site);
    d = opendir(dir);
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
      found |= strncmp(e->d_name, "etc-passwd-", 11) == 0;
    closedir(d);
    assert_true(found);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_no_raw_markup_anywhere),
      cmocka_unit_test(test_values_shown_escaped),
      cmocka_unit_test(test_traversal_stays_inside),
  };

  return cmocka_run_group_tests(tests, write_site, remove_site);
}
