/* SPDX-License-Identifier: MIT */
/* archmatrix: which CPU architectures each container image really covers.
 * The only code that prints; the core reports through am_err and am_log. */
#include "cli/cli.h"

#include "util/log.h"

#include <curl/curl.h>
#include <git2.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Option lists shared by several commands' help. */
static const char registry_help[] =
    "\n"
    "Registry options:\n"
    "  --cache-dir DIR           default $XDG_CACHE_HOME/archmatrix\n"
    "  --no-cache                ask the registries again for everything\n"
    "  --registry-mirror H=URL   send requests for registry H to URL\n"
    "  --insecure-registry HOST  allow plain HTTP to HOST\n"
    "  --concurrency N           requests in flight per registry (8)\n"
    "  --max-requests N          requests in flight overall (32)\n"
    "  --timeout SECONDS         per request (30)\n"
    "  --tag-ttl SECONDS         trust tag answers this long (3600; 0: never)\n"
    "  --ca-file FILE            extra CA certificates for TLS\n";

static const char common_help[] =
    "\n"
    "Common options:\n"
    "  -c, --config FILE         JSON configuration (docs/configuration.md)\n"
    "  -v, -q                    more, or less, on stderr\n"
    "  -h, --help                this help\n";

static const struct {
  const char *name;
  int (*run)(am_cli *cli);
  const char *usage;
  bool registry; /* takes the registry options */
  const char *status;
} commands[] = {
    {"scan", am_cmd_scan,
     "usage: archmatrix scan SOURCE [--ref REF] [--path DIR]... "
     "[--format json|table]\n"
     "\n"
     "Find every image SOURCE builds and uses: Dockerfiles, the Kubernetes\n"
     "test/images BASEIMAGE/VERSION convention, Kubernetes and compose YAML.\n"
     "SOURCE is a local repository (work tree or bare) or a git URL, which\n"
     "is mirrored under the cache directory and fetched on later runs.\n"
     "\n"
     "  --ref REF                 branch, tag or commit (default: HEAD)\n"
     "  --path DIR                scan only this subtree (repeatable)\n"
     "  --platforms LIST          platforms to expand TARGETARCH for\n"
     "  --k8s-registry R          registry of BASEIMAGE/VERSION images\n"
     "  --k8s-platforms LIST      what a VERSION folder without BASEIMAGE "
     "builds\n"
     "  --no-k8s-convention       read no BASEIMAGE, VERSION or ALIAS file\n"
     "  --format FMT              json (the documented contract) or table\n"
     "  --cache-dir DIR           where git mirrors are kept\n"
     "                            (default $XDG_CACHE_HOME/archmatrix)\n",
     false, "Exit status: 0 done, 1 failure, 2 usage.\n"},
    {"resolve", am_cmd_resolve,
     "usage: archmatrix resolve IMAGE... [--format json|table]\n"
     "\n"
     "Ask the registries which platforms each IMAGE has.\n"
     "\n"
     "  --format FMT              json (the documented contract) or table\n",
     true,
     "Exit status: 0 all answered, 1 failure, 2 usage, 3 some image not\n"
     "found or not answered.\n"},
    {"report", am_cmd_report,
     "usage: archmatrix report [-c CONFIG] [-o DIR] [SOURCE...]\n"
     "\n"
     "Scan the sources (from the command line, else the configuration),\n"
     "resolve every image, and publish the coverage site into DIR\n"
     "(default: site). The previous site is replaced only when the new one\n"
     "is complete; its history is carried over.\n"
     "\n"
     "  -o, --output DIR          the site folder\n"
     "  --ref REF, --path DIR     as for scan, for SOURCEs given here\n"
     "  --platforms LIST          matrix columns, comma-separated\n"
     "  --k8s-registry R, --k8s-platforms LIST, --no-k8s-convention\n"
     "                            as for scan\n"
     "  --priority-platform P     whose ports to rank (default linux/arm64)\n"
     "  --keep-runs N             past runs kept in history (default 30)\n"
     "  --title TEXT              the site's title (default archmatrix)\n"
     "  --templates DIR           ctemplate files to use instead of ours\n"
     "  --assets DIR              CSS and script to copy instead of ours\n",
     true,
     "Exit status: 0 published, 1 failure, 2 usage, 3 published, but some\n"
     "image could not be answered for (error or unauthorized).\n"},
    {"merge", am_cmd_merge,
     "usage: archmatrix merge -o DIR DATA.json...\n"
     "\n"
     "Build one site from the data.json of several runs (one per shard).\n"
     "Nothing is asked of a registry: the shards' answers are used.\n"
     "\n"
     "  -o, --output DIR          the site folder\n"
     "  --platforms LIST          matrix columns, comma-separated\n"
     "  --priority-platform P     whose ports to rank (default linux/arm64)\n"
     "  --keep-runs N             past runs kept in history (default 30)\n"
     "  --title TEXT              the site's title (default archmatrix)\n"
     "  --templates DIR           ctemplate files to use instead of ours\n"
     "  --assets DIR              CSS and script to copy instead of ours\n",
     false, "Exit status: 0 done, 1 failure, 2 usage.\n"},
};

void am_cli_help(const char *command, FILE *out) {
  for (size_t i = 0; command && i < sizeof(commands) / sizeof(*commands); i++) {
    if (strcmp(commands[i].name, command) == 0) {
      fputs(commands[i].usage, out);
      if (commands[i].registry)
        fputs(registry_help, out);
      fputs(common_help, out);
      fprintf(out, "\n%s", commands[i].status);
      return;
    }
  }
  fputs("usage: archmatrix COMMAND [OPTIONS] [ARGS]\n"
        "\n"
        "Which CPU architectures does each container image of a repository\n"
        "really cover, and what blocks the rest?\n"
        "\n"
        "Commands:\n"
        "  scan SOURCE       list the images a repository builds and uses\n"
        "  resolve IMAGE...  list the platforms of images in their registries\n"
        "  report [SOURCE]   scan, resolve and publish the coverage site\n"
        "  merge DATA...     one site from several runs' data.json\n"
        "\n"
        "archmatrix COMMAND --help tells more; archmatrix --version the "
        "version.\n",
        out);
}

void am_cli_error(const char *fmt, ...) {
  va_list ap;

  fputs("archmatrix: error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

/* The core's log lines, as "archmatrix: warning: ...". */
static void print_log_line(am_log_level level, const char *line, void *ud) {
  (void)ud;
  fprintf(stderr, "archmatrix: %s: %s\n", am_log_level_name(level), line);
}

/* libgit2's own trace, routed in at -v -v (its builds may leave tracing
 * out, in which case nothing arrives). URLs it prints hold no
 * credentials: the source module gives libgit2 URLs without userinfo. */
static void print_git_trace(git_trace_level_t level, const char *msg) {
  am_log(level <= GIT_TRACE_WARN ? AM_LOG_WARN : AM_LOG_DEBUG, "git: %s", msg);
}

static void print_version(void) {
  int major = 0;
  int minor = 0;
  int rev = 0;

  git_libgit2_version(&major, &minor, &rev);
  printf("archmatrix %s (libgit2 %d.%d.%d, %s)\n", AM_VERSION, major, minor,
         rev, curl_version());
}

/* The default cache folder: $XDG_CACHE_HOME/archmatrix, else
 * ~/.cache/archmatrix. */
static char *default_cache_dir(void) {
  const char *xdg = getenv("XDG_CACHE_HOME");
  const char *home = getenv("HOME");

  if (xdg != NULL && xdg[0] == '/')
    return am_asprintf("%s/archmatrix", xdg);
  if (home != NULL && home[0] != '\0')
    return am_asprintf("%s/.cache/archmatrix", home);
  return am_strdup(".archmatrix-cache");
}

static int run_command(size_t which, int argc, char **argv) {
  am_cli cli = {0};
  am_err err;
  int rc;
  am_log_level level;

  am_err_clear(&err);
  rc = am_cli_parse(&cli, commands[which].name, argc, argv, &err);
  if (rc != AM_OK) {
    if (strcmp(err.msg, "help") == 0) {
      am_cli_help(commands[which].name, stdout);
      rc = AM_EXIT_OK;
    } else {
      am_cli_error("%s", err.msg);
      if (rc == AM_EUSAGE)
        fprintf(stderr, "Try 'archmatrix %s --help'.\n", commands[which].name);
      rc = rc == AM_EUSAGE ? AM_EXIT_USAGE : AM_EXIT_FAILURE;
    }
    goto done;
  }
  if (cli.cache_dir == NULL)
    cli.cache_dir = default_cache_dir();
  level = cli.verbosity < 0    ? AM_LOG_ERROR
          : cli.verbosity == 0 ? AM_LOG_WARN
          : cli.verbosity == 1 ? AM_LOG_INFO
          : cli.verbosity == 2 ? AM_LOG_DEBUG
                               : AM_LOG_TRACE;
  am_log_set_sink(print_log_line, level, NULL);
  if (level >= AM_LOG_DEBUG)
    git_trace_set(GIT_TRACE_DEBUG, print_git_trace);
  rc = commands[which].run(&cli);

done:
  am_cli_free(&cli);
  return rc;
}

int main(int argc, char **argv) {
  int rc = AM_EXIT_USAGE;

  if (argc < 2) {
    am_cli_help(NULL, stderr);
    return AM_EXIT_USAGE;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    am_cli_help(argc > 2 ? argv[2] : NULL, stdout);
    return am_cli_finish_stdout(AM_EXIT_OK);
  }
  if (strcmp(argv[1], "--version") == 0) {
    git_libgit2_init();
    print_version();
    git_libgit2_shutdown();
    return am_cli_finish_stdout(AM_EXIT_OK);
  }
  for (size_t i = 0; i < sizeof(commands) / sizeof(*commands); i++) {
    if (strcmp(argv[1], commands[i].name) == 0) {
      am_cli_signals_start();
      git_libgit2_init();
      /* Objects are read as git reads them, without hashing each one again
       * (a tenth of a scan). A fetch still checks every object it indexes;
       * docs/LIMITATIONS.md says what a damaged local object does. */
      git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
      curl_global_init(CURL_GLOBAL_DEFAULT);
      rc = am_cli_finish_stdout(run_command(i, argc - 1, argv + 1));
      curl_global_cleanup();
      git_libgit2_shutdown();
      return rc;
    }
  }
  am_cli_error("unknown command '%s'", argv[1]);
  fputs("Try 'archmatrix --help'.\n", stderr);
  return rc;
}
