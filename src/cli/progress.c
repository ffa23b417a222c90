/* SPDX-License-Identifier: MIT */
/* Stage lines and a progress bar on stderr, for a person at a terminal. A
 * scheduled job (stderr not a terminal) or -q sees only warnings and
 * errors. */
#include "cli/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static bool showing(const am_cli *cli) {
  return cli->verbosity >= 0 && isatty(STDERR_FILENO);
}

void am_cli_stage(const am_cli *cli, const char *fmt, ...) {
  va_list ap;

  if (!showing(cli))
    return;
  fputs("archmatrix: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

void am_cli_progress(size_t done, size_t total, void *ud) {
  const am_cli *cli = ud;
  enum { WIDTH = 30 };
  size_t filled = total ? done * WIDTH / total : WIDTH;
  char bar[WIDTH + 1];

  if (!showing(cli))
    return;
  for (size_t i = 0; i < WIDTH; i++)
    bar[i] = i < filled ? '#' : '.';
  bar[WIDTH] = '\0';
  fprintf(stderr, "\r  [%s] %zu/%zu images", bar, done, total);
  if (done == total)
    fputc('\n', stderr);
  fflush(stderr);
}
