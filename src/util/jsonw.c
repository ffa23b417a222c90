/* SPDX-License-Identifier: MIT */
/* A streaming JSON writer laid out as jansson's JSON_INDENT output. */
#include "util/jsonw.h"

#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* Append `n` bytes; the common case, room already there, is a memcpy. */
static void put(am_jsonw *w, const char *s, size_t n) {
  am_buf *b = w->out;

  if (w->rc != AM_OK)
    return;
  if (b->data != NULL && b->len + n < b->alloc &&
      (b->max == 0 || b->len + n <= b->max)) {
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
    return;
  }
  w->rc = am_buf_append(b, s, n);
}

/* A newline and the indentation of `depth`, or nothing on one line. */
static void newline(am_jsonw *w, int depth) {
  static const char spaces[] = "                                ";
  size_t n = (size_t)(depth * w->indent);

  if (w->indent <= 0)
    return;
  put(w, "\n", 1);
  while (n > 0) {
    size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;

    put(w, spaces, k);
    n -= k;
  }
}

/* What goes before a value: nothing after a key, else the separator from
 * the previous element and the indentation. */
static void before_value(am_jsonw *w) {
  if (w->after_key) {
    w->after_key = false;
    return;
  }
  if (w->depth == 0)
    return;
  if (w->empty[w->depth])
    w->empty[w->depth] = false;
  else
    put(w, ",", 1);
  newline(w, w->depth);
}

void am_jsonw_init(am_jsonw *w, am_buf *out, int indent) {
  memset(w, 0, sizeof(*w));
  w->out = out;
  w->indent = indent;
}

static void open_container(am_jsonw *w, const char *bracket) {
  before_value(w);
  if (w->depth >= AM_JSONW_DEPTH_MAX) {
    if (w->rc == AM_OK)
      w->rc = AM_ETOOBIG;
    return;
  }
  put(w, bracket, 1);
  w->depth++;
  w->empty[w->depth] = true;
}

static void close_container(am_jsonw *w, const char *bracket) {
  if (w->depth == 0) {
    if (w->rc == AM_OK)
      w->rc = AM_EINVALID;
    return;
  }
  if (!w->empty[w->depth])
    newline(w, w->depth - 1);
  w->depth--;
  put(w, bracket, 1);
}

void am_jsonw_object(am_jsonw *w) {
  open_container(w, "{");
}

void am_jsonw_end_object(am_jsonw *w) {
  close_container(w, "}");
}

void am_jsonw_array(am_jsonw *w) {
  open_container(w, "[");
}

void am_jsonw_end_array(am_jsonw *w) {
  close_container(w, "]");
}

size_t am_jsonw_utf8_len(const unsigned char *s) {
  size_t n;
  unsigned cp;

  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xc2 && s[0] <= 0xdf)
    n = 2;
  else if (s[0] >= 0xe0 && s[0] <= 0xef)
    n = 3;
  else if (s[0] >= 0xf0 && s[0] <= 0xf4)
    n = 4;
  else
    return 0;
  cp = s[0] & (0x7fu >> n);
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xc0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3fu);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
    return 0;
  return n;
}

bool am_jsonw_utf8(const char *s) {
  const unsigned char *p = (const unsigned char *)s;

  while (*p) {
    size_t n = *p < 0x80 ? 1 : am_jsonw_utf8_len(p);

    if (n == 0)
      return false;
    p += n;
  }
  return true;
}

/* Bytes that go out as they are, with nothing to check: printable ASCII
 * but the quote and the backslash. */
static const unsigned char plain_byte[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* A quoted string with jansson's escapes: \\ \" \b \f \n \r \t, other
 * control characters as \u00XX; everything else as it is. */
static void put_string(am_jsonw *w, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  const unsigned char *run = p;
  bool plain = true;

  /* One pass checks the UTF-8 and whether anything needs escaping; most
   * strings go out in one copy. Printable ASCII other than the quote and
   * the backslash, the common case, costs one table lookup a byte. */
  for (;;) {
    size_t n = 1;

    while (plain_byte[*p])
      p++;
    if (*p == '\0')
      break;
    if (*p >= 0x80 && (n = am_jsonw_utf8_len(p)) == 0) {
      if (w->rc == AM_OK)
        w->rc = AM_EINVALID;
      return;
    }
    if (*p < 0x80)
      plain = false;
    p += n;
  }
  if (plain) {
    put(w, "\"", 1);
    put(w, s, (size_t)(p - run));
    put(w, "\"", 1);
    return;
  }
  p = run;
  put(w, "\"", 1);
  for (; *p; p++) {
    char esc[8];
    const char *text = esc;
    size_t n = 2;

    if (*p >= 0x20 && *p != '"' && *p != '\\')
      continue;
    put(w, (const char *)run, (size_t)(p - run));
    run = p + 1;
    switch (*p) {
    case '"':
      text = "\\\"";
      break;
    case '\\':
      text = "\\\\";
      break;
    case '\b':
      text = "\\b";
      break;
    case '\f':
      text = "\\f";
      break;
    case '\n':
      text = "\\n";
      break;
    case '\r':
      text = "\\r";
      break;
    case '\t':
      text = "\\t";
      break;
    default:
      n = (size_t)snprintf(esc, sizeof(esc), "\\u%04X", (unsigned)*p);
      break;
    }
    put(w, text, n);
  }
  put(w, (const char *)run, (size_t)(p - run));
  put(w, "\"", 1);
}

void am_jsonw_key(am_jsonw *w, const char *key) {
  before_value(w);
  put_string(w, key);
  put(w, w->indent > 0 ? ": " : ":", w->indent > 0 ? 2 : 1);
  w->after_key = true;
}

void am_jsonw_str(am_jsonw *w, const char *s) {
  before_value(w);
  put_string(w, s);
}

void am_jsonw_int(am_jsonw *w, long long v) {
  char digits[24];
  char *d = digits + sizeof(digits);
  unsigned long long u =
      v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

  before_value(w);
  do {
    *--d = (char)('0' + u % 10);
    u /= 10;
  } while (u > 0);
  if (v < 0)
    *--d = '-';
  put(w, d, (size_t)(digits + sizeof(digits) - d));
}

void am_jsonw_null(am_jsonw *w) {
  before_value(w);
  put(w, "null", 4);
}

void am_jsonw_key_str(am_jsonw *w, const char *key, const char *value) {
  if (value == NULL)
    return;
  for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
    if (*p >= 0x80) {
      if (!am_jsonw_utf8(value))
        return;
      break;
    }
  }
  am_jsonw_key(w, key);
  am_jsonw_str(w, value);
}

void am_jsonw_key_int(am_jsonw *w, const char *key, long long v) {
  am_jsonw_key(w, key);
  am_jsonw_int(w, v);
}
