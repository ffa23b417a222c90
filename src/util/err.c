/* SPDX-License-Identifier: MIT */
/* Error values: a negative code plus a one-line message held by a context. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void am_err_clear(am_err *err) {
  if (err == NULL)
    return;
  err->code = AM_OK;
  err->msg[0] = '\0';
}

/* Replace control characters so a message always stays on one line. */
void am_err_one_line(char *s) {
  size_t n = 0;

  for (char *p = s; *p; p++) {
    if ((unsigned char)*p < 0x20 || *p == 0x7f)
      *p = ' ';
  }
  n = strlen(s);
  while (n > 0 && s[n - 1] == ' ')
    s[--n] = '\0';
}

int am_err_set(am_err *err, int code, const char *fmt, ...) {
  va_list ap;

  if (err == NULL)
    return code;
  va_start(ap, fmt);
  vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
  va_end(ap);
  am_err_one_line(err->msg);
  err->code = code;
  return code;
}

int am_err_prefix(am_err *err, const char *fmt, ...) {
  char prefix[AM_ERR_MSG_MAX];
  char old[AM_ERR_MSG_MAX];
  va_list ap;

  if (err == NULL)
    return AM_ERROR;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof(prefix), fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof(old));
  /* Both parts fit the same size, so the result is cut, never overrun. */
  if (snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old) < 0)
    err->msg[0] = '\0';
  am_err_one_line(err->msg);
  return err->code != AM_OK ? err->code : AM_ERROR;
}

const char *am_err_name(int code) {
  switch (code) {
  case AM_OK:
    return "ok";
  case AM_ENOMEM:
    return "out of memory";
  case AM_EINVALID:
    return "invalid input";
  case AM_ENOTFOUND:
    return "not found";
  case AM_ETOOBIG:
    return "too big";
  case AM_EAUTH:
    return "unauthorized";
  case AM_EIO:
    return "input/output error";
  case AM_EUSAGE:
    return "usage error";
  default:
    return "error";
  }
}
