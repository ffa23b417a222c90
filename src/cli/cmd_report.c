/* SPDX-License-Identifier: MIT */
/* archmatrix report and merge: scan, resolve, analyse, publish the site. */
#include "cli/cli.h"

#include "report/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Where templates/ and assets/ live: $ARCHMATRIX_DATA_DIR, else the
 * installed share folder, else the source tree this binary was built
 * from. */
static char *data_dir(const char *what) {
  const char *env = getenv("ARCHMATRIX_DATA_DIR");
  const char *dirs[] = {env, AM_DATA_DIR, AM_SOURCE_DIR};
  struct stat st;

  for (size_t i = 0; i < sizeof(dirs) / sizeof(*dirs); i++) {
    char *path;

    if (dirs[i] == NULL || dirs[i][0] == '\0')
      continue;
    path = am_asprintf("%s/%s", dirs[i], what);
    if (path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
      return path;
    free(path);
  }
  return am_asprintf("%s/%s", AM_SOURCE_DIR, what);
}

/* The folder given on the command line, else the one found by data_dir. */
static char *site_dir(const char *given, const char *what) {
  return given ? am_strdup(given) : data_dir(what);
}

/* Fill the site options from the command line and configuration. The
 * strings in `cli` and the two folders outlive `opts`. */
static void report_opts(const am_cli *cli, am_report_opts *opts,
                        char *templates, char *assets, char *now) {
  time_t t = time(NULL);
  struct tm tm;

  memset(opts, 0, sizeof(*opts));
  gmtime_r(&t, &tm);
  strftime(now, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
  opts->out_dir = cli->out_dir ? cli->out_dir : "site";
  opts->templates_dir = templates;
  opts->assets_dir = assets;
  am_cli_platforms(cli, &opts->platforms, &opts->nplatforms);
  opts->priority_platform =
      cli->priority_platform ? cli->priority_platform : "linux/arm64";
  opts->keep_runs = cli->keep_runs ? cli->keep_runs : 30;
  opts->generated_at = now;
  opts->title = cli->title;
}

/* Every distinct image the scans name: references, targets and bases. */
static int collect_images(const am_scan *scans, size_t nscans, am_strv *out) {
  int rc = AM_OK;

  for (size_t s = 0; s < nscans; s++) {
    const am_scan *scan = &scans[s];

    for (size_t i = 0; rc == AM_OK && i < scan->nrefs; i++)
      rc = am_strv_push_unique(out, scan->refs[i].image);
    for (size_t i = 0; rc == AM_OK && i < scan->ntargets; i++) {
      const am_target *t = &scan->targets[i];

      rc = am_strv_push_unique(out, t->image);
      for (size_t j = 0; rc == AM_OK && j < t->nbases; j++)
        rc = am_strv_push_unique(out, t->bases[j].image);
    }
  }
  am_strv_sort(out);
  return rc;
}

/* Scan the sources named on the command line, or else in the config. */
static int scan_all(am_cli *cli, am_scan **scans, size_t *nscans, am_err *err) {
  size_t n = cli->args.len ? cli->args.len : cli->nsources;
  int rc = AM_OK;

  *scans = calloc(n + 1, sizeof(**scans));
  if (*scans == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  for (size_t i = 0; rc == AM_OK && i < n; i++) {
    bool cmdline = cli->args.len > 0;
    const char *url = cmdline ? cli->args.v[i] : cli->sources[i].url;
    const char *ref = cmdline ? cli->ref : cli->sources[i].ref;
    const am_strv *paths = cmdline ? &cli->paths : &cli->sources[i].paths;

    rc = am_cli_scan_source(cli, url, ref, paths, &(*scans)[i], err);
    *nscans = i + 1;
  }
  return rc;
}

int am_cmd_report(am_cli *cli) {
  char *templates = site_dir(cli->templates_dir, "templates");
  char *assets = site_dir(cli->assets_dir, "assets");
  char now[32];
  am_scan *scans = NULL;
  size_t nscans = 0;
  am_strv images = {0};
  am_image *answers = NULL;
  am_report_opts opts;
  am_err err;
  int rc = AM_EXIT_FAILURE;

  am_err_clear(&err);
  if (cli->args.len == 0 && cli->nsources == 0) {
    am_cli_error("report wants a SOURCE, or a configuration with sources");
    fputs("Try 'archmatrix report --help'.\n", stderr);
    rc = AM_EXIT_USAGE;
    goto done;
  }
  /* A bad mirror is the user's to fix: say so before a long scan. */
  if (am_cli_check_registry(cli, &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    rc = err.code == AM_EUSAGE ? AM_EXIT_USAGE : AM_EXIT_FAILURE;
    goto done;
  }
  if (scan_all(cli, &scans, &nscans, &err) != AM_OK ||
      collect_images(scans, nscans, &images) != AM_OK) {
    am_cli_error("%s", err.msg[0] ? err.msg : "out of memory");
    goto done;
  }

  am_cli_stage(cli, "resolving %zu images", images.len);
  if (am_cli_resolve_images(cli, &images, &answers, &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    goto done;
  }

  report_opts(cli, &opts, templates, assets, now);
  am_cli_stage(cli, "writing %s", opts.out_dir);
  if (am_report_write(scans, nscans, answers, images.len, &opts, &err) !=
      AM_OK) {
    am_cli_error("%s", err.msg);
    goto done;
  }
  rc = AM_EXIT_OK;
  for (size_t i = 0; i < images.len; i++) {
    if (answers[i].status == AM_IMAGE_ERROR ||
        answers[i].status == AM_IMAGE_UNAUTHORIZED)
      rc = AM_EXIT_UNRESOLVED;
  }
  printf("%s/index.html\n", opts.out_dir);

done:
  am_images_free(answers, images.len);
  am_strv_free(&images);
  for (size_t i = 0; i < nscans; i++)
    am_scan_free(&scans[i]);
  free(scans);
  free(templates);
  free(assets);
  return rc;
}

int am_cmd_merge(am_cli *cli) {
  char *templates = site_dir(cli->templates_dir, "templates");
  char *assets = site_dir(cli->assets_dir, "assets");
  char now[32];
  am_report_opts opts;
  am_err err;
  int rc = AM_EXIT_OK;

  am_err_clear(&err);
  if (cli->args.len == 0 || cli->out_dir == NULL) {
    am_cli_error("merge wants -o DIR and at least one DATA.json");
    fputs("Try 'archmatrix merge --help'.\n", stderr);
    rc = AM_EXIT_USAGE;
    goto done;
  }
  report_opts(cli, &opts, templates, assets, now);
  if (am_report_merge((const char *const *)cli->args.v, cli->args.len, &opts,
                      &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    rc = AM_EXIT_FAILURE;
    goto done;
  }
  printf("%s/index.html\n", opts.out_dir);

done:
  free(templates);
  free(assets);
  return rc;
}
