/* SPDX-License-Identifier: MIT */
/* Results on stdout, and the one line that says when they could not be
 * written: output lost to a full disk or a closed descriptor is a
 * failure, never a silent exit 0. */
#include "cli/cli.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* errno of the first write to stdout that failed, 0 while none has. */
static int stdout_errno;

void am_cli_write_stdout(const void *data, size_t len) {
  errno = 0;
  if (fwrite(data, 1, len, stdout) != len && stdout_errno == 0)
    stdout_errno = errno ? errno : EIO;
}

int am_cli_print_json(json_t *doc) {
  char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;

  json_decref(doc);
  if (text == NULL) {
    am_cli_error("out of memory writing JSON");
    return AM_EXIT_FAILURE;
  }
  am_cli_write_stdout(text, strlen(text));
  am_cli_write_stdout("\n", 1);
  free(text);
  return AM_EXIT_OK;
}

int am_cli_finish_stdout(int rc) {
  int flush_errno = 0;
  int why = stdout_errno;

  errno = 0;
  if (fflush(stdout) != 0)
    flush_errno = errno ? errno : EIO;
  if (why == 0)
    why = flush_errno;
  if (why == 0 && !ferror(stdout))
    return rc;
  /* A printf that failed earlier may leave nothing to flush, and so no
   * errno: say what is certain. */
  fprintf(stderr, "archmatrix: cannot write standard output: %s\n",
          strerror(why ? why : EIO));
  return AM_EXIT_FAILURE;
}
