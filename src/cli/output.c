/* SPDX-License-Identifier: MIT */
/* Results on stdout, and the one line that says when they could not be
 * written: output lost to a full disk or a closed descriptor is a
 * failure, never a silent exit 0. Text from a repository or a registry
 * reaches a terminal only through am_cli_term_text. */
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

const char *am_cli_term_text(am_buf *buf, const char *s) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)(s ? s : "");

  am_buf_reset(buf);
  for (; *p; p++) {
    char esc[8] = "\\x";
    size_t n = 4;

    if (*p >= 0x20 && *p != 0x7f &&
        !(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)) {
      if (am_buf_append(buf, p, 1) != AM_OK)
        break;
      continue;
    }
    if (*p == 0xc2) {
      /* A C1 control in UTF-8 (U+0080..U+009F): CSI is one of them. */
      memcpy(esc, "\\u00", 4);
      p++;
      n = 6;
    }
    esc[n - 2] = hex[*p >> 4];
    esc[n - 1] = hex[*p & 15];
    if (am_buf_append(buf, esc, n) != AM_OK)
      break;
  }
  return buf->data ? buf->data : "";
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
