/* SPDX-License-Identifier: MIT */
/* Atomic publishing: a failed or killed run leaves the previous site
 * byte-for-byte intact; a good run replaces it whole and carries the
 * history over. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "report/report.h"

#include <dirent.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define FIXTURE AM_SOURCE_DIR "/tests/fixtures/report/analysis/states.json"

typedef struct ctx {
  json_t *doc;
  am_scan *scans;
  size_t nscans;
  am_image *images;
  size_t nimages;
  char root[128];
  char site[160];
  int nfiles; /* files the first run wrote */
} ctx;

static const char *platforms[] = {"linux/amd64", "linux/arm64",
                                  "windows/amd64"};

static int setup(void **state) {
  ctx *c = calloc(1, sizeof(*c));
  am_err err;

  if (c == NULL || (c->doc = json_load_file(FIXTURE, 0, NULL)) == NULL)
    return -1;
  if (am_report_load_data(c->doc, &c->scans, &c->nscans, &c->images,
                          &c->nimages, &err) != AM_OK)
    return -1;
  snprintf(c->root, sizeof(c->root), "/tmp/am-publish-%ld", (long)getpid());
  snprintf(c->site, sizeof(c->site), "%s/site", c->root);
  mkdir(c->root, 0755);
  *state = c;
  return 0;
}

static int teardown(void **state) {
  ctx *c = *state;
  char cmd[200];

  snprintf(cmd, sizeof(cmd), "rm -rf %s", c->root);
  if (system(cmd) != 0)
    return -1;
  am_report_free_data(c->scans, c->nscans, c->images, c->nimages);
  json_decref(c->doc);
  free(c);
  return 0;
}

static int write_run(ctx *c, const char *at, int keep,
                     int (*on_file)(const char *, void *), void *ud,
                     am_err *err) {
  am_report_opts opts;

  memset(&opts, 0, sizeof(opts));
  opts.out_dir = c->site;
  opts.platforms = platforms;
  opts.nplatforms = 3;
  opts.generated_at = at;
  opts.keep_runs = keep;
  opts.on_file = on_file;
  opts.on_file_ud = ud;
  return am_report_write(c->scans, c->nscans, c->images, c->nimages, &opts,
                         err);
}

/* Every file of the site with its sha256, sorted: equal strings mean
 * byte-for-byte equal sites. */
static char *snapshot(const char *dir) {
  char cmd[300];
  char *out = calloc(1, 1 << 20);
  FILE *p = NULL;
  size_t n = 0;

  snprintf(cmd, sizeof(cmd),
           "cd %s && find . -type f -print0 | sort -z | xargs -0 sha256sum",
           dir);
  p = popen(cmd, "r");
  if (p == NULL || out == NULL)
    return out;
  n = fread(out, 1, (1 << 20) - 1, p);
  out[n] = '\0';
  pclose(p);
  return out;
}

/* Count the temporary folders runs left beside the site. */
static int leftovers(const ctx *c) {
  DIR *d = opendir(c->root);
  struct dirent *e = NULL;
  int n = 0;

  while (d && (e = readdir(d)) != NULL)
    n += strncmp(e->d_name, ".site.tmp-", 10) == 0;
  if (d)
    closedir(d);
  return n;
}

static int history_files(const ctx *c) {
  char path[256];
  DIR *d = NULL;
  struct dirent *e = NULL;
  int n = 0;

  snprintf(path, sizeof(path), "%s/history", c->site);
  d = opendir(path);
  while (d && (e = readdir(d)) != NULL)
    n += strstr(e->d_name, ".json") != NULL;
  if (d)
    closedir(d);
  return n;
}

typedef struct stop_after {
  int left;
  bool kill;
} stop_after;

/* Fail (or die) when `left` files have been written. */
static int stop_cb(const char *rel, void *ud) {
  stop_after *s = ud;

  (void)rel;
  if (--s->left > 0)
    return 0;
  if (s->kill)
    raise(SIGKILL);
  return 1;
}

static int count_cb(const char *rel, void *ud) {
  (void)rel;
  ++*(int *)ud;
  return 0;
}

static void test_first_run_publishes(void **state) {
  ctx *c = *state;
  am_err err;
  char path[256];
  struct stat st;

  assert_int_equal(
      write_run(c, "2024-05-01T00:00:00Z", 30, count_cb, &c->nfiles, &err),
      AM_OK);
  assert_true(c->nfiles > 20);
  snprintf(path, sizeof(path), "%s/index.html", c->site);
  assert_int_equal(stat(path, &st), 0);
  assert_int_equal(history_files(c), 1);
  assert_int_equal(leftovers(c), 0);
}

static void test_failed_run_keeps_site(void **state) {
  ctx *c = *state;
  char *before = snapshot(c->site);
  /* The next run writes one more file (two history entries): fail after
   * each file in turn, the very last included. */
  for (int point = 1; point <= c->nfiles + 1; point++) {
    stop_after s = {point, false};
    am_err err;
    char *after = NULL;

    assert_int_not_equal(
        write_run(c, "2024-05-02T00:00:00Z", 30, stop_cb, &s, &err), AM_OK);
    after = snapshot(c->site);
    assert_string_equal(before, after);
    assert_int_equal(leftovers(c), 0);
    free(after);
  }
  free(before);
}

static void test_killed_run_keeps_site(void **state) {
  ctx *c = *state;
  char *before = snapshot(c->site);
  /* Killed after each file in turn: the first, every one between, and
   * the last (the next run writes one file more than the first did). */
  for (int point = 1; point <= c->nfiles + 1; point++) {
    pid_t pid = fork();
    int status = 0;
    char *after = NULL;

    assert_true(pid >= 0);
    if (pid == 0) {
      stop_after s = {point, true};
      am_err err;

      write_run(c, "2024-05-02T00:00:00Z", 30, stop_cb, &s, &err);
      _exit(0); /* not reached when the kill point is hit */
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    after = snapshot(c->site);
    assert_string_equal(before, after);
    free(after);
  }
  /* The dead runs' folders are still there, to be cleaned next time. */
  assert_true(leftovers(c) > 0);
  free(before);
}

static void test_next_run_cleans_up_and_carries_history(void **state) {
  ctx *c = *state;
  am_err err;

  assert_int_equal(write_run(c, "2024-05-03T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  assert_int_equal(leftovers(c), 0);
  assert_int_equal(history_files(c), 2);
  assert_int_equal(write_run(c, "2024-05-04T00:00:00Z", 2, NULL, NULL, &err),
                   AM_OK);
  /* keep_runs counts this run: the oldest one went. */
  assert_int_equal(history_files(c), 2);
}

/* The generated_at of a JSON file of the site, or "" when unreadable. */
static const char *generated_at(const char *site, const char *rel, char *out,
                                size_t size) {
  char path[600];
  json_t *doc = NULL;
  const char *at = NULL;

  snprintf(path, sizeof(path), "%s/%s", site, rel);
  doc = json_load_file(path, 0, NULL);
  at = doc ? json_string_value(json_object_get(doc, "generated_at")) : NULL;
  snprintf(out, size, "%s", at ? at : "");
  json_decref(doc);
  return out;
}

/* The history files, sorted (their names sort by time). */
static int history_names(const ctx *c, char names[][300], int max) {
  char path[256];
  struct dirent **list = NULL;
  int n = 0;
  int kept = 0;

  snprintf(path, sizeof(path), "%s/history", c->site);
  n = scandir(path, &list, NULL, alphasort);
  for (int i = 0; i < n; i++) {
    if (strstr(list[i]->d_name, ".json") != NULL && kept < max)
      snprintf(names[kept++], 300, "history/%.200s", list[i]->d_name);
    free(list[i]);
  }
  free(list);
  return kept;
}

/* Each run's history file keeps that run's data after later runs, however
 * the site shares the bytes between data.json and history/. */
static void test_history_keeps_each_run(void **state) {
  ctx *c = *state;
  am_err err;
  char names[4][300];
  char at[64];

  assert_int_equal(write_run(c, "2024-05-05T00:00:00Z", 3, NULL, NULL, &err),
                   AM_OK);
  assert_int_equal(write_run(c, "2024-05-06T00:00:00Z", 3, NULL, NULL, &err),
                   AM_OK);
  assert_int_equal(history_names(c, names, 4), 3);
  assert_string_equal(generated_at(c->site, names[0], at, sizeof(at)),
                      "2024-05-04T00:00:00Z");
  assert_string_equal(generated_at(c->site, names[1], at, sizeof(at)),
                      "2024-05-05T00:00:00Z");
  assert_string_equal(generated_at(c->site, names[2], at, sizeof(at)),
                      "2024-05-06T00:00:00Z");
  assert_string_equal(generated_at(c->site, "data.json", at, sizeof(at)),
                      "2024-05-06T00:00:00Z");
}

/* A symbolic link planted in history/ is not followed into the next site. */
static void test_history_skips_links(void **state) {
  ctx *c = *state;
  am_err err;
  char link_path[300];
  char names[8][300];
  struct stat st;
  int n = 0;

  snprintf(link_path, sizeof(link_path), "%s/history/20240101T000000Z.json",
           c->site);
  assert_int_equal(symlink("/etc/passwd", link_path), 0);
  assert_int_equal(write_run(c, "2024-05-07T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  assert_int_equal(lstat(link_path, &st), -1);
  n = history_names(c, names, 8);
  assert_int_equal(n, 4);
  for (int i = 0; i < n; i++) {
    char path[600];

    snprintf(path, sizeof(path), "%s/%.299s", c->site, names[i]);
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
  }
}

/* The whole of a site file, or NULL. */
static char *slurp(const char *site, const char *rel) {
  char path[300];
  FILE *f = NULL;
  char *out = calloc(1, 1 << 20);
  size_t n = 0;

  snprintf(path, sizeof(path), "%s/%s", site, rel);
  if (out == NULL || (f = fopen(path, "r")) == NULL) {
    free(out);
    return NULL;
  }
  n = fread(out, 1, (1 << 20) - 1, f);
  out[n] = '\0';
  fclose(f);
  return out;
}

/* A platform an image stopped publishing is shown as lost on the overview,
 * the trend page and summary.md of the next run. */
static void test_lost_platform_is_reported(void **state) {
  ctx *c = *state;
  am_err err;
  am_image *agn = NULL;
  size_t arm = 0;
  am_image_platform saved;
  const char *want_html = "agnhost:2.47</a> on <strong>linux/arm64</strong>: "
                          "was published";
  const char *want_md = "- \xe2\x86\x93 registry.example/e2e/agnhost:2.47 on "
                        "linux/arm64: was published";
  char *index = NULL;
  char *trend = NULL;
  char *summary = NULL;

  for (size_t i = 0; i < c->nimages; i++) {
    if (strcmp(c->images[i].image, "registry.example/e2e/agnhost:2.47") == 0)
      agn = &c->images[i];
  }
  assert_non_null(agn);
  while (arm < agn->nplatforms &&
         strcmp(agn->platforms[arm].platform, "linux/arm64") != 0)
    arm++;
  assert_true(arm < agn->nplatforms);
  assert_int_equal(write_run(c, "2024-06-01T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  index = slurp(c->site, "index.html");
  assert_non_null(index);
  assert_null(strstr(index, want_html));
  free(index);

  /* The registry no longer lists linux/arm64 for agnhost. */
  saved = agn->platforms[arm];
  agn->platforms[arm] = agn->platforms[agn->nplatforms - 1];
  agn->platforms[agn->nplatforms - 1] = saved;
  agn->nplatforms--;
  assert_int_equal(write_run(c, "2024-06-02T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  agn->nplatforms++;

  index = slurp(c->site, "index.html");
  trend = slurp(c->site, "trend.html");
  summary = slurp(c->site, "summary.md");
  assert_non_null(index);
  assert_non_null(trend);
  assert_non_null(summary);
  assert_non_null(strstr(index, want_html));
  assert_non_null(strstr(trend, want_html));
  assert_non_null(strstr(summary, want_md));
  free(index);
  free(trend);
  free(summary);
}

/* A run in which the registry answered nothing: no image is reported as
 * lost, the overview does not claim there is nothing to port, the trend
 * leaves the run out of the chart and says why in its table, and the next
 * good run reports nothing as newly published. */
static void test_outage_is_not_a_regression(void **state) {
  ctx *c = *state;
  am_err err;
  am_image_status *status = calloc(c->nimages, sizeof(*status));
  char **error = calloc(c->nimages, sizeof(*error));
  char *index = NULL;
  char *trend = NULL;
  char *summary = NULL;
  char *data = NULL;

  assert_non_null(status);
  assert_non_null(error);
  assert_int_equal(write_run(c, "2024-07-01T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  for (size_t i = 0; i < c->nimages; i++) {
    status[i] = c->images[i].status;
    error[i] = c->images[i].error;
    c->images[i].status = AM_IMAGE_ERROR;
    c->images[i].error = "Could not connect to server";
  }
  assert_int_equal(write_run(c, "2024-07-02T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  for (size_t i = 0; i < c->nimages; i++) {
    c->images[i].status = status[i];
    c->images[i].error = error[i];
  }
  index = slurp(c->site, "index.html");
  trend = slurp(c->site, "trend.html");
  summary = slurp(c->site, "summary.md");
  assert_non_null(index);
  assert_non_null(trend);
  assert_non_null(summary);
  assert_non_null(strstr(index, "<strong>0</strong> lost"));
  assert_null(strstr(index, "Nothing left to port"));
  assert_non_null(strstr(index, "could not be checked"));
  assert_non_null(strstr(summary, "could not be checked"));
  assert_non_null(strstr(trend, "unknown)"));
  free(index);
  free(trend);
  free(summary);

  /* Back to normal: nothing is newly published either. */
  assert_int_equal(write_run(c, "2024-07-03T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  data = slurp(c->site, "data.json");
  assert_non_null(data);
  assert_non_null(strstr(data, "\"published\": []"));
  assert_non_null(strstr(data, "\"lost\": []"));
  free(data);
  free(status);
  free(error);
}

/* coverage.csv: a state per platform column, alone, and the reasons in a
 * last column. */
static void test_csv_states_and_notes(void **state) {
  ctx *c = *state;
  am_err err;
  char *csv = NULL;
  const char *row = NULL;
  const char *end = NULL;
  char line[1024];

  assert_int_equal(write_run(c, "2024-08-01T00:00:00Z", 30, NULL, NULL, &err),
                   AM_OK);
  csv = slurp(c->site, "coverage.csv");
  assert_non_null(csv);
  assert_non_null(strstr(csv, "image,kind,uses,linux/amd64,linux/arm64,"
                              "windows/amd64,notes\r\n"));
  row = strstr(csv, "\r\nregistry.example/e2e/legacy:0.1,");
  assert_non_null(row);
  end = strstr(row + 2, "\r\n");
  assert_non_null(end);
  snprintf(line, sizeof(line), "%.*s", (int)(end - row - 2), row + 2);
  assert_string_equal(
      line, "registry.example/e2e/legacy:0.1,target,2,published,blocked,"
            "blocked,linux/arm64: blocked by "
            "docker.io/library/debian-amd64-only:1; windows/amd64: blocked by "
            "docker.io/library/debian-amd64-only:1");
  free(csv);
}

static void test_refuses_foreign_folder(void **state) {
  ctx *c = *state;
  ctx other = *c;
  am_err err;
  char path[300];
  FILE *f = NULL;
  struct stat st;

  snprintf(other.site, sizeof(other.site), "%s/notes", c->root);
  mkdir(other.site, 0755);
  snprintf(path, sizeof(path), "%s/keep-me.txt", other.site);
  f = fopen(path, "w");
  assert_non_null(f);
  fputs("precious\n", f);
  fclose(f);
  assert_int_equal(
      write_run(&other, "2024-05-05T00:00:00Z", 30, NULL, NULL, &err),
      AM_EUSAGE);
  assert_non_null(strstr(err.msg, "refusing"));
  assert_int_equal(stat(path, &st), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_first_run_publishes),
      cmocka_unit_test(test_failed_run_keeps_site),
      cmocka_unit_test(test_killed_run_keeps_site),
      cmocka_unit_test(test_next_run_cleans_up_and_carries_history),
      cmocka_unit_test(test_history_keeps_each_run),
      cmocka_unit_test(test_history_skips_links),
      cmocka_unit_test(test_lost_platform_is_reported),
      cmocka_unit_test(test_outage_is_not_a_regression),
      cmocka_unit_test(test_csv_states_and_notes),
      cmocka_unit_test(test_refuses_foreign_folder),
  };

  return cmocka_run_group_tests(tests, setup, teardown);
}
