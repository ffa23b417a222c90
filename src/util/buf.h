/* SPDX-License-Identifier: MIT */
/* A growable byte buffer that refuses to grow past a stated maximum. */
#ifndef AM_UTIL_BUF_H
#define AM_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * The bytes are always followed by a NUL (not counted in `len`), so a
 * buffer holding text can be used as a C string. `max` bounds `len`; 0 means
 * no bound other than memory. The buffer owns `data`.
 */
typedef struct am_buf {
  char *data;
  size_t len;
  size_t alloc;
  size_t max;
} am_buf;

/* Start an empty buffer that will hold at most `max` bytes (0: unbounded). */
void am_buf_init(am_buf *buf, size_t max);

/*
 * Append `n` bytes. Returns 0, AM_ETOOBIG when the result would pass `max`
 * (the buffer is then unchanged), or AM_ENOMEM.
 */
int am_buf_append(am_buf *buf, const void *bytes, size_t n);

/* Append a NUL-terminated string; same results as am_buf_append. */
int am_buf_puts(am_buf *buf, const char *s);

/* Append formatted text; same results as am_buf_append. */
int am_buf_printf(am_buf *buf, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Forget the contents but keep the memory. */
void am_buf_reset(am_buf *buf);

/*
 * Hand the bytes to the caller (free() them) and leave the buffer empty.
 * Never returns NULL unless memory runs out: an empty buffer gives "".
 */
char *am_buf_detach(am_buf *buf);

/* Release the memory. NULL is fine. */
void am_buf_free(am_buf *buf);

#endif
