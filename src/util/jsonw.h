/* SPDX-License-Identifier: MIT */
/* A streaming JSON writer: documents written straight into a buffer, laid
 * out byte for byte as jansson's json_dumps with JSON_INDENT(n) lays out
 * the same tree, without building the tree. */
#ifndef AM_UTIL_JSONW_H
#define AM_UTIL_JSONW_H

#include "util/buf.h"

#include <stdbool.h>

/* Containers nested deeper than this are refused (AM_ETOOBIG). */
#define AM_JSONW_DEPTH_MAX 32

/*
 * A document being written into `out`, which the caller owns. Errors are
 * sticky: after the first one every call does nothing, and `rc` says what
 * it was (AM_ENOMEM, AM_ETOOBIG, or AM_EINVALID for a string that is not
 * UTF-8, which jansson refuses too).
 */
typedef struct am_jsonw {
  am_buf *out;
  int indent; /* spaces per level; 0 writes one line */
  int depth;  /* open containers */
  bool after_key;
  bool empty[AM_JSONW_DEPTH_MAX + 1]; /* nothing written in it yet */
  int rc;
} am_jsonw;

/* Start a document written into `out`, `indent` spaces per level. */
void am_jsonw_init(am_jsonw *w, am_buf *out, int indent);

/* Open and close an object or an array. */
void am_jsonw_object(am_jsonw *w);
void am_jsonw_end_object(am_jsonw *w);
void am_jsonw_array(am_jsonw *w);
void am_jsonw_end_array(am_jsonw *w);

/* The key of the next value in an object. */
void am_jsonw_key(am_jsonw *w, const char *key);

/* Values: a string (must be UTF-8), an integer, null. */
void am_jsonw_str(am_jsonw *w, const char *s);
void am_jsonw_int(am_jsonw *w, long long v);
void am_jsonw_null(am_jsonw *w);

/* Length of the well-formed UTF-8 sequence at `s` (1 to 4 bytes), or 0
 * when it is not one: overlong forms, surrogates and code points past
 * U+10FFFF are not. */
size_t am_jsonw_utf8_len(const unsigned char *s);

/* True when `s` is well-formed UTF-8, as jansson requires of a string. */
bool am_jsonw_utf8(const char *s);

/*
 * `key` and string `value`, written only when `value` is not NULL and is
 * UTF-8: what setting a key to json_string(value) in jansson leaves.
 */
void am_jsonw_key_str(am_jsonw *w, const char *key, const char *value);

/* `key` and an integer. */
void am_jsonw_key_int(am_jsonw *w, const char *key, long long v);

#endif
