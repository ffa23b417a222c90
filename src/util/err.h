/* SPDX-License-Identifier: MIT */
/* Error values: a negative code plus a one-line message held by a context. */
#ifndef AM_UTIL_ERR_H
#define AM_UTIL_ERR_H

#include <stddef.h>

/* Error codes. Every fallible function returns 0 or one of these. */
enum {
  AM_OK = 0,
  AM_ERROR = -1,     /* generic failure; the message says what */
  AM_ENOMEM = -2,    /* allocation failed */
  AM_EINVALID = -3,  /* malformed input */
  AM_ENOTFOUND = -4, /* a named thing does not exist */
  AM_ETOOBIG = -5,   /* input or output over its size cap */
  AM_EAUTH = -6,     /* credentials refused or missing */
  AM_EIO = -7,       /* file or network input/output failed */
  AM_EUSAGE = -8     /* the caller asked for something meaningless */
};

#define AM_ERR_MSG_MAX 512

/*
 * An error context. Functions that fail write one lowercase line without a
 * final period into `msg` and return the negative code, which is also kept in
 * `code`. A NULL context is allowed: the message is then dropped.
 */
typedef struct am_err {
  int code;
  char msg[AM_ERR_MSG_MAX];
} am_err;

/* Clear the context to "no error". */
void am_err_clear(am_err *err);

/*
 * Record an error and return `code`, so a caller can write
 * `return am_err_set(err, AM_EINVALID, "bad thing: %s", what);`.
 */
int am_err_set(am_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prefix the message already in `err` with more context ("file: " + old
 * message) and return the code already recorded.
 */
int am_err_prefix(am_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Make `s` one line in place: control characters (a newline from a
 * library's message, say) become spaces, and trailing spaces go. */
void am_err_one_line(char *s);

/* A short fixed name for an error code ("invalid input", ...). */
const char *am_err_name(int code);

#endif
