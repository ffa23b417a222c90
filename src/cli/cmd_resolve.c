/* SPDX-License-Identifier: MIT */
/* archmatrix resolve IMAGE...: the platforms of images in their
 * registries. */
#include "cli/cli.h"

#include "ref/ref.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One image per block: its status and digest, then one platform a line.
 * Registry text goes through am_cli_term_text: a registry is not trusted
 * with the terminal either. */
static void print_images_table(const am_image *images, size_t n) {
  am_buf a;
  am_buf b;
  am_buf c;

  am_buf_init(&a, 0);
  am_buf_init(&b, 0);
  am_buf_init(&c, 0);
  for (size_t i = 0; i < n; i++) {
    const am_image *im = &images[i];

    printf("%s%s\n", i ? "\n" : "", am_cli_term_text(&a, im->image));
    if (im->status != AM_IMAGE_OK) {
      printf("  %s: %s\n", am_image_status_name(im->status),
             am_cli_term_text(&a, im->error));
      continue;
    }
    printf("  %s  %s\n", am_cli_term_text(&a, im->digest),
           am_cli_term_text(&b, im->media_type));
    for (size_t j = 0; j < im->nplatforms; j++) {
      const am_image_platform *p = &im->platforms[j];

      printf("  %-16s %s%s%s\n", am_cli_term_text(&a, p->platform),
             am_cli_term_text(&b, p->digest),
             p->os_version ? "  os.version " : "",
             am_cli_term_text(&c, p->os_version));
    }
  }
  am_buf_free(&a);
  am_buf_free(&b);
  am_buf_free(&c);
}

int am_cli_check_registry(const am_cli *cli, am_err *err) {
  char cache[PATH_MAX];
  am_mirror *mirrors = calloc(cli->mirror_hosts.len + 1, sizeof(*mirrors));
  am_registry_opts opts;
  int rc;

  if (mirrors == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  am_cli_registry_opts(cli, &opts, mirrors, cache, sizeof(cache));
  rc = am_registry_check_opts(&opts, err);
  free(mirrors);
  return rc;
}

int am_cli_resolve_images(const am_cli *cli, const am_strv *refs,
                          am_image **out, am_err *err) {
  char cache[PATH_MAX];
  am_mirror *mirrors = NULL;
  am_registry_opts opts;
  int rc;

  mirrors = calloc(cli->mirror_hosts.len + 1, sizeof(*mirrors));
  if (mirrors == NULL)
    return am_err_set(err, AM_ENOMEM, "out of memory");
  am_cli_registry_opts(cli, &opts, mirrors, cache, sizeof(cache));
  opts.progress = am_cli_progress;
  opts.progress_ud = (void *)cli;
  rc = am_registry_resolve(out, (const char *const *)refs->v, refs->len, &opts,
                           err);
  free(mirrors);
  return rc;
}

int am_cmd_resolve(am_cli *cli) {
  am_strv refs = {0};
  am_image *images = NULL;
  am_err err;
  int rc = AM_EXIT_OK;

  am_err_clear(&err);
  if (cli->args.len == 0) {
    am_cli_error("resolve wants at least one IMAGE");
    fputs("Try 'archmatrix resolve --help'.\n", stderr);
    return AM_EXIT_USAGE;
  }
  for (size_t i = 0; i < cli->args.len; i++) {
    char norm[AM_REF_STR_MAX];

    if (am_ref_normalize(cli->args.v[i], norm, sizeof(norm), &err) != AM_OK) {
      am_cli_error("%s", err.msg);
      rc = AM_EXIT_USAGE;
      goto done;
    }
    if (am_strv_push(&refs, norm) != AM_OK) {
      am_cli_error("out of memory");
      rc = AM_EXIT_FAILURE;
      goto done;
    }
  }

  if (am_cli_check_registry(cli, &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    rc = err.code == AM_EUSAGE ? AM_EXIT_USAGE : AM_EXIT_FAILURE;
    goto done;
  }
  am_cli_stage(cli, "resolving %zu images", refs.len);
  if (am_cli_resolve_images(cli, &refs, &images, &err) != AM_OK) {
    am_cli_error("%s", err.msg);
    rc = AM_EXIT_FAILURE;
    goto done;
  }
  if (am_cli_format(cli) == AM_FORMAT_JSON)
    rc = am_cli_print_json(am_images_to_json(images, refs.len));
  else
    print_images_table(images, refs.len);
  for (size_t i = 0; rc == AM_EXIT_OK && i < refs.len; i++) {
    if (images[i].status != AM_IMAGE_OK)
      rc = AM_EXIT_UNRESOLVED;
  }

done:
  am_images_free(images, refs.len);
  am_strv_free(&refs);
  return rc;
}
