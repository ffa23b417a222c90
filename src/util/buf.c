/* SPDX-License-Identifier: MIT */
/* A growable byte buffer that refuses to grow past a stated maximum. */
#include "util/buf.h"

#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void am_buf_init(am_buf *buf, size_t max) {
  buf->data = NULL;
  buf->len = 0;
  buf->alloc = 0;
  buf->max = max;
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static int reserve(am_buf *buf, size_t extra) {
  size_t need;
  size_t next;
  char *data;

  if (extra > (size_t)-1 - buf->len - 1)
    return AM_ETOOBIG;
  if (buf->max != 0 && buf->len + extra > buf->max)
    return AM_ETOOBIG;
  need = buf->len + extra + 1;
  if (need <= buf->alloc)
    return AM_OK;
  next = buf->alloc ? buf->alloc : 64;
  while (next < need)
    next = next > (size_t)-1 / 2 ? need : next * 2;
  data = realloc(buf->data, next);
  if (data == NULL)
    return AM_ENOMEM;
  buf->data = data;
  buf->alloc = next;
  return AM_OK;
}

int am_buf_append(am_buf *buf, const void *bytes, size_t n) {
  int rc = reserve(buf, n);

  if (rc != AM_OK)
    return rc;
  if (n > 0)
    memcpy(buf->data + buf->len, bytes, n);
  buf->len += n;
  buf->data[buf->len] = '\0';
  return AM_OK;
}

int am_buf_puts(am_buf *buf, const char *s) {
  return am_buf_append(buf, s, strlen(s));
}

int am_buf_printf(am_buf *buf, const char *fmt, ...) {
  va_list ap;
  int n;
  int rc;

  va_start(ap, fmt);
  n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return AM_ERROR;
  rc = reserve(buf, (size_t)n);
  if (rc != AM_OK)
    return rc;
  va_start(ap, fmt);
  vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  buf->len += (size_t)n;
  return AM_OK;
}

void am_buf_reset(am_buf *buf) {
  buf->len = 0;
  if (buf->data != NULL)
    buf->data[0] = '\0';
}

char *am_buf_detach(am_buf *buf) {
  char *data = buf->data;

  if (data == NULL)
    data = calloc(1, 1);
  buf->data = NULL;
  buf->len = 0;
  buf->alloc = 0;
  return data;
}

void am_buf_free(am_buf *buf) {
  if (buf == NULL)
    return;
  free(buf->data);
  buf->data = NULL;
  buf->len = 0;
  buf->alloc = 0;
}
